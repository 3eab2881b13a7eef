package net.sovereignbridge.p2p.yamux;

/**
 * The 12-byte Yamux frame header, all fields big-endian: version (1 byte, always 0), type (1), flags (2),
 * stream id (4), length (4). The length is the body size for Data, the window delta for WindowUpdate,
 * an opaque value for Ping and the error code for GoAway; only Data frames have a body.
 * {@code streamId} and {@code length} are unsigned 32-bit values held in longs.
 */
public record YamuxHeader(int type, int flags, long streamId, long length) {
    public static final int SIZE = 12;
    public static final int VERSION = 0;

    public static final int TYPE_DATA = 0;
    public static final int TYPE_WINDOW_UPDATE = 1;
    public static final int TYPE_PING = 2;
    public static final int TYPE_GO_AWAY = 3;

    public static final int FLAG_SYN = 0x1;
    public static final int FLAG_ACK = 0x2;
    public static final int FLAG_FIN = 0x4;
    public static final int FLAG_RST = 0x8;

    public static final int GO_AWAY_NORMAL = 0;
    public static final int GO_AWAY_PROTOCOL_ERROR = 1;
    public static final int GO_AWAY_INTERNAL_ERROR = 2;

    public static final long MAX_U32 = 0xFFFF_FFFFL;

    public YamuxHeader {
        if (type < TYPE_DATA || type > TYPE_GO_AWAY) throw new IllegalArgumentException("unknown Yamux type " + type);
        if (flags < 0 || flags > 0xFFFF) throw new IllegalArgumentException("flags out of 16 bits: " + flags);
        if (streamId < 0 || streamId > MAX_U32) throw new IllegalArgumentException("stream id out of 32 bits: " + streamId);
        if (length < 0 || length > MAX_U32) throw new IllegalArgumentException("length out of 32 bits: " + length);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Writes the 12 header bytes at {@code off}. */
    public void encode(byte[] dst, int off) {
        dst[off] = (byte) VERSION;
        dst[off + 1] = (byte) type;
        dst[off + 2] = (byte) (flags >> 8);
        dst[off + 3] = (byte) flags;
        putU32(dst, off + 4, streamId);
        putU32(dst, off + 8, length);
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        encode(b, 0);
        return b;
    }

    /** Parses 12 bytes at {@code off}; a version other than 0 or an unknown type is a protocol error. */
    public static YamuxHeader decode(byte[] src, int off) throws YamuxProtocolException {
        int version = src[off] & 0xFF;
        if (version != VERSION) throw new YamuxProtocolException("unsupported Yamux version " + version);
        int type = src[off + 1] & 0xFF;
        if (type > TYPE_GO_AWAY) throw new YamuxProtocolException("unknown Yamux frame type " + type);
        int flags = ((src[off + 2] & 0xFF) << 8) | (src[off + 3] & 0xFF);
        return new YamuxHeader(type, flags, getU32(src, off + 4), getU32(src, off + 8));
    }

    static String typeName(int type) {
        return switch (type) {
            case TYPE_DATA -> "Data";
            case TYPE_WINDOW_UPDATE -> "WindowUpdate";
            case TYPE_PING -> "Ping";
            case TYPE_GO_AWAY -> "GoAway";
            default -> "type " + type;
        };
    }

    @Override
    public String toString() {
        StringBuilder f = new StringBuilder();
        if (has(FLAG_SYN)) f.append("SYN|");
        if (has(FLAG_ACK)) f.append("ACK|");
        if (has(FLAG_FIN)) f.append("FIN|");
        if (has(FLAG_RST)) f.append("RST|");
        if (f.length() > 0) f.setLength(f.length() - 1);
        return typeName(type) + "[" + f + "] stream " + streamId + " length " + length;
    }

    private static void putU32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static long getU32(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFFL) << 16) | ((b[off + 2] & 0xFFL) << 8) | (b[off + 3] & 0xFFL);
    }
}
