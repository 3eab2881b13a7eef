package net.sovereignbridge.drivers.audiomodem;

import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.BYTES_PER_TX;
import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.LENGTH_FIELD_BYTES;
import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.MARKER_FRAMES;
import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.MARKER_TONES;
import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.SAMPLES_PER_FRAME;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds and decodes every ggwave transmission in a recording (48 kHz mono samples).
 *
 * <p>Our receiver, not a port of ggwave's: it scans for start markers a quarter frame at a time, takes the
 * middle of the run of windows that see one as the marker's centre, then reads each data chunk by adding
 * its frames sample by sample (every tone is periodic in a frame, so they add coherently and noise does
 * not) and taking, per nibble, the strongest of its 16 bins. A candidate counts only if the length field
 * and the payload pass their Reed-Solomon checks and the end marker sits where the length says it must; a
 * few sample offsets around the estimate and each protocol of the marker's band are tried.
 */
public final class GgwaveDecoder {
    static final int HOP = SAMPLES_PER_FRAME / 4;
    /** Frames added up per marker test: the marker lasts 16, and four give 6 dB over a single frame. */
    private static final int MARKER_WINDOW_FRAMES = 4;
    static final int MARKER_WINDOW = MARKER_WINDOW_FRAMES * SAMPLES_PER_FRAME;
    private static final double MARKER_RATIO = 3.0;
    static final int MARKER_BITS_NEEDED = 14;
    /** Windows without a marker tolerated inside one marker's run (noise can hide it for a moment). */
    static final int MAX_RUN_GAP = 3;
    static final int PAD = MARKER_WINDOW;
    private static final int[] OFFSETS = {0, 128, -128, 256, -256, 384, -384, 512, -512};
    static final int[] BANDS = {40, 320};
    /** Starts (in frames from the end marker's first) of the 4-frame windows that must lie inside it. */
    private static final int[] END_MARKER_WINDOWS = {1, 6, 11};

    private static final float[] COS = new float[SAMPLES_PER_FRAME];
    private static final float[] SIN = new float[SAMPLES_PER_FRAME];

    static {
        for (int i = 0; i < SAMPLES_PER_FRAME; i++) {
            COS[i] = (float) Math.cos(2 * Math.PI * i / SAMPLES_PER_FRAME);
            SIN[i] = (float) Math.sin(2 * Math.PI * i / SAMPLES_PER_FRAME);
        }
    }

    /**
     * One transmission found in the recording. {@code payload} is null when the marker was seen but no
     * protocol's checks passed ({@code checkPassed} false).
     */
    public record Frame(GgwaveProtocol protocol, byte[] payload, long startSample, double toneSnrDb, int correctedSymbols,
                        boolean checkPassed) {
    }

    private GgwaveDecoder() {
    }

    /** Every transmission in a recording; refuses one not sampled at 48 kHz, naming the fix. */
    public static List<Frame> decode(WavFile.Audio audio) {
        if (audio.sampleRate() != GgwaveProtocol.SAMPLE_RATE) {
            throw new IllegalArgumentException("the recording is sampled at " + audio.sampleRate() + " Hz; the modem needs "
                    + GgwaveProtocol.SAMPLE_RATE + " Hz (resample it, e.g. sox IN.wav -r 48000 OUT.wav)");
        }
        return decode(audio.samples());
    }

    public static List<Frame> decode(float[] recording) {
        GgwaveReceiver receiver = new GgwaveReceiver();
        List<Frame> frames = new ArrayList<>(receiver.feed(recording, 0, recording.length));
        frames.addAll(receiver.finish());
        return frames;
    }

    /** What {@link #decodeAt} returns when the recording does not yet reach far enough to decide. */
    static final Frame INCOMPLETE = new Frame(GgwaveProtocol.NORMAL, null, -1, Double.NaN, 0, false);

    /**
     * The transmission whose data starts near {@code dataStart} in {@code samples[0, length)}: decoded, failed, or
     * {@link #INCOMPLETE} when {@code complete} is false and more samples could still make one protocol's checks pass.
     */
    static Frame decodeAt(float[] samples, int length, int dataStart, int band, boolean complete) {
        return decodeAt(samples, length, dataStart, band, complete, new int[1]);
    }

