package net.sovereignbridge.drivers.kiss;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Turns a byte stream from a TNC into {@link KissFrame}s, however the stream is split into reads. Survives what a
 * serial line delivers: bytes before the first FEND (a TNC's boot banner, line noise) are skipped; a frame longer
 * than the bound is dropped whole and the decoder resynchronises at the next FEND, so an endless frame costs no more
 * than {@code maxFrameBytes} of memory; a FESC followed by anything but TFEND/TFESC drops that frame. Each kind of
 * loss is counted. Not thread-safe: one reader thread feeds it.
 */
public final class KissDecoder {
    private enum State { HUNT, IN_FRAME, ESCAPED, DISCARD }

    private final int maxFrameBytes;
    private final byte[] buffer;
    private int length;
    private State state = State.HUNT;

    private long frames;
    private long oversize;
    private long badEscapes;
    private long skippedBytes;

    /** @param maxFrameBytes largest frame kept, counting the type byte; longer frames are dropped */
    public KissDecoder(int maxFrameBytes) {
        if (maxFrameBytes < 2 || maxFrameBytes > 1 << 20) {
            throw new IllegalArgumentException("maxFrameBytes must be 2..1048576, got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.buffer = new byte[maxFrameBytes];
    }

    /** Feeds {@code len} bytes of {@code in} from {@code off}; each whole frame goes to {@code sink} at once. */
    public void feed(byte[] in, int off, int len, Consumer<KissFrame> sink) {
        for (int i = off; i < off + len; i++) {
            int b = in[i] & 0xFF;
            switch (state) {
                case HUNT -> {
                    if (b == Kiss.FEND) startFrame();
                    else skippedBytes++;
                }
                case DISCARD -> {
                    if (b == Kiss.FEND) startFrame();
                }
                case IN_FRAME -> {
                    if (b == Kiss.FEND) {
                        if (length > 0) emit(sink);
                        startFrame(); // a closing FEND also opens the next frame
                    } else if (b == Kiss.FESC) {
                        state = State.ESCAPED;
                    } else {
                        append(b);
                    }
                }
                case ESCAPED -> {
                    if (b == Kiss.TFEND) {
                        state = State.IN_FRAME;
                        append(Kiss.FEND);
                    } else if (b == Kiss.TFESC) {
                        state = State.IN_FRAME;
                        append(Kiss.FESC);
                    } else if (b == Kiss.FEND) {
                        badEscapes++;
                        startFrame();
                    } else {
                        badEscapes++;
                        state = State.DISCARD;
                    }
                }
            }
        }
    }

    private void startFrame() {
        length = 0;
        state = State.IN_FRAME;
    }

    private void append(int b) {
        if (state != State.IN_FRAME) return;
        if (length == maxFrameBytes) {
            oversize++;
            state = State.DISCARD;
            return;
        }
        buffer[length++] = (byte) b;
    }

    private void emit(Consumer<KissFrame> sink) {
        frames++;
        KissFrame f = new KissFrame(buffer[0] & 0xFF, Arrays.copyOfRange(buffer, 1, length));
        length = 0;
        sink.accept(f);
    }

    /** Drops a partly received frame: the device went away mid-frame, the next bytes belong to no frame yet. */
    public void reset() {
        length = 0;
        state = State.HUNT;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** What the decoder has seen: frames delivered, frames dropped as too long or badly escaped, bytes outside frames. */
    public record Counters(long frames, long oversize, long badEscapes, long skippedBytes) {}

    public Counters counters() {
        return new Counters(frames, oversize, badEscapes, skippedBytes);
    }
}
