package net.sovereignbridge.drivers.audiomodem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our ggwave mode against ggwave itself (npm ggwave 0.4.0, its WASM build, in src/test/js/ggwave-peer): its
 * encoder's waveforms through our decoder and our encoder's waveforms through its decoder, for the three
 * ultrasound protocols with payloads of 1, 16 and 140 bytes, both ways.
 */
class GgwaveInteropTest {
    private static final Path PEER = Path.of("src/test/js/ggwave-peer").toAbsolutePath();
    private static final GgwaveProtocol[] ULTRASOUND = {
        GgwaveProtocol.ULTRASOUND_NORMAL, GgwaveProtocol.ULTRASOUND_FAST, GgwaveProtocol.ULTRASOUND_FASTEST};
    private static final int[] LENGTHS = {1, 16, 140};

    @TempDir
    Path dir;

    @BeforeAll
    static void installPeer() throws Exception {
        if (!Files.isDirectory(PEER.resolve("node_modules/ggwave"))) {
            Process ci = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(PEER.toFile()).inheritIO().start();
            assertEquals(0, ci.waitFor(), "npm ci in " + PEER);
        }
    }

    private static byte[] payload(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void ggwaveEncodesWeDecode() throws Exception {
        for (GgwaveProtocol p : ULTRASOUND) {
            for (int length : LENGTHS) {
                byte[] payload = payload(length, p.ordinal() * 1000L + length);
                Path f = dir.resolve(p + "-" + length + ".f32");
                String out = run("encode", p.name(), "10", HexFormat.of().formatHex(payload), f.toString());
                float[] samples = readFloat32(f);
                assertEquals(p.frames(length) * GgwaveProtocol.SAMPLES_PER_FRAME, samples.length,
                        p + " " + length + " B: ggwave's waveform has the length our framing predicts (" + out.trim() + ")");
                // ggwave's own waveform, with a second of silence before and after as a recording would have.
                float[] recording = new float[samples.length + 2 * 48_000];
                System.arraycopy(samples, 0, recording, 48_000 + 333, samples.length);
                List<GgwaveDecoder.Frame> frames = GgwaveDecoder.decode(recording);
                assertEquals(1, frames.size(), p + " " + length + " B: one transmission found");
                GgwaveDecoder.Frame frame = frames.get(0);
                assertTrue(frame.checkPassed(), p + " " + length + " B: checks pass");
                assertEquals(p, frame.protocol(), p + " " + length + " B: protocol recognised");
                assertArrayEquals(payload, frame.payload(), p + " " + length + " B: payload");
                assertEquals(0, frame.correctedSymbols(), p + " " + length + " B: a clean waveform needs no correction");
            }
        }
    }

    @Test
    void weEncodeGgwaveDecodes() throws Exception {
        for (GgwaveProtocol p : ULTRASOUND) {
            for (int length : LENGTHS) {
                byte[] payload = payload(length, 77L * p.ordinal() + length);
                float[] samples = GgwaveEncoder.encode(payload, p, GgwaveEncoder.DEFAULT_VOLUME);
                float[] recording = new float[samples.length + 2 * 48_000];
                System.arraycopy(samples, 0, recording, 48_000, samples.length);
                Path f = dir.resolve("ours-" + p + "-" + length + ".f32");
                writeFloat32(f, recording);
                String hex = run("decode", f.toString()).trim();
                assertEquals(HexFormat.of().formatHex(payload), hex, p + " " + length + " B: ggwave decodes our waveform");
            }
        }
    }

    @Test
    void ourWaveformMatchesGgwavesSampleForSample() throws Exception {
        // Not needed for interoperation (ggwave's receiver looks at magnitudes only), but it shows the framing,
        // tones, phases and envelope are the same, so ggwave's own tolerances apply to what we send.
        byte[] payload = "sovereign".getBytes(StandardCharsets.US_ASCII);
        Path f = dir.resolve("ref.f32");
        run("encode", "ULTRASOUND_FASTEST", "10", HexFormat.of().formatHex(payload), f.toString());
        float[] theirs = readFloat32(f);
        float[] ours = GgwaveEncoder.encode(payload, GgwaveProtocol.ULTRASOUND_FASTEST, 10);
        assertEquals(theirs.length, ours.length);
        double maxDiff = 0;
        for (int i = 0; i < ours.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(theirs[i] - ours[i]));
        }
        assertTrue(maxDiff < 1e-4, "largest sample difference " + maxDiff);
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("node", "ggwave-peer.cjs"));
        cmd.addAll(List.of(args));
        Process proc = new ProcessBuilder(cmd).directory(PEER.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "node ggwave-peer.cjs " + args[0] + " finished");
        assertEquals(0, proc.exitValue(), "node ggwave-peer.cjs " + String.join(" ", args) + ": exit status");
        return out;
    }

    private static float[] readFloat32(Path f) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static void writeFloat32(Path f, float[] samples) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(samples);
        Files.write(f, b.array());
    }
}
