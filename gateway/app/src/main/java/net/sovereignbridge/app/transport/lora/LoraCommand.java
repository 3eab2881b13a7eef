package net.sovereignbridge.app.transport.lora;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.CodingRate;
import net.sovereignbridge.drivers.sx127x.LowDataRateOptimize;
import net.sovereignbridge.drivers.sx127x.TimeOnAir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sbridge lora ...}: LoRa tools that need no radio. */
@Command(name = "lora", description = "LoRa tools", mixinStandardHelpOptions = true,
        subcommands = {LoraCommand.Airtime.class, LoraCommand.Probe.class})
public final class LoraCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Time on air of one packet per Semtech AN1200.13. */
    @Command(name = "airtime", mixinStandardHelpOptions = true,
            description = "Time on air of one LoRa packet (Semtech AN1200.13), in milliseconds")
    public static final class Airtime implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--sf", required = true, description = "spreading factor 6..12")
        int sf;

        @Option(names = "--bw", required = true, description = "bandwidth in kHz: 7.8 10.4 15.6 20.8 31.25 41.7 62.5 125 250 500")
        double bwKhz;

        @Option(names = "--cr", defaultValue = "4/5", description = "coding rate 4/5..4/8 (default ${DEFAULT-VALUE})")
        String cr;

        @Option(names = "--len", required = true, description = "payload length in bytes, 0..255")
        int len;

        @Option(names = "--preamble", defaultValue = "8", description = "preamble symbols (default ${DEFAULT-VALUE})")
        int preamble;

        @Option(names = "--implicit", description = "implicit header (no explicit header; required for SF6)")
        boolean implicit;

        @Option(names = "--no-crc", description = "no payload CRC")
        boolean noCrc;

        @Option(names = "--ldro", defaultValue = "auto",
                description = "LowDataRateOptimize: auto (on when a symbol lasts 16 ms or more), on, off")
        String ldro;

        @Option(names = "--json", description = "print JSON: {\"ms\": ...}")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Bandwidth bw;
            CodingRate codingRate;
            LowDataRateOptimize mode;
            try {
                bw = Bandwidth.ofKilohertz(bwKhz);
                codingRate = CodingRate.parse(cr);
                mode = switch (ldro.toLowerCase(Locale.ROOT)) {
                    case "auto" -> LowDataRateOptimize.AUTO;
                    case "on" -> LowDataRateOptimize.ON;
                    case "off" -> LowDataRateOptimize.OFF;
                    default -> throw new IllegalArgumentException("--ldro must be auto, on or off, got '" + ldro + "'");
                };
                if (sf < 6 || sf > 12) throw new IllegalArgumentException("--sf must be 6..12, got " + sf);
                if (sf == 6 && !implicit) {
                    throw new IllegalArgumentException("SF6 works only with the implicit header: add --implicit");
                }
                if (len < 0 || len > 255) throw new IllegalArgumentException("--len must be 0..255, got " + len);
                if (preamble < 6 || preamble > 65535) throw new IllegalArgumentException("--preamble must be 6..65535");
            } catch (IllegalArgumentException e) {
                err.println("sbridge lora airtime: " + e.getMessage());
                err.flush();
                return 2;
            }
            boolean de = mode.resolve(sf, bw);
            long nanos = TimeOnAir.nanos(sf, bw, codingRate, preamble, implicit, !noCrc, de, len);
            int symbols = TimeOnAir.payloadSymbols(sf, codingRate, implicit, !noCrc, de, len);
            double ms = nanos / 1e6;
            double symbolMs = TimeOnAir.symbolNanos(sf, bw) / 1e6;
            if (json) {
                out.printf(Locale.ROOT, "{\"ms\":%s,\"sf\":%d,\"bwKhz\":%s,\"cr\":\"%s\",\"len\":%d,\"preamble\":%d,"
                                + "\"implicit\":%b,\"crc\":%b,\"ldro\":%b,\"payloadSymbols\":%d,\"symbolMs\":%s}%n",
                        number(ms), sf, number(bw.kilohertz()), codingRate, len, preamble, implicit, !noCrc, de,
                        symbols, number(symbolMs));
            } else {
                out.printf(Locale.ROOT, "%s ms  (SF%d, %s, CR %s, %d bytes, preamble %d, %s header, CRC %s, "
                                + "LowDataRateOptimize %s; %d payload symbols of %s ms)%n",
                        number(ms), sf, bw, codingRate, len, preamble, implicit ? "implicit" : "explicit",
                        noCrc ? "off" : "on", de ? "on" : "off", symbols, number(symbolMs));
            }
            out.flush();
            return 0;
        }

        /** Up to 6 decimals (times are exact to the nanosecond), without trailing zeros. */
        static String number(double v) {
            String s = String.format(Locale.ROOT, "%.6f", v);
            s = s.replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
    }

    /** Opens a board's radio and reads its version: the first thing to run on a new HAT. */
    @Command(name = "probe", mixinStandardHelpOptions = true,
            description = "Open the radio of a board (bundled name or YAML file) and check that an SX127x answers")
    public static final class Probe implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(paramLabel = "BOARD", description = "bundled board name or board YAML file")
        String board;

        @Option(names = "--region", description = "region to check the board against (default: the file's)")
        String region;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            java.util.Map<String, String> keys = new java.util.HashMap<>();
            keys.put(LoraRadioConfig.BOARD, board);
            if (region != null) keys.put(LoraRadioConfig.REGION, region);
            LoraBringUp.Outcome outcome;
            try {
                outcome = LoraRadioConfig.fromKeys(keys).orElseThrow().bringUp("lora0",
                        net.sovereignbridge.mesh.identity.MeshAddress.of(new byte[16]), LoraBringUp.pi4j());
            } catch (IllegalArgumentException e) {
                err.println("sbridge lora probe: " + e.getMessage());
                err.flush();
                return 2;
            }
            if (outcome instanceof LoraBringUp.Up up) {
                out.printf("%s answers; %s%n", up.chip(), up.transport().profile());
                out.flush();
                try {
                    up.resources().close();
                } catch (Exception e) {
                    err.println("closing: " + e.getMessage());
                }
                return 0;
            }
            err.println("sbridge lora probe: " + ((LoraBringUp.Down) outcome).reason());
            err.flush();
            return 1;
        }
    }
}
