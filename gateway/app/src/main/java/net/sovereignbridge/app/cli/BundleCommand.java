package net.sovereignbridge.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
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
            try {
                byte[] bytes = Base64.getDecoder().decode((String) a.get("bundle"));
                Files.write(file, bytes);
                System.out.println("wrote " + bytes.length + " bytes to " + file);
                return ExitCodes.OK;
            } catch (java.io.IOException e) {
                System.err.println("sbridge: " + e.getMessage());
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
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (java.io.IOException e) {
                System.err.println("sbridge: cannot read " + file + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
            Map<String, Object> a = DaemonCall.ok(state,
                    Map.of("op", "bundle-import", "bundle", Base64.getEncoder().encodeToString(bytes)));
            if (a == null) return ExitCodes.FAILED;
            System.out.println("imported " + a.get("frames") + " frames from " + file);
            return ExitCodes.OK;
        }
    }
}
