package net.sovereignbridge.app.transport.ble;

import java.util.ArrayList;
import java.util.List;

/**
 * The BLE fragment header (docs/ble.md): a link frame longer than one ATT write (MTU - 3 bytes) crosses as a
 * first fragment, middles and a last one, each a write of its own. Byte 0: bits 7-6 the kind (0 whole, 1 first,
 * 2 middle, 3 last), bits 5-0 the frame's sequence number (mod 64, per link and direction); a first fragment
 * then carries the frame's total length (uint16, big-endian). Writes on one link arrive in order (ATT is
 * sequential), so a fragment out of sequence means one was lost: the frame is dropped, never patched together.
 */
public final class BleFragments {
    public static final int WHOLE = 0;
    public static final int FIRST = 1;
    public static final int MIDDLE = 2;
    public static final int LAST = 3;
    /** The smallest ATT payload (MTU 23 - 3): what every BLE device supports. */
    public static final int MIN_PAYLOAD = 20;

    private BleFragments() {
    }

    /** The writes that carry {@code frame} when each holds at most {@code payload} bytes (ATT MTU - 3). */
    public static List<byte[]> split(byte[] frame, int sequence, int payload) {
        if (payload < MIN_PAYLOAD) {
            throw new IllegalArgumentException("ATT payload of " + payload + " bytes is below the minimum " + MIN_PAYLOAD);
        }
        if (frame.length == 0 || frame.length > 0xFFFF) {
            throw new IllegalArgumentException("frame of " + frame.length + " bytes");
        }
        int seq = sequence & 0x3F;
        List<byte[]> out = new ArrayList<>();
        if (frame.length + 1 <= payload) {
            byte[] w = new byte[frame.length + 1];
            w[0] = (byte) (WHOLE << 6 | seq);
            System.arraycopy(frame, 0, w, 1, frame.length);
            out.add(w);
            return out;
        }
        int first = payload - 3;
        byte[] w = new byte[payload];
        w[0] = (byte) (FIRST << 6 | seq);
        w[1] = (byte) (frame.length >> 8);
        w[2] = (byte) frame.length;
        System.arraycopy(frame, 0, w, 3, first);
        out.add(w);
        int at = first;
        while (at < frame.length) {
            int n = Math.min(payload - 1, frame.length - at);
            byte[] f = new byte[n + 1];
            f[0] = (byte) ((at + n == frame.length ? LAST : MIDDLE) << 6 | seq);
            System.arraycopy(frame, at, f, 1, n);
            out.add(f);
            at += n;
        }
        return out;
    }

    /** Reassembles the writes of one peer; bounded by the largest frame it accepts. */
    public static final class Reassembler {
        private final int maxFrame;
        private byte[] buffer;
        private int filled;
        private int sequence = -1;

        public Reassembler(int maxFrame) {
            this.maxFrame = maxFrame;
        }

        /** What one write gave: a whole frame, nothing yet, or a refusal with its reason. */
        public sealed interface Result permits Frame, Pending, Refused {}

        /** {@code dropped} is true when a half-assembled earlier frame was thrown away (its last never came). */
        public record Frame(byte[] frame, boolean dropped) implements Result {}

        /**
         * {@code dropped} is true when this write (a first fragment) started a new frame while an earlier one was
         * still half assembled: the earlier one is lost, this write is accepted (the writer must not hear an error
         * for a fragment that was kept).
         */
        public record Pending(boolean dropped) implements Result {}

        /** {@code dropped} is true when a half-assembled frame was thrown away by this write. */
        public record Refused(String reason, boolean dropped) implements Result {}

        /** True while a frame is half assembled (a peer that vanishes now loses it). */
        public boolean pending() {
            return buffer != null;
        }

        /** Forgets a half-assembled frame; true when there was one. */
        public boolean reset() {
            boolean had = buffer != null;
            buffer = null;
            filled = 0;
            sequence = -1;
            return had;
        }

        public Result accept(byte[] write) {
            if (write.length < 2) {
                return refuse("write of " + write.length + " bytes carries no frame byte");
            }
            int kind = (write[0] & 0xFF) >> 6;
            int seq = write[0] & 0x3F;
            switch (kind) {
                case WHOLE -> {
                    boolean dropped = reset();
                    byte[] frame = new byte[write.length - 1];
                    System.arraycopy(write, 1, frame, 0, frame.length);
                    if (frame.length > maxFrame) {
                        return new Refused("frame of " + frame.length + " bytes exceeds " + maxFrame, dropped);
                    }
                    return new Frame(frame, dropped);
                }
                case FIRST -> {
                    boolean dropped = reset();
                    if (write.length < 4) {
                        return new Refused("first fragment of " + write.length + " bytes has no length", dropped);
                    }
                    int total = (write[1] & 0xFF) << 8 | (write[2] & 0xFF);
                    int carried = write.length - 3;
                    if (total > maxFrame || total <= carried) {
                        return new Refused("first fragment announces " + total + " bytes (carries " + carried
                                + ", at most " + maxFrame + ")", dropped);
                    }
                    buffer = new byte[total];
                    System.arraycopy(write, 3, buffer, 0, carried);
                    filled = carried;
                    sequence = seq;
                    return new Pending(dropped);
                }
                default -> {
                    if (buffer == null || seq != sequence) {
                        boolean dropped = reset();
                        return new Refused("fragment of frame " + seq + " without its first", dropped);
                    }
                    int n = write.length - 1;
                    boolean last = kind == LAST;
                    if (filled + n > buffer.length || last && filled + n != buffer.length) {
                        reset();
                        return new Refused("fragments of frame " + seq + " do not add up to its length", true);
                    }
                    System.arraycopy(write, 1, buffer, filled, n);
                    filled += n;
                    if (!last) {
                        return new Pending(false);
                    }
                    byte[] frame = buffer;
                    reset();
                    return new Frame(frame, false);
                }
            }
        }

        private Result refuse(String reason) {
            return new Refused(reason, reset());
        }
    }
}
