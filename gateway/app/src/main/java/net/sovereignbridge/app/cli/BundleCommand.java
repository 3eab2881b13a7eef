package net.sovereignbridge.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import net.sovereignbridge.app.control.ControlClient;
import net.sovereignbridge.app.control.ControlServer;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Sneakernet: carry held messages on removable media between gateways. */
@Command(name = "bundle", description = "Export held messages to a signed bundle file, or import one.",
        subcommands = {BundleCommand.Export.class, BundleCommand.Import.class})
public final class BundleCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "export", description = "Write every message this gateway holds to FILE (signed; messages stay sealed).")
    static final class Export implements Callable<Integer> {
        @Mixin
        StateDirOption state;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            Map<String, Object> a = DaemonCall.ok(state, Map.of("op", "bundle-export"));
            if (a == null) return ExitCodes.FAILED;
            byte[] bytes = Base64.getDecoder().decode((String) a.get("bundle"));
            try {
                Files.write(file, bytes);
                System.out.println("wrote " + bytes.length + " bytes to " + file);
                return ExitCodes.OK;
            } catch (java.io.IOException e) {
                // A partial bundle is useless (its signature covers the whole file): do not leave one behind.
                try {
                    Files.deleteIfExists(file);
                } catch (java.io.IOException ignored) {
                    // the write error below is the one to report
                }
                System.err.println("sbridge: cannot write " + file + ": " + net.sovereignbridge.mesh.identity.StateDirectory.reason(e));
                return ExitCodes.FAILED;
            }
        }
    }

    @Command(name = "import", description = "Deliver or forward the messages in a bundle FILE; a tampered file is rejected whole.")
    static final class Import implements Callable<Integer> {
        @Mixin
        StateDirOption state;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            // Streamed from the file to the daemon's socket: the CLI never holds the bundle in memory, and the
            // size is checked before a byte is sent.
            long size;
            try {
                size = Files.size(file);
            } catch (java.io.IOException e) {
                System.err.println("sbridge: cannot read " + file + ": " + net.sovereignbridge.mesh.identity.StateDirectory.reason(e));
                return ExitCodes.FAILED;
            }
            if (size > ControlServer.MAX_PAYLOAD) {
                System.err.println("sbridge: " + file + " is " + size + " bytes; a bundle may be at most "
                        + ControlServer.MAX_PAYLOAD + " bytes (the daemon verifies it whole in memory); export smaller bundles");
                return ExitCodes.FAILED;
            }
            Map<String, Object> a;
            try (java.io.InputStream in = Files.newInputStream(file)) {
                a = ControlClient.call(state.resolve(), Map.of("op", "bundle-import"), in, size);
            } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException e) {
                System.err.println("sbridge: cannot read " + file + ": " + net.sovereignbridge.mesh.identity.StateDirectory.reason(e));
                return ExitCodes.FAILED;
            } catch (java.io.IOException e) {
                System.err.println("sbridge: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            if (!(a.get("frames") instanceof Long frames)) {
                System.err.println("sbridge: " + a.get("error"));
                return ExitCodes.FAILED;
            }
            long accepted = (Long) a.get("accepted");
            long rejected = (Long) a.get("rejected");
            System.out.println("imported " + accepted + " of " + frames + " frames from " + file
                    + (rejected > 0 ? "; " + rejected + " rejected (" + a.get("firstRejection") + ")" : ""));
            if (!Boolean.TRUE.equals(a.get("ok"))) {
                System.err.println("sbridge: " + a.get("error"));
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        }
    }
}
