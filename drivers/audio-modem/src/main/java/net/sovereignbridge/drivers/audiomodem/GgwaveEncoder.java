package net.sovereignbridge.drivers.audiomodem;

import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.BYTES_PER_TX;
import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.LENGTH_FIELD_BYTES;
import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.MARKER_FRAMES;
import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.MARKER_TONES;
import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.SAMPLES_PER_FRAME;

/**
 * Builds the waveform ggwave transmits for a payload (48 kHz, mono, samples in [-1, 1]).
 *
 * <p>What ggwave's receiver relies on, and so what this reproduces: the start marker holds, for marker bit
 * {@code i} (0-15), the tone at bin {@code freqStart + 2i} for even {@code i} and {@code freqStart + 2i + 1}
 * for odd {@code i}; the end marker swaps the two. The on-air bytes are {@code [L, p0, p1]} (the length and
 * its RS(3,1) parity) then the payload and its {@link GgwaveProtocol#paritySymbols(int)} parity, zero-padded
 * to whole chunks. Every tone is a whole number of cycles per frame, so frames join without phase jumps; the
 * amplitude ramps up and down over the first and last 15 % of each chunk (and of each marker) and the tones
 * of a frame share the volume equally.
 */
public final class GgwaveEncoder {
    /** ggwave's default volume (of 100); the gateway may play louder. */
    public static final int DEFAULT_VOLUME = 10;

    private GgwaveEncoder() {
    }

    /** The on-air bytes (length field, payload, parity) before they become tones. */
    public static byte[] encodedBytes(byte[] payload) {
        int length = payload.length;
        if (length < 1 || length > GgwaveProtocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException("a ggwave payload is 1-" + GgwaveProtocol.MAX_PAYLOAD + " bytes, not " + length);
        }
        int parity = GgwaveProtocol.paritySymbols(length);
        byte[] out = new byte[GgwaveProtocol.chunks(length) * BYTES_PER_TX];
        out[0] = (byte) length;
        System.arraycopy(new ReedSolomon(1, LENGTH_FIELD_BYTES - 1).parity(out, 0), 0, out, 1, LENGTH_FIELD_BYTES - 1);
        System.arraycopy(payload, 0, out, LENGTH_FIELD_BYTES, length);
        System.arraycopy(new ReedSolomon(length, parity).parity(payload, 0), 0, out, LENGTH_FIELD_BYTES + length, parity);
        return out;
    }

    /** The samples for {@code payload} sent with {@code protocol} at {@code volume} (1-100). */
    public static float[] encode(byte[] payload, GgwaveProtocol protocol, int volume) {
        if (volume < 1 || volume > 100) {
            throw new IllegalArgumentException("volume is 1-100, not " + volume);
        }
        byte[] bytes = encodedBytes(payload);
        int chunks = bytes.length / BYTES_PER_TX;
        int fpt = protocol.framesPerTx();
        int frames = 2 * MARKER_FRAMES + chunks * fpt;
        float[] out = new float[frames * SAMPLES_PER_FRAME];
        double gain = volume / 100.0;
        int fs = protocol.freqStart();
        int[] tones = new int[MARKER_TONES];
        for (int frame = 0; frame < frames; frame++) {
            int count;
            int cycle;
            int cycleFrames;
            if (frame < MARKER_FRAMES || frame >= MARKER_FRAMES + chunks * fpt) {
                boolean start = frame < MARKER_FRAMES;
                for (int i = 0; i < MARKER_TONES; i++) {
                    boolean upper = (i % 2 == 1) == start;
                    tones[i] = fs + 2 * i + (upper ? 1 : 0);
                }
                count = MARKER_TONES;
                cycle = start ? frame : frame - MARKER_FRAMES - chunks * fpt;
                cycleFrames = MARKER_FRAMES;
            } else {
                int chunk = (frame - MARKER_FRAMES) / fpt;
                count = 0;
                for (int n = 0; n < 2 * BYTES_PER_TX; n++) {
                    int b = bytes[chunk * BYTES_PER_TX + n / 2] & 0xff;
                    int nibble = n % 2 == 0 ? b & 0x0f : b >>> 4;
                    tones[count++] = fs + 16 * n + nibble;
                }
                cycle = (frame - MARKER_FRAMES) % fpt;
                cycleFrames = fpt;
            }
            addFrame(out, frame * SAMPLES_PER_FRAME, tones, count, fs, gain / count, cycle, cycleFrames);
        }
        return out;
    }

    private static void addFrame(float[] out, int at, int[] tones, int count, int fs, double scale, int cycle, int cycleFrames) {
        int total = cycleFrames * SAMPLES_PER_FRAME;
        double ramp = 0.15 * total;
        int rampEnd = (int) (0.15 * total);
        int fadeStart = (int) (0.85 * total);
        for (int t = 0; t < count; t++) {
            int offset = tones[t] - fs;
            // ggwave gives each pair of neighbouring bins one phase, pi * (offset / 2) / 24.
            double phase = Math.PI * (offset / 2) / (8.0 * BYTES_PER_TX);
            double w = 2.0 * Math.PI * tones[t] / SAMPLES_PER_FRAME;
            for (int i = 0; i < SAMPLES_PER_FRAME; i++) {
                int k = cycle * SAMPLES_PER_FRAME + i;
                double envelope = k < rampEnd ? k / ramp : k > fadeStart ? (total - k) / ramp : 1.0;
                out[at + i] += (float) (scale * envelope * Math.sin(w * i + phase));
            }
        }
    }
}
