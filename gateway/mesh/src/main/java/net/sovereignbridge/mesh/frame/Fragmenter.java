package net.sovereignbridge.mesh.frame;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an encoded frame into link-level fragments when it does not fit a transport's MTU. Fragments are
 * per hop: a relay reassembles, then fragments again for the next link's MTU.
 *
 * <pre>
 * 0     version (high nibble, 1) | 0xF (FRAGMENT)
 * 1..2  fragment set id, big endian (chosen by the sender, unique per link for the reassembly timeout)
 * 3     index, 0-based
 * 4     count, 1..255
 * 5..   chunk
 * </pre>
 *
 * A frame that fits the MTU is sent as it is, with no fragment header: one byte tells the two apart.
 */
public final class Fragmenter {
    public static final int HEADER_LENGTH = 5;
    public static final int MIN_MTU = 32;
    public static final int MAX_FRAGMENTS = 255;

    private Fragmenter() {}

    public static boolean isFragment(byte[] linkFrame) {
        return linkFrame.length > 0 && (linkFrame[0] & 0x0F) == FrameType.FRAGMENT.code;
    }

    /** Largest frame that {@code mtu} can carry in at most 255 fragments. */
    public static int maxFrameLength(int mtu) {
        return (mtu - HEADER_LENGTH) * MAX_FRAGMENTS;
    }

    public static List<byte[]> split(byte[] frame, int mtu, int setId) {
        if (mtu < MIN_MTU) throw new IllegalArgumentException("mtu " + mtu + " is below the minimum " + MIN_MTU);
        if (frame.length <= mtu) return List.of(frame);
        int chunk = mtu - HEADER_LENGTH;
        int count = (frame.length + chunk - 1) / chunk;
        if (count > MAX_FRAGMENTS) {
            throw new IllegalArgumentException("frame of " + frame.length + " bytes needs " + count
                    + " fragments at mtu " + mtu + "; at most " + MAX_FRAGMENTS + " are allowed");
        }
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunk;
            int len = Math.min(chunk, frame.length - from);
            byte[] f = new byte[HEADER_LENGTH + len];
            f[0] = (byte) ((MeshFrame.VERSION << 4) | FrameType.FRAGMENT.code);
            f[1] = (byte) (setId >>> 8);
            f[2] = (byte) setId;
            f[3] = (byte) i;
            f[4] = (byte) count;
            System.arraycopy(frame, from, f, HEADER_LENGTH, len);
            out.add(f);
        }
        return out;
    }
}
