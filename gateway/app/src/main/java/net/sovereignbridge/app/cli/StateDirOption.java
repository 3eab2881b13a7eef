package net.sovereignbridge.app.cli;

import java.nio.file.Path;
import net.sovereignbridge.app.config.GatewayConfig;
import picocli.CommandLine.Option;

/** --state-dir, shared by every command that needs the node's state. */
public final class StateDirOption {
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "state directory (default: ./var/sbridge, or $XDG_STATE_HOME/sbridge)")
    Path stateDir;

    public Path resolve() {
        return stateDir != null ? stateDir : GatewayConfig.defaultStateDir();
    }

    public Path explicit() {
        return stateDir;
    }
}
