package net.sovereignbridge.p2p.protobuf;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A minimal protobuf reader for the small libp2p messages we parse by hand (identify, peer records,
 * envelopes). Fields are read one at a time; every error names the message, the field and the offset.
 * Groups (wire types 3 and 4) and the 32/64-bit fixed types we never expect are refused.
 */
public final class ProtoReader {
    private final String what;
    private final byte[] data;
    private int pos;
    private int field;
    private int wire;

    public ProtoReader(String what, byte[] data) {
        this.what = what;
        this.data = data;
    }

    /** Reads the next tag; false at the end of the message. */
    public boolean next() throws ProtoException {
        if (pos == data.length) return false;
        int at = pos;
        long tag = varintAt();
        field = (int) (tag >>> 3);
        wire = (int) (tag & 7);
        if (field == 0 || tag >>> 3 > Integer.MAX_VALUE) throw error("bad field number in tag at " + at);
        if (wire != 0 && wire != 2 && wire != 1 && wire != 5) throw error("unsupported wire type " + wire + " at " + at);
        return true;
    }

    public int field() {
        return field;
    }

    public int wireType() {
        return wire;
    }

    public long varint() throws ProtoException {
        expect(0);
        return varintAt();
    }

    public byte[] bytes(int maxLength) throws ProtoException {
        expect(2);
        int at = pos;
        long length = varintAt();
        if (length < 0 || length > data.length - pos) {
            throw error("field " + field + " length " + Long.toUnsignedString(length) + " runs past the end (at " + at + ")");
        }
        if (length > maxLength) throw error("field " + field + " is " + length + " bytes, limit " + maxLength);
        byte[] v = Arrays.copyOfRange(data, pos, pos + (int) length);
        pos += (int) length;
        return v;
    }

    public String string(int maxLength) throws ProtoException {
        byte[] b = bytes(maxLength);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error("field " + field + " is not UTF-8");
        }
    }

    /** Skips the current field's value (unknown fields are allowed by protobuf rules). */
    public void skip() throws ProtoException {
        switch (wire) {
            case 0 -> varintAt();
            case 1 -> advance(8);
            case 5 -> advance(4);
            case 2 -> {
                long length = varintAt();
                if (length < 0 || length > data.length - pos) throw error("field " + field + " length runs past the end");
                pos += (int) length;
            }
            default -> throw error("unsupported wire type " + wire);
        }
    }

    private void advance(int n) throws ProtoException {
        if (data.length - pos < n) throw error("field " + field + " truncated");
        pos += n;
    }

    private void expect(int wireType) throws ProtoException {
        if (wire != wireType) throw error("field " + field + " has wire type " + wire + ", expected " + wireType);
    }

    private long varintAt() throws ProtoException {
        long v = 0;
        for (int i = 0; i < 10; i++) {
            if (pos >= data.length) throw error("truncated varint at " + pos);
            int b = data[pos++] & 0xFF;
            if (i == 9 && b > 1) throw error("varint over 64 bits at " + (pos - 1));
            v |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) return v;
        }
        throw error("varint longer than 10 bytes at " + pos);
    }

    private ProtoException error(String detail) {
        return new ProtoException(what + ": " + detail);
    }
}
