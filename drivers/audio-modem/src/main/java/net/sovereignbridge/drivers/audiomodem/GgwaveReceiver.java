package net.sovereignbridge.drivers.audiomodem;

import static net.sovereignbridge.drivers.audiomodem.GgwaveDecoder.BANDS;
import static net.sovereignbridge.drivers.audiomodem.GgwaveDecoder.HOP;
import static net.sovereignbridge.drivers.audiomodem.GgwaveDecoder.INCOMPLETE;
import static net.sovereignbridge.drivers.audiomodem.GgwaveDecoder.MARKER_BITS_NEEDED;
import static net.sovereignbridge.drivers.audiomodem.GgwaveDecoder.MARKER_WINDOW;
import static net.sovereignbridge.drivers.audiomodem.GgwaveDecoder.MAX_RUN_GAP;
import static net.sovereignbridge.drivers.audiomodem.GgwaveDecoder.PAD;
import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.MARKER_FRAMES;
import static net.sovereignbridge.drivers.audiomodem.GgwaveProtocol.SAMPLES_PER_FRAME;

import java.util.ArrayList;
import java.util.List;

/**
 * The streaming form of {@link GgwaveDecoder}: fed blocks of samples as a microphone delivers them, it returns each
 * transmission as soon as its end marker has been heard, and keeps only the samples a transmission in progress
 * can still need (at most the longest transmission, about 14 s, plus a few frames). Sample positions in the
 * frames it returns count from the first sample fed. Not thread-safe: one capture thread feeds it.
 */
public final class GgwaveReceiver {
    /** The longest transmission of any protocol (140 bytes at 9 frames a chunk) and the windows around it. */
    private static final int MAX_HOLD = GgwaveProtocol.NORMAL.frames(GgwaveProtocol.MAX_PAYLOAD) * SAMPLES_PER_FRAME
            + 4 * MARKER_WINDOW;

    private float[] buffer = new float[1 << 16];
    /** Stream position of buffer[0]; the stream starts with PAD samples of silence so early markers measure fully. */
    private long base = -PAD;
    private int length = PAD;
    private long scan = -PAD;
    private final long[] runStart = new long[BANDS.length];
    private final long[] runEnd = new long[BANDS.length];
    private long pendingDataStart = Long.MIN_VALUE;
    /** Stream position the pending transmission's next try needs the samples to reach. */
    private long pendingNeed;
    private final int[] need = new int[1];
    private int pendingBand;

    public GgwaveReceiver() {
        java.util.Arrays.fill(runStart, Long.MIN_VALUE);
    }

    /** Adds {@code samples[offset, offset + count)} and returns the transmissions completed by them. */
    public List<GgwaveDecoder.Frame> feed(float[] samples, int offset, int count) {
        append(samples, offset, count);
        return process(false);
    }

    /** The end of the stream: decides what is still open, with silence after the last sample. */
    public List<GgwaveDecoder.Frame> finish() {
        int silence = PAD + MARKER_WINDOW + (MAX_RUN_GAP + 2) * HOP;
        append(new float[silence], 0, silence);
        return process(true);
    }

    private List<GgwaveDecoder.Frame> process(boolean complete) {
        List<GgwaveDecoder.Frame> out = new ArrayList<>();
        while (true) {
            if (pendingDataStart != Long.MIN_VALUE) {
                if (!complete && base + length < pendingNeed) {
                    break;
                }
                GgwaveDecoder.Frame f = GgwaveDecoder.decodeAt(buffer, length, (int) (pendingDataStart - base),
                        BANDS[pendingBand], complete, need);
                if (f == INCOMPLETE) {
                    pendingNeed = base + need[0];
                    break;
                }
                long start = f.startSample() + base;
                out.add(new GgwaveDecoder.Frame(f.protocol(), f.payload(), Math.max(0, start), f.toneSnrDb(),
                        f.correctedSymbols(), f.checkPassed()));
                long resume = f.checkPassed()
                        ? start + (long) f.protocol().frames(f.payload().length) * SAMPLES_PER_FRAME
                        : pendingDataStart;
                scan = Math.max(scan, resume);
                java.util.Arrays.fill(runStart, Long.MIN_VALUE);
                pendingDataStart = Long.MIN_VALUE;
            }
            if (!scanUntilCandidate()) {
                break;
            }
        }
        compact();
        return out;
    }

    /** Tests windows for start markers; true when a marker's run has closed and a candidate is pending. */
    private boolean scanUntilCandidate() {
        while (scan + MARKER_WINDOW <= base + length) {
            int at = (int) (scan - base);
            for (int b = 0; b < BANDS.length; b++) {
                boolean marker = GgwaveDecoder.markerBits(buffer, at, BANDS[b], true) >= MARKER_BITS_NEEDED;
                if (marker) {
                    if (runStart[b] == Long.MIN_VALUE) {
                        runStart[b] = scan;
                    }
                    runEnd[b] = scan;
                } else if (runStart[b] != Long.MIN_VALUE && scan - runEnd[b] > (long) MAX_RUN_GAP * HOP) {
                    long centre = (runStart[b] + runEnd[b]) / 2 + MARKER_WINDOW / 2;
                    pendingDataStart = centre + MARKER_FRAMES * SAMPLES_PER_FRAME / 2;
                    pendingNeed = Long.MIN_VALUE;
                    pendingBand = b;
                    runStart[b] = Long.MIN_VALUE;
                    scan += HOP;
                    return true;
                }
            }
            scan += HOP;
        }
        return false;
    }

    private void append(float[] samples, int offset, int count) {
        if (length + count > buffer.length) {
            float[] bigger = new float[Math.max(buffer.length * 2, length + count)];
            System.arraycopy(buffer, 0, bigger, 0, length);
            buffer = bigger;
        }
        System.arraycopy(samples, offset, buffer, length, count);
        length += count;
    }

    /** Drops what no marker run, pending transmission or window can need any more. */
    private void compact() {
        long keepFrom = scan - PAD;
        for (long r : runStart) {
            if (r != Long.MIN_VALUE) {
                keepFrom = Math.min(keepFrom, r - PAD);
            }
        }
        if (pendingDataStart != Long.MIN_VALUE) {
            keepFrom = Math.min(keepFrom, pendingDataStart - MARKER_FRAMES * SAMPLES_PER_FRAME - PAD);
        }
        // A transmission can never need more than the longest one: beyond that, what is held is noise.
        keepFrom = Math.max(keepFrom, base + length - MAX_HOLD);
        int drop = (int) Math.min(length, Math.max(0, keepFrom - base));
        if (drop > 0) {
            System.arraycopy(buffer, drop, buffer, 0, length - drop);
            length -= drop;
            base += drop;
        }
    }

    /**
     * True while a start marker is being heard or its transmission has not ended: the channel is taken, and a
     * sender that listens before it talks waits.
     */
    public boolean busy() {
        if (pendingDataStart != Long.MIN_VALUE) {
            return true;
        }
        for (long r : runStart) {
            if (r != Long.MIN_VALUE) {
                return true;
            }
        }
        return false;
    }

    /** Samples held now (for tests of the memory bound). */
    int heldSamples() {
        return length;
    }
}
