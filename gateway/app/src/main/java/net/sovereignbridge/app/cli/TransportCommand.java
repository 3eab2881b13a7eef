package net.sovereignbridge.app.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "transport", description = "Transports of the running daemon", mixinStandardHelpOptions = true,
        subcommands = {TransportCommand.Start.class})
public final class TransportCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "start", description = "Start a transport again: after fixing what made it UNAVAILABLE (SPI, "
            + "permissions, wiring), without restarting the daemon. The configuration is not re-read.")
    static final class Start implements Callable<Integer> {
        @Mixin
        StateDirOption state;

        @Parameters(index = "0", paramLabel = "ID", description = "transport id, as in sbridge status (lora0, lan)")
        String id;

        @Override
        public Integer call() {
            Map<String, Object> a = DaemonCall.ok(state, Map.of("op", "transport-start", "id", id));
            if (a == null) return ExitCodes.FAILED;
            String reason = String.valueOf(a.get("reason"));
            System.out.println("transport " + a.get("id") + " " + a.get("state") + (reason.isEmpty() ? "" : " (" + reason + ")"));
            return "ACTIVE".equals(a.get("state")) || "STARTING".equals(a.get("state")) ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
