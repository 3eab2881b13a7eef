package net.sovereignbridge.drivers.meshtastic;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes protobuf fields in the order called (protobuf encoding rules: tag = field << 3 | wire type; varints
 * little-endian base 128; fixed32 little-endian; length-delimited = varint length + bytes). proto3 defaults (0,
 * empty, false) are left out, as protoc's encoders do, unless a field has explicit presence ({@code always}).
 */
final class ProtoWriter {
    private static final int VARINT = 0, LENGTH = 2, FIXED32 = 5;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    ProtoWriter uint(int field, long value) {
        if (value == 0) return this;
        return uintAlways(field, value);
    }

    ProtoWriter uintAlways(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    /** int32: negative values take ten bytes (sign-extended to 64 bits), as protobuf requires. */
    ProtoWriter int32(int field, int value) {
        return uint(field, value);
    }

    /** sint32, zigzag-encoded. */
    ProtoWriter sint32(int field, int value) {
        return uint(field, Integer.toUnsignedLong((value << 1) ^ (value >> 31)));
    }

    ProtoWriter bool(int field, boolean value) {
        return uint(field, value ? 1 : 0);
    }

    ProtoWriter fixed32(int field, int value) {
        if (value == 0) return this;
        return fixed32Always(field, value);
    }

    ProtoWriter fixed32Always(int field, int value) {
        tag(field, FIXED32);
        for (int i = 0; i < 4; i++) out.write(value >>> (8 * i));
        return this;
    }

    ProtoWriter float32(int field, float value) {
        if (value == 0f) return this;
        return fixed32Always(field, Float.floatToIntBits(value));
    }

    ProtoWriter bytes(int field, byte[] value) {
        if (value == null || value.length == 0) return this;
        return bytesAlways(field, value);
    }

    ProtoWriter bytesAlways(int field, byte[] value) {
        tag(field, LENGTH);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoWriter string(int field, String value) {
        return value == null ? this : bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wire) {
        rawVarint(((long) field << 3) | wire);
    }

    private void rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
