package net.sovereignbridge.app.transport.lora;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbridge board list | validate FILE}. */
@Command(name = "board", description = "Radio board definitions (board-configs/)", mixinStandardHelpOptions = true,
        subcommands = {BoardCommand.ListBoards.class, BoardCommand.Validate.class})
public final class BoardCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the bundled board definitions")
    public static final class ListBoards implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-35s %-7s %-10s %-12s %-4s %-5s %-6s %-10s %-6s %s%n", "BOARD", "CHIP", "SPI", "CS", "IRQ",
                    "BUSY", "RESET", "BAND MHz", "MAXDBM", "NAME");
            int status = 0;
            for (String n : BoardCatalog.bundledNames()) {
                BoardConfigParser.Result r = BoardCatalog.bundled(n).orElse(null);
                if (r == null || !r.ok()) {
                    out.printf("%-35s (invalid: %s)%n", n, r == null ? "missing" : r.errors().get(0));
                    status = 1;
                    continue;
                }
                BoardConfig b = r.config().get();
                out.printf(Locale.ROOT, "%-35s %-7s %-10s %-12s %-4d %-5s %-6s %-10s %-6s %s%n", n, b.chipName(),
                        b.spidev(), (b.softwareChipSelect() ? "GPIO" + b.csGpio() + " (sw)" : "CE" + b.spiChipSelect()),
                        b.irqGpio(), b.sx126x().map(x -> String.valueOf(x.busyGpio())).orElse("-"),
                        b.resetGpio().isPresent() ? String.valueOf(b.resetGpio().getAsInt()) : "-",
                        (b.bandLowHz() / 1_000_000) + "-" + (b.bandHighHz() / 1_000_000),
                        b.maxPowerDbm() + (b.paGainDb() > 0 ? "+" + b.paGainDb() : ""), b.name());
            }
            out.flush();
            return status;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a board file (ours or meshtasticd's Lora: format); errors name file, line and key")
    public static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "a board YAML file, or the name of a bundled board")
        String file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            BoardConfigParser.Result r;
            try {
                r = BoardCatalog.load(file);
            } catch (IOException e) {
                err.println(file + ": " + e.getMessage());
                err.flush();
                return 1;
            }
            r.warnings().forEach(w -> err.println("warning: " + w));
            r.errors().forEach(e -> err.println("error: " + e));
            err.flush();
            if (!r.ok()) return 1;
            BoardConfig b = r.config().get();
            boolean tuned = b.region().isPresent() && b.frequencyHz().isPresent();
            String radio = !tuned ? "no region: the daemon configuration must name one"
                    : b.sx126x().isEmpty()
                    ? String.format(Locale.ROOT, "%s %.3f MHz, preset %s, %d dBm", b.region().get(),
                            b.frequencyHz().getAsLong() / 1e6, b.preset().key(), b.loRaSettings().txPowerDbm())
                    : String.format(Locale.ROOT, "%s %.3f MHz, preset %s, chip %d dBm%s", b.region().get(),
                            b.frequencyHz().getAsLong() / 1e6, b.preset().key(), b.sx126xSettings().txPowerDbm(),
                            b.paGainDb() > 0 ? " + " + b.paGainDb() + " dB PA" : "");
            String pins = b.sx126x().map(x -> String.format("%s, DIO1 GPIO%d, BUSY GPIO%d, TCXO %s, RF switch %s",
                    x.chip(), b.irqGpio(), x.busyGpio(), x.tcxo().map(Object::toString).orElse("none"),
                    x.dio2RfSwitch() ? (x.rxEnableGpio().isPresent() || x.txEnableGpio().isPresent()
                            ? "DIO2 + " + rfPins(x) : "DIO2") : rfPins(x)))
                    .orElse("DIO0 GPIO" + b.irqGpio());
            out.printf("%s: ok (%s on %s, %s; %s)%n", file, b.name(), b.spidev(), pins, radio);
            out.flush();
            return 0;
        }

        private static String rfPins(Sx126xBoard x) {
            String p = (x.txEnableGpio().isPresent() ? "TXEN GPIO" + x.txEnableGpio().getAsInt() : "")
                    + (x.txEnableGpio().isPresent() && x.rxEnableGpio().isPresent() ? " " : "")
                    + (x.rxEnableGpio().isPresent() ? "RXEN GPIO" + x.rxEnableGpio().getAsInt() : "");
            return p.isEmpty() ? "none" : p;
        }
    }
}
