package net.sovereignbridge.p2p.websocket;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * One RFC 6455 frame (section 5.2) and its codec:
 *
 * <pre>
 *  byte 0: FIN(1) RSV1 RSV2 RSV3 opcode(4)
 *  byte 1: MASK(1) length(7)        length 0-125 as is; 126: 2-byte length follows; 127: 8-byte length
 *  [2 or 8 bytes big-endian length] [4-byte masking key if MASK] payload (XOR key[i % 4] if masked)
 * </pre>
 *
 * The decoder checks everything before it allocates: reserved bits (no extension is negotiated),
 * opcode, control-frame rules, minimal length encoding, the mask direction, and the payload limit.
 */
public record WebSocketFrame(boolean fin, int opcode, byte[] payload) {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;
    /** Control frames carry at most 125 bytes (section 5.5). */
    public static final int MAX_CONTROL_PAYLOAD = 125;

    public WebSocketFrame {
        if ((opcode & ~0xF) != 0) throw new IllegalArgumentException("opcode " + opcode + " is not 4 bits");
        if (isControl(opcode) && (!fin || payload.length > MAX_CONTROL_PAYLOAD)) {
            throw new IllegalArgumentException("control frames are unfragmented and at most 125 bytes");
        }
    }

    public static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    /** Encodes the frame; {@code maskKey} is 4 bytes (client to server) or null (server to client). */
    public byte[] encode(byte[] maskKey) {
        return encode(fin, opcode, payload, 0, payload.length, maskKey);
    }

    /** Encodes a frame from part of an array without copying the payload first. */
    public static byte[] encode(boolean fin, int opcode, byte[] data, int offset, int length, byte[] maskKey) {
        if (maskKey != null && maskKey.length != 4) throw new IllegalArgumentException("masking key must be 4 bytes");
        int lengthBytes = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
        int head = 2 + lengthBytes + (maskKey == null ? 0 : 4);
        byte[] out = new byte[head + length];
        out[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        int maskBit = maskKey == null ? 0 : 0x80;
        int p = 2;
        if (lengthBytes == 0) {
            out[1] = (byte) (maskBit | length);
        } else if (lengthBytes == 2) {
            out[1] = (byte) (maskBit | 126);
            out[p++] = (byte) (length >>> 8);
            out[p++] = (byte) length;
        } else {
            out[1] = (byte) (maskBit | 127);
            long l = length;
            for (int shift = 56; shift >= 0; shift -= 8) out[p++] = (byte) (l >>> shift);
        }
        if (maskKey == null) {
            System.arraycopy(data, offset, out, p, length);
        } else {
            System.arraycopy(maskKey, 0, out, p, 4);
            p += 4;
            for (int i = 0; i < length; i++) out[p + i] = (byte) (data[offset + i] ^ maskKey[i & 3]);
        }
        return out;
    }

    /**
     * Reads one frame. {@code expectMasked} is true on the server (clients must mask, section 5.1) and
     * false on the client (servers must not). Returns null on a clean end of stream before the first byte.
     */
    public static WebSocketFrame read(InputStream in, boolean expectMasked, int maxPayload) throws IOException {
        int b0 = in.read();
        if (b0 < 0) return null;
        int b1 = readByte(in);
        boolean fin = (b0 & 0x80) != 0;
        if ((b0 & 0x70) != 0) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "reserved bits set (0x" + Integer.toHexString(b0 & 0x70)
                    + ") without a negotiated extension");
        }
        int opcode = b0 & 0x0F;
        switch (opcode) {
            case CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG -> { }
            default -> throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "unknown opcode 0x" + Integer.toHexString(opcode));
        }
        boolean masked = (b1 & 0x80) != 0;
        if (masked != expectMasked) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, expectMasked
                    ? "unmasked frame from a client" : "masked frame from a server");
        }
        long length = b1 & 0x7F;
        if (length == 126) {
            length = ((long) readByte(in) << 8) | readByte(in);
            if (length <= 125) throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "non-minimal 16-bit length " + length);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) length = (length << 8) | readByte(in);
            if (length < 0) throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "64-bit length with the top bit set");
            if (length <= 0xFFFF) throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "non-minimal 64-bit length " + length);
        }
        if (isControl(opcode)) {
            if (!fin) throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "fragmented control frame (opcode 0x"
                    + Integer.toHexString(opcode) + ")");
            if (length > MAX_CONTROL_PAYLOAD) {
                throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "control frame of " + length + " bytes (limit 125)");
            }
        }
        if (length > maxPayload) {
            throw new WebSocketException(CloseCodes.MESSAGE_TOO_BIG, "frame payload of " + length + " bytes over the limit of "
                    + maxPayload);
        }
        byte[] key = null;
        if (masked) {
            key = in.readNBytes(4);
            if (key.length != 4) throw new EOFException("connection closed inside a WebSocket frame header");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length != length) throw new EOFException("connection closed inside a WebSocket frame payload");
        if (key != null) for (int i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
        return new WebSocketFrame(fin, opcode, payload);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) throw new EOFException("connection closed inside a WebSocket frame header");
        return b;
    }
}