    /** As above; when the answer is {@link #INCOMPLETE}, {@code need[0]} is how many samples the next try needs. */
    static Frame decodeAt(float[] samples, int length, int dataStart, int band, boolean complete, int[] need) {
        boolean waiting = false;
        need[0] = Integer.MAX_VALUE;
        for (int offset : OFFSETS) {
            for (GgwaveProtocol p : GgwaveProtocol.values()) {
                if (p.freqStart() != band) {
                    continue;
                }
                Frame f = attempt(samples, length, dataStart + offset, p, need);
                if (f == INCOMPLETE) {
                    waiting = true;
                } else if (f != null) {
                    return bestAligned(samples, length, dataStart + offset, p, f, complete, need);
                }
            }
        }
        if (waiting && !complete) {
            return INCOMPLETE;
        }
        GgwaveProtocol guess = band == 320 ? GgwaveProtocol.ULTRASOUND_NORMAL : GgwaveProtocol.NORMAL;
        return new Frame(guess, null, Math.max(0, dataStart - MARKER_FRAMES * SAMPLES_PER_FRAME), Double.NaN, 0, false);
    }

    /**
     * A chunk read a frame off still decodes (most of its frames are right), so the first offset that passes is
     * refined: of it and its neighbours a quarter and half a frame away, the one whose tones stand out most.
     */
    private static Frame bestAligned(float[] samples, int length, int dataStart, GgwaveProtocol p, Frame found,
            boolean complete, int[] need) {
        Frame best = found;
        for (int delta : new int[] {-512, -256, 256, 512}) {
            Frame f = attempt(samples, length, dataStart + delta, p, need);
            if (f == INCOMPLETE && !complete) {
                return INCOMPLETE; // a neighbour needs a few hundred samples more: decide when they are here
            }
            if (f != null && f != INCOMPLETE && f.toneSnrDb() > best.toneSnrDb()) {
                best = f;
            }
        }
        return best;
    }

    private static Frame attempt(float[] samples, int length, int dataStart, GgwaveProtocol p, int[] need) {
        if (dataStart < 0) {
            return null;
        }
        double[] snr = new double[1];
        if (dataStart + p.framesPerTx() * SAMPLES_PER_FRAME > length) {
            need[0] = Math.min(need[0], dataStart + p.framesPerTx() * SAMPLES_PER_FRAME);
            return INCOMPLETE;
        }
        byte[] first = readChunk(samples, dataStart, p, snr);
        int payloadLength;
        try {
            byte[] l = new ReedSolomon(1, LENGTH_FIELD_BYTES - 1).decode(first, 0).message();
            payloadLength = l[0] & 0xff;
        } catch (ReedSolomon.UncorrectableException e) {
            return null;
        }
        if (payloadLength < 1 || payloadLength > GgwaveProtocol.MAX_PAYLOAD) {
            return null;
        }
        int chunks = GgwaveProtocol.chunks(payloadLength);
        int chunkSamples = p.framesPerTx() * SAMPLES_PER_FRAME;
        // The length fixes where the end marker must be; a protocol with other chunk durations puts it
        // elsewhere, which is how the three protocols of one band are told apart. Three windows inside the
        // expected marker must show it and the one just before must not: that pins it to about a frame.
        int endStart = dataStart + chunks * chunkSamples;
        if (endStart + MARKER_FRAMES * SAMPLES_PER_FRAME > length) {
            need[0] = Math.min(need[0], endStart + MARKER_FRAMES * SAMPLES_PER_FRAME);
            return INCOMPLETE;
        }
        for (int frame : END_MARKER_WINDOWS) {
            if (markerBits(samples, endStart + frame * SAMPLES_PER_FRAME, p.freqStart(), false) < MARKER_BITS_NEEDED) {
                return null;
            }
        }
        if (markerBits(samples, endStart - (MARKER_WINDOW_FRAMES + 1) * SAMPLES_PER_FRAME, p.freqStart(), false) >= MARKER_BITS_NEEDED) {
            return null;
        }
        byte[] bytes = new byte[chunks * BYTES_PER_TX];
        System.arraycopy(first, 0, bytes, 0, BYTES_PER_TX);
        for (int c = 1; c < chunks; c++) {
            byte[] chunk = readChunk(samples, dataStart + c * chunkSamples, p, snr);
            System.arraycopy(chunk, 0, bytes, c * BYTES_PER_TX, BYTES_PER_TX);
        }
        try {
            ReedSolomon.Decoded d = new ReedSolomon(payloadLength, GgwaveProtocol.paritySymbols(payloadLength)).decode(bytes, LENGTH_FIELD_BYTES);
            double snrDb = 10 * Math.log10(snr[0] / (chunks * 2.0 * BYTES_PER_TX));
            return new Frame(p, d.message(), dataStart - (long) MARKER_FRAMES * SAMPLES_PER_FRAME, snrDb, d.correctedSymbols(), true);
        } catch (ReedSolomon.UncorrectableException e) {
            return null;
        }
    }

