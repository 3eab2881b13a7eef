package net.sovereignbridge.drivers.meshtastic;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Walks the fields of one protobuf message. {@link #next()} moves to the next field; the typed getters read its
 * value and check its wire type. Unknown fields are skipped ({@link #skip()}), as protobuf requires. Every error is
 * typed (truncated, oversize, malformed) and names the message, the field and the offset.
 */
final class ProtoReader {
    private final String message;
    private final byte[] in;
    private int pos;
    private int field;
    private int wireType;
    private int fieldStart;

    ProtoReader(String message, byte[] in) {
        this.message = message;
        this.in = in;
    }

    boolean next() throws MeshtasticException {
        if (pos >= in.length) return false;
        fieldStart = pos;
        long tag = rawVarint();
        if ((tag >>> 3) == 0 || (tag >>> 3) > 0x1FFFFFFF) throw malformed("invalid field number");
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (wireType == 3 || wireType == 4 || wireType > 5) throw malformed("unsupported wire type " + wireType);
        return true;
    }

    int field() {
        return field;
    }

    long uint() throws MeshtasticException {
        want(0);
        return rawVarint();
    }

    /** uint32 and enums: the low 32 bits, as protobuf parsers do. */
    int uint32() throws MeshtasticException {
        return (int) uint();
    }

    int sint32() throws MeshtasticException {
        int v = (int) uint();
        return (v >>> 1) ^ -(v & 1);
    }

    boolean bool() throws MeshtasticException {
        return uint() != 0;
    }

    int fixed32() throws MeshtasticException {
        want(5);
        need(4);
        int v = (in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8 | (in[pos + 2] & 0xFF) << 16 | (in[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    float float32() throws MeshtasticException {
        return Float.intBitsToFloat(fixed32());
    }

    byte[] bytes(int limit) throws MeshtasticException {
        want(2);
        long length = rawVarint();
        if (length < 0 || length > in.length - pos) { // a 10-byte varint can read as negative
            throw new MeshtasticException.Truncated(where() + ": length " + Long.toUnsignedString(length) + " runs past the end ("
                    + (in.length - pos) + " bytes left)");
        }
        if (length > limit) {
            throw new MeshtasticException.Oversize(where() + ": " + length + " bytes, at most " + limit + " allowed");
        }
        byte[] v = Arrays.copyOfRange(in, pos, pos + (int) length);
        pos += (int) length;
        return v;
    }

    String string(int limit) throws MeshtasticException {
        byte[] b = bytes(limit);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("not UTF-8");
        }
    }

    void skip() throws MeshtasticException {
        switch (wireType) {
            case 0 -> rawVarint();
            case 1 -> {
                need(8);
                pos += 8;
            }
            case 5 -> {
                need(4);
                pos += 4;
            }
            default -> bytes(Integer.MAX_VALUE);
        }
    }

    private void want(int expected) throws MeshtasticException {
        if (wireType != expected) throw malformed("wire type " + wireType + ", expected " + expected);
    }

    private void need(int n) throws MeshtasticException {
        if (in.length - pos < n) throw new MeshtasticException.Truncated(where() + ": ends inside a fixed-size value");
    }

    private long rawVarint() throws MeshtasticException {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= in.length) throw new MeshtasticException.Truncated(where() + ": ends inside a varint");
            int b = in[pos++] & 0xFF;
            if (shift == 63 && b > 1) throw malformed("varint longer than 64 bits");
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw malformed("varint longer than 10 bytes");
    }

    private MeshtasticException malformed(String what) {
        return new MeshtasticException.Malformed(where() + ": " + what);
    }

    private String where() {
        return message + (field > 0 ? " field " + field : "") + " at offset " + fieldStart;
    }
}
