package net.sovereignbridge.drivers.audiomodem;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Frame success and net rate against in-band SNR for ggwave's three ultrasound protocols, decoded by our
 * receiver and by ggwave's own (npm ggwave 0.4.0 in src/test/js/ggwave-peer) from the same channel samples,
 * plus our receiver's real-time factor. A bench command, not a test (docs/benchmarks.md has the figures):
 *
 * <pre>
 * mvn -B -ntp -q -pl drivers/audio-modem test-compile
 * java -cp drivers/audio-modem/target/classes:drivers/audio-modem/target/test-classes \
 *     net.sovereignbridge.drivers.audiomodem.ModemBench 20 16   # trials per cell, payload bytes
 * </pre>
 * Run from the repository root. The channel: white noise at the SNR in 15-19.5 kHz, echoes of 5 ms / 0.4 and
 * 14.6 ms / 0.2, the receiver's clock 100 ppm fast, a second of silence before and after.
 */
public final class ModemBench {
    private static final double[] SNRS = {-6, -3, 0, 3, 6, 10, 15, 20, 30};
    private static final GgwaveProtocol[] PROTOCOLS = {
        GgwaveProtocol.ULTRASOUND_FASTEST, GgwaveProtocol.ULTRASOUND_FAST, GgwaveProtocol.ULTRASOUND_NORMAL};

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int length = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path peer = Path.of("drivers/audio-modem/src/test/js/ggwave-peer").toAbsolutePath();
        Path dir = Files.createTempDirectory("modem-bench");
        AcousticChannel.Echo[] room = {new AcousticChannel.Echo(240, 0.4), new AcousticChannel.Echo(700, 0.2)};
        System.out.printf("payload %d bytes, %d trials per cell%n", length, trials);
        System.out.println("| protocol | net bit/s | SNR dB | ours | ggwave's |");
        System.out.println("|---|---|---|---|---|");
        long decodedSamples = 0;
        long decodeNanos = 0;
        for (GgwaveProtocol p : PROTOCOLS) {
            for (double snr : SNRS) {
                int ours = 0;
                List<String> files = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                for (int t = 0; t < trials; t++) {
                    byte[] payload = new byte[length];
                    new Random(1000L * t + length).nextBytes(payload);
                    float[] s = GgwaveEncoder.encode(payload, p, 50);
                    float[] rec = new float[s.length + 2 * 48_000];
                    System.arraycopy(s, 0, rec, 48_000 + 17 * t, s.length);
                    float[] heard = new AcousticChannel(snr, 15_000, 19_500, AcousticChannel.Noise.WHITE, room, 100, 0,
                            31L * t + (long) (snr * 10) + p.ordinal()).apply(rec);
                    long t0 = System.nanoTime();
                    List<GgwaveDecoder.Frame> frames = GgwaveDecoder.decode(heard);
                    decodeNanos += System.nanoTime() - t0;
                    decodedSamples += heard.length;
                    if (frames.stream().anyMatch(f -> f.checkPassed() && Arrays.equals(f.payload(), payload))) {
                        ours++;
                    }
                    Path f = dir.resolve(p + "-" + snr + "-" + t + ".f32");
                    ByteBuffer b = ByteBuffer.allocate(heard.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(heard);
                    Files.write(f, b.array());
                    files.add(f.toString());
                    expected.add(HexFormat.of().formatHex(payload));
                }
                int theirs = 0;
                List<String> cmd = new ArrayList<>(List.of("node", "ggwave-peer.cjs", "decode"));
                cmd.addAll(files);
                Process proc = new ProcessBuilder(cmd).directory(peer.toFile()).redirectErrorStream(false).start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                    for (int i = 0; i < files.size(); i++) {
                        String line = r.readLine();
                        if (line != null && line.trim().equals(expected.get(i))) theirs++;
                    }
                }
                proc.waitFor();
                for (String f : files) Files.delete(Path.of(f));
                System.out.printf("| %s | %.0f | %.0f | %d %% | %d %% |%n", p.ggwaveName(), p.netBitRate(length), snr,
                        100 * ours / trials, 100 * theirs / trials);
            }
        }
        Files.delete(dir);
        System.out.printf("our receiver: %.1f x real time on one thread (%d s of audio)%n",
                decodedSamples / 48_000.0 / (decodeNanos / 1e9), decodedSamples / 48_000);
    }
}
