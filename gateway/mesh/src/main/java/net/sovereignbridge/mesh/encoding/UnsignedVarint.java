package net.sovereignbridge.mesh.encoding;

import java.io.ByteArrayOutputStream;

/**
 * Unsigned LEB128 as specified by multiformats/unsigned-varint: at most 9 bytes, minimal encoding only
 * (a trailing 0x00 continuation byte is rejected so that every value has exactly one encoding).
 */
public final class UnsignedVarint {
    public static final int MAX_BYTES = 9;

    private UnsignedVarint() {}

    public static byte[] encode(long value) {
        if (value < 0) throw new IllegalArgumentException("unsigned varint cannot encode " + value);
        ByteArrayOutputStream out = new ByteArrayOutputStream(MAX_BYTES);
        write(value, out);
        return out.toByteArray();
    }

    public static void write(long value, ByteArrayOutputStream out) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    public static int size(long value) {
        int n = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            n++;
        }
        return n;
    }

    /**
     * Decodes a varint starting at {@code offset}.
     *
     * @return the value in the low 63 bits and the number of bytes read, or null when the input is
     *     truncated, over-long or not minimally encoded
     */
    public static Decoded decode(byte[] data, int offset) {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (offset + i >= data.length) return null;
            int b = data[offset + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) return null;
                return new Decoded(value, i + 1);
            }
        }
        return null;
    }

    public record Decoded(long value, int length) {}
}