    /**
     * The three bytes of the chunk starting at {@code start} (the caller checked it lies within the samples); adds each
     * nibble's peak-to-rest power ratio to {@code snr[0]}.
     */
    private static byte[] readChunk(float[] samples, int start, GgwaveProtocol p, double[] snr) {
        int fpt = p.framesPerTx();
        float[] sum = new float[SAMPLES_PER_FRAME];
        for (int k = 0; k < fpt; k++) {
            int base = start + k * SAMPLES_PER_FRAME;
            for (int i = 0; i < SAMPLES_PER_FRAME; i++) {
                sum[i] += samples[base + i];
            }
        }
        byte[] out = new byte[BYTES_PER_TX];
        for (int n = 0; n < 2 * BYTES_PER_TX; n++) {
            int best = 0;
            double bestPower = -1;
            double rest = 0;
            for (int d = 0; d < 16; d++) {
                double power = power(sum, 0, p.freqStart() + 16 * n + d);
                rest += power;
                if (power > bestPower) {
                    bestPower = power;
                    best = d;
                }
            }
            rest = (rest - bestPower) / 15;
            snr[0] += rest > 0 ? bestPower / rest : 1e6;
            out[n / 2] |= (byte) (n % 2 == 0 ? best : best << 4);
        }
        return out;
    }

    /**
     * How many of the 16 marker bits the four frames from {@code at} show (start or end marker of the band).
     * The frames are added sample by sample first: marker tones repeat every frame, so they add up coherently.
     */
    static int markerBits(float[] samples, int at, int band, boolean start) {
        float[] sum = new float[SAMPLES_PER_FRAME];
        for (int k = 0; k < MARKER_WINDOW_FRAMES; k++) {
            int base = at + k * SAMPLES_PER_FRAME;
            for (int i = 0; i < SAMPLES_PER_FRAME; i++) {
                sum[i] += samples[base + i];
            }
        }
        int bits = 0;
        for (int i = 0; i < MARKER_TONES; i++) {
            double lower = power(sum, 0, band + 2 * i);
            double upper = power(sum, 0, band + 2 * i + 1);
            boolean upperExpected = (i % 2 == 1) == start;
            if (upperExpected ? upper > MARKER_RATIO * lower : lower > MARKER_RATIO * upper) {
                bits++;
            }
        }
        return bits;
    }

    /** |X[bin]|^2 of the 1024-sample DFT of {@code x[at, at + 1024)}. */
    private static double power(float[] x, int at, int bin) {
        float re = 0;
        float im = 0;
        int phase = 0;
        for (int i = 0; i < SAMPLES_PER_FRAME; i++) {
            float v = x[at + i];
            re += v * COS[phase];
            im += v * SIN[phase];
            phase = (phase + bin) & (SAMPLES_PER_FRAME - 1);
        }
        return (double) re * re + (double) im * im;
    }
}
