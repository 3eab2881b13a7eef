package net.sovereignbridge.drivers.meshtastic;

/**
 * Meshtastic's 16-byte over-the-air header (firmware src/mesh/RadioInterface.h, PacketHeader), little-endian:
 * <pre>
 * offset size field
 *  0      4   to          node number, 0xFFFFFFFF = broadcast
 *  4      4   from        sender's node number
 *  8      4   id          packet id (with from, the key for duplicate suppression)
 * 12      1   flags       bits 0..2 hop limit, 0x08 want-ack, 0x10 via MQTT, bits 5..7 hop start
 * 13      1   channel     channel hash (see {@link Channel#hash()})
 * 14      1   next hop    last byte of the next relay's node number, 0 = any
 * 15      1   relay node  last byte of the node that relayed this copy, 0 = none
 * </pre>
 * Node numbers are unsigned 32-bit values carried in Java ints.
 */
public record PacketHeader(int to, int from, int id, int hopLimit, boolean wantAck, boolean viaMqtt, int hopStart,
                           int channelHash, int nextHop, int relayNode) {
    public static final int SIZE = 16;
    public static final int BROADCAST = 0xFFFFFFFF;
    public static final int MAX_HOPS = 7;

    public PacketHeader {
        if (hopLimit < 0 || hopLimit > MAX_HOPS) throw new IllegalArgumentException("hop limit must be 0..7");
        if (hopStart < 0 || hopStart > MAX_HOPS) throw new IllegalArgumentException("hop start must be 0..7");
        if (channelHash < 0 || channelHash > 0xFF || nextHop < 0 || nextHop > 0xFF || relayNode < 0 || relayNode > 0xFF) {
            throw new IllegalArgumentException("channel hash, next hop and relay node are single bytes");
        }
    }

    /** A fresh packet from {@code from}: hop start = hop limit, no relay yet. */
    public static PacketHeader originate(int to, int from, int id, int hopLimit, boolean wantAck, int channelHash) {
        return new PacketHeader(to, from, id, hopLimit, wantAck, false, hopLimit, channelHash, 0, 0);
    }

    public int flags() {
        return hopLimit | (wantAck ? 0x08 : 0) | (viaMqtt ? 0x10 : 0) | (hopStart << 5);
    }

    public boolean broadcast() {
        return to == BROADCAST;
    }

    /** Hops this copy has travelled: hop start - hop limit (0 when hop start is unset, as old firmware sends). */
    public int hopsAway() {
        return hopStart == 0 ? 0 : Math.max(0, hopStart - hopLimit);
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        putLe(b, 0, to);
        putLe(b, 4, from);
        putLe(b, 8, id);
        b[12] = (byte) flags();
        b[13] = (byte) channelHash;
        b[14] = (byte) nextHop;
        b[15] = (byte) relayNode;
        return b;
    }

    public static PacketHeader decode(byte[] frame) throws MeshtasticException {
        if (frame.length < SIZE) {
            throw new MeshtasticException.Truncated("Meshtastic frame of " + frame.length + " bytes: shorter than the "
                    + SIZE + "-byte header");
        }
        int flags = frame[12] & 0xFF;
        return new PacketHeader(getLe(frame, 0), getLe(frame, 4), getLe(frame, 8), flags & 0x07, (flags & 0x08) != 0,
                (flags & 0x10) != 0, flags >>> 5, frame[13] & 0xFF, frame[14] & 0xFF, frame[15] & 0xFF);
    }

    /** Meshtastic's text form of a node number: "!" and eight hex digits. */
    public static String nodeId(int node) {
        return String.format("!%08x", node);
    }

    /** Parses "!a1b2c3d4", "0xa1b2c3d4" or a decimal number. */
    public static int parseNode(String text) {
        String t = text.trim();
        long v;
        if (t.startsWith("!")) v = Long.parseLong(t.substring(1), 16);
        else if (t.startsWith("0x") || t.startsWith("0X")) v = Long.parseLong(t.substring(2), 16);
        else v = Long.parseLong(t);
        if (v < 0 || v > 0xFFFFFFFFL) throw new NumberFormatException("node number out of range: " + text);
        return (int) v;
    }

    static void putLe(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    static int getLe(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    @Override
    public String toString() {
        return String.format("to %s from %s id 0x%08x hops %d/%d%s%s channel 0x%02x next 0x%02x relay 0x%02x",
                broadcast() ? "broadcast" : nodeId(to), nodeId(from), id, hopLimit, hopStart,
                wantAck ? " want-ack" : "", viaMqtt ? " via-MQTT" : "", channelHash, nextHop, relayNode);
    }
}
