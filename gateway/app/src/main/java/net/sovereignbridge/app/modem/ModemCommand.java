package net.sovereignbridge.app.modem;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.drivers.audiomodem.GgwaveDecoder;
import net.sovereignbridge.drivers.audiomodem.GgwaveEncoder;
import net.sovereignbridge.drivers.audiomodem.GgwaveProtocol;
import net.sovereignbridge.drivers.audiomodem.WavFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbridge modem encode | decode}: data over sound as WAV files, for people and for tests (docs/audio-modem.md). */
@Command(name = "modem", mixinStandardHelpOptions = true,
        description = "Encode data into and decode it from WAV files with the audio modem (docs/audio-modem.md)",
        subcommands = {ModemCommand.Encode.class, ModemCommand.Decode.class, ModemCommand.Devices.class})
public final class ModemCommand implements Runnable {
    /** Ten minutes at 48 kHz: the longest recording decode reads (about 115 MB of samples in memory). */
    static final long MAX_SAMPLES = 10L * 60 * GgwaveProtocol.SAMPLE_RATE;
    static final long MAX_INPUT_FILE = 256 * 1024;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "encode", mixinStandardHelpOptions = true,
            description = "Write a WAV file (48 kHz, 16-bit mono) that carries the message: encode [--mode M] TEXT OUT.wav, "
                    + "or encode [--mode M] --file F OUT.wav")
    public static final class Encode implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--mode", defaultValue = "ggwave-u-fast",
                description = "ggwave-u-normal, ggwave-u-fast (default), ggwave-u-fastest; ggwave-normal, ggwave-fast, "
                        + "ggwave-fastest for ggwave's audible protocols")
        String mode;

        @Option(names = "--volume", defaultValue = "50", description = "1-100 (default 50; ggwave's own default is 10)")
        int volume;

        @Option(names = "--file", paramLabel = "F", description = "send the bytes of this file instead of TEXT")
        Path file;

        @Parameters(paramLabel = "TEXT OUT.wav", arity = "1..2", description = "the message (UTF-8) and the WAV file to write")
        List<String> args;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if (args.size() != (file != null ? 1 : 2)) {
                return refuse(err, "encode", file != null ? "with --file, give only OUT.wav" : "give TEXT and OUT.wav",
                        ExitCodes.CONFIG);
            }
            Path target = Path.of(args.get(args.size() - 1));
            try {
                GgwaveProtocol protocol = GgwaveProtocol.fromCliName(mode);
                byte[] bytes = file != null ? readBounded(file) : args.get(0).getBytes(StandardCharsets.UTF_8);
                float[] samples = GgwaveEncoder.encode(bytes, protocol, volume);
                try (OutputStream o = Files.newOutputStream(target)) {
                    WavFile.writePcm16(o, samples, GgwaveProtocol.SAMPLE_RATE);
                }
                spec.commandLine().getOut().printf("%s: %d bytes as %s, %.2f s%n", target, bytes.length, protocol.cliName(),
                        samples.length / (double) GgwaveProtocol.SAMPLE_RATE);
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            } catch (IllegalArgumentException e) {
                return refuse(err, "encode", e.getMessage(), ExitCodes.CONFIG);
            } catch (IOException e) {
                return refuse(err, "encode", describe(e), ExitCodes.FAILED);
            }
        }
    }

    @Command(name = "decode", mixinStandardHelpOptions = true,
            description = "Find every transmission in a WAV file (48 kHz) and print what it carried")
    public static final class Decode implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "IN.wav", description = "the recording")
        Path in;

        @Option(names = "--json", description = "one JSON object: {\"frames\": [{mode, startS, snrDb, check, hex, text}]}")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<GgwaveDecoder.Frame> frames;
            try (InputStream i = Files.newInputStream(in)) {
                frames = GgwaveDecoder.decode(WavFile.read(i, MAX_SAMPLES));
            } catch (IllegalArgumentException e) {
                return refuse(err, "decode", in + ": " + e.getMessage(), ExitCodes.FAILED);
            } catch (IOException e) {
                return refuse(err, "decode", describe(e), ExitCodes.FAILED);
            }
            List<Map<String, Object>> list = new ArrayList<>();
            for (GgwaveDecoder.Frame f : frames) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("mode", f.protocol().cliName());
                m.put("startS", Math.round(f.startSample() * 1000.0 / GgwaveProtocol.SAMPLE_RATE) / 1000.0);
                m.put("check", f.checkPassed() ? "passed" : "failed");
                if (f.checkPassed()) {
                    m.put("snrDb", Math.round(f.toneSnrDb() * 10) / 10.0);
                    m.put("correctedBytes", f.correctedSymbols());
                    m.put("hex", HexFormat.of().formatHex(f.payload()));
                    m.put("text", printable(f.payload()));
                }
                list.add(m);
            }
            if (json) {
                out.println(Json.write(Map.of("frames", list)));
            } else if (list.isEmpty()) {
                out.println(in + ": no transmission found");
            } else {
                for (Map<String, Object> m : list) {
                    out.println(m.get("startS") + " s  " + m.get("mode") + "  check " + m.get("check")
                            + (m.containsKey("text") ? "  snr " + m.get("snrDb") + " dB  " + m.get("text") : ""));
                }
            }
            out.flush();
            return list.stream().anyMatch(m -> "passed".equals(m.get("check"))) ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "devices", mixinStandardHelpOptions = true,
            description = "List the sound cards Java sees (what an audio transport's device: may name)")
    public static final class Devices implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<String> names = net.sovereignbridge.drivers.audiomodem.SoundCard.mixerNames();
            if (names.isEmpty()) {
                out.println("no sound cards: plug in a USB sound card (and check `aplay -l`)");
            }
            names.forEach(out::println);
            out.flush();
            return names.isEmpty() ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    private static String printable(byte[] payload) {
        String s = new String(payload, StandardCharsets.UTF_8);
        return s.codePoints().allMatch(c -> c >= 0x20 && c != 0xfffd || c == '\n' || c == '\t') ? s : "(binary)";
    }

    private static byte[] readBounded(Path f) throws IOException {
        long size = Files.size(f);
        if (size > MAX_INPUT_FILE) {
            throw new IllegalArgumentException(f + " is " + size + " bytes; a transmission carries at most "
                    + GgwaveProtocol.MAX_PAYLOAD);
        }
        return Files.readAllBytes(f);
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file: " + e.getMessage();
        }
        return e.getMessage();
    }

    private static int refuse(PrintWriter err, String subcommand, String message, int exitCode) {
        err.println("sbridge modem " + subcommand + ": " + message);
        err.flush();
        return exitCode;
    }
}
