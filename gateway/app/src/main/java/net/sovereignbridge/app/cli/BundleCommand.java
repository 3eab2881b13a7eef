package net.sovereignbridge.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.control.ControlClient;
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
            try {
                Map<String, Object> a = ControlClient.call(state.resolve(), Map.of("op", "bundle-export"));
                if (!Boolean.TRUE.equals(a.get("ok"))) {
                    System.err.println("sbridge: " + a.get("error"));
                    return ExitCodes.FAILED;
                }
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
            try {
                byte[] bytes = Files.readAllBytes(file);
                Map<String, Object> a = ControlClient.call(state.resolve(),
                        Map.of("op", "bundle-import", "bundle", Base64.getEncoder().encodeToString(bytes)));
                if (!Boolean.TRUE.equals(a.get("ok"))) {
                    System.err.println("sbridge: " + a.get("error"));
                    return ExitCodes.FAILED;
                }
                System.out.println("imported " + a.get("frames") + " frames from " + file);
                return ExitCodes.OK;
            } catch (java.io.IOException e) {
                System.err.println("sbridge: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
    }
}
