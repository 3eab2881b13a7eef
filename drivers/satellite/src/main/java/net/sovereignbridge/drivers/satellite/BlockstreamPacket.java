package net.sovereignbridge.drivers.satellite;

import java.nio.ByteBuffer;

/**
 * One Blockstream Satellite API packet, the payload of one UDP datagram: an 8-byte big-endian header
 * (flags, channel, fragment number, sequence number) and at most {@link #MAX_PAYLOAD} bytes.
 * Layout in docs/satellite.md.
 */
public record BlockstreamPacket(boolean moreFragments, int channel, int fragment, long sequence, byte[] payload) {
    public static final int HEADER_LEN = 8;
    /** 1500 (Ethernet MTU) - 20 (IPv4) - 8 (UDP) - 8 (this header). */
    public static final int MAX_PAYLOAD = 1464;
    static final int TYPE_API = 0x01;
    static final int FLAG_MORE = 0x80;

    public BlockstreamPacket {
        if (channel < 0 || channel > 255) throw new IllegalArgumentException("channel " + channel + " not in 0..255");
        if (fragment < 0 || fragment > 0xFFFF) throw new IllegalArgumentException("fragment " + fragment + " not in 0..65535");
        if (sequence < 0 || sequence > 0xFFFF_FFFFL) throw new IllegalArgumentException("sequence " + sequence + " not a u32");
        if (payload.length > MAX_PAYLOAD) throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
    }

    /** Parses one datagram; a clear {@link MalformedPacketException} names what is wrong. */
    public static BlockstreamPacket parse(byte[] datagram, int offset, int length) throws MalformedPacketException {
        if (length < HEADER_LEN) throw new MalformedPacketException("datagram of " + length + " bytes is shorter than the 8-byte header");
        if (length > HEADER_LEN + MAX_PAYLOAD) throw new MalformedPacketException("datagram of " + length + " bytes exceeds " + (HEADER_LEN + MAX_PAYLOAD));
        ByteBuffer b = ByteBuffer.wrap(datagram, offset, length);
        int flags = b.get() & 0xFF;
        if ((flags & TYPE_API) == 0) throw new MalformedPacketException(String.format("flags byte 0x%02x at offset 0: not an API packet (bit 0 clear)", flags));
        if ((flags & ~(TYPE_API | FLAG_MORE)) != 0) throw new MalformedPacketException(String.format("flags byte 0x%02x at offset 0: unknown bits set", flags));
        int channel = b.get() & 0xFF;
        int fragment = b.getShort() & 0xFFFF;
        long sequence = b.getInt() & 0xFFFF_FFFFL;
        byte[] payload = new byte[length - HEADER_LEN];
        b.get(payload);
        return new BlockstreamPacket((flags & FLAG_MORE) != 0, channel, fragment, sequence, payload);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LEN + payload.length);
        b.put((byte) (TYPE_API | (moreFragments ? FLAG_MORE : 0))).put((byte) channel).putShort((short) fragment)
                .putInt((int) sequence).put(payload);
        return b.array();
    }
}
