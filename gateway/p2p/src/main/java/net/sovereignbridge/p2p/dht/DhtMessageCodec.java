package net.sovereignbridge.p2p.dht;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;

/**
 * Hand-written protobuf for {@link DhtMessage}, with limits on everything a peer controls.
 *
 * <p>Protocol rules kept here: fields may come in any order and repeat (the last scalar wins, repeated
 * fields append, an embedded record merges); unknown fields are skipped by wire type; groups (wire types
 * 3 and 4) are refused. Beyond {@link Limits#maxPeers} the extra closerPeers/providerPeers are counted
 * and dropped, as are addresses beyond {@link Limits#maxAddrsPerPeer} and addresses that are too long.
 * A peer list of hostile size is therefore never materialised. Everything else malformed is a typed
 * error: decode never throws.
 */
public final class DhtMessageCodec {

    /** Bounds on a decoded message. */
    public record Limits(int maxMessageBytes, int maxKeyBytes, int maxValueBytes, int maxPeers, int maxAddrsPerPeer,
                         int maxAddrBytes, int maxPeerIdBytes) {
        /** Defaults: 64 KiB messages, 16 KiB values, K = 20 peers per list, 16 addresses of at most 256 bytes. */
        public static final Limits DEFAULT = new Limits(64 * 1024, 512, 16 * 1024, 20, 16, 256, 64);
    }

    public enum Error {
        TOO_LARGE, TRUNCATED, BAD_VARINT, BAD_WIRE_TYPE, UNKNOWN_TYPE, MISSING_TYPE, KEY_TOO_LONG, VALUE_TOO_LONG,
        BAD_PEER_ID, BAD_UTF8
    }

    /** Either a message (with how many list entries the limits dropped) or an error. */
    public sealed interface Result permits Ok, Failed {}

    public record Ok(DhtMessage message, int dropped) implements Result {}

    public record Failed(Error error, String detail) implements Result {}

    private DhtMessageCodec() {}

    // ---- encoding

    public static byte[] encode(DhtMessage m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        writeVarintField(out, 1, m.type().code);
        if (m.key().length > 0) writeBytesField(out, 2, m.key());
        if (m.record() != null) writeBytesField(out, 3, encodeRecord(m.record()));
        for (DhtMessage.Peer p : m.closerPeers()) writeBytesField(out, 8, encodePeer(p));
        for (DhtMessage.Peer p : m.providerPeers()) writeBytesField(out, 9, encodePeer(p));
        return out.toByteArray();
    }

    /** The message behind its uvarint length prefix, as sent on a kad stream. */
    public static byte[] encodeFramed(DhtMessage m) {
        byte[] body = encode(m);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 3);
        UnsignedVarint.write(body.length, out);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] encodeRecord(DhtMessage.Record r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (r.key().length > 0) writeBytesField(out, 1, r.key());
        if (r.value().length > 0) writeBytesField(out, 2, r.value());
        if (!r.timeReceived().isEmpty()) writeBytesField(out, 5, r.timeReceived().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] encodePeer(DhtMessage.Peer p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBytesField(out, 1, p.id());
        for (byte[] a : p.addrs()) writeBytesField(out, 2, a);
        if (p.connection() != DhtMessage.Connection.NOT_CONNECTED) writeVarintField(out, 3, p.connection().code);
        return out.toByteArray();
    }

    private static void writeVarintField(ByteArrayOutputStream out, int field, long value) {
        UnsignedVarint.write((long) field << 3, out);
        UnsignedVarint.write(value, out);
    }

    private static void writeBytesField(ByteArrayOutputStream out, int field, byte[] value) {
        UnsignedVarint.write(((long) field << 3) | 2, out);
        UnsignedVarint.write(value.length, out);
        out.writeBytes(value);
    }

    // ---- decoding

    public static Result decode(byte[] data) {
        return decode(data, Limits.DEFAULT);
    }

    public static Result decode(byte[] data, Limits limits) {
        if (data.length > limits.maxMessageBytes()) {
            return new Failed(Error.TOO_LARGE, data.length + " bytes > " + limits.maxMessageBytes());
        }
        Reader r = new Reader(data, 0, data.length);
        DhtMessage.Type type = null;
        boolean sawType = false;
        byte[] key = new byte[0];
        DhtMessage.Record record = null;
        List<DhtMessage.Peer> closer = new ArrayList<>();
        List<DhtMessage.Peer> providers = new ArrayList<>();
        int[] dropped = {0};
        while (r.pos < r.end) {
            long tag = r.varint();
            if (r.error != null) return r.failure();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (tag >>> 3 > Integer.MAX_VALUE || field == 0) return new Failed(Error.BAD_WIRE_TYPE, "field number " + (tag >>> 3));
            switch (field) {
                case 1 -> {
                    if (wire != 0) return wrongWire(field, wire);
                    long v = r.varint();
                    if (r.error != null) return r.failure();
                    type = DhtMessage.Type.fromCode(v);
                    if (type == null) return new Failed(Error.UNKNOWN_TYPE, "message type " + v);
                    sawType = true;
                }
                case 2 -> {
                    if (wire != 2) return wrongWire(field, wire);
                    byte[] v = r.bytes(limits.maxKeyBytes(), Error.KEY_TOO_LONG);
                    if (v == null) return r.failure();
                    key = v;
                }
                case 3 -> {
                    if (wire != 2) return wrongWire(field, wire);
                    int len = r.length();
                    if (r.error != null) return r.failure();
                    Object rec = decodeRecord(new Reader(data, r.pos, r.pos + len), limits, record);
                    if (rec instanceof Failed f) return f;
                    record = (DhtMessage.Record) rec;
                    r.pos += len;
                }
                case 8, 9 -> {
                    if (wire != 2) return wrongWire(field, wire);
                    int len = r.length();
                    if (r.error != null) return r.failure();
                    List<DhtMessage.Peer> list = field == 8 ? closer : providers;
                    if (list.size() >= limits.maxPeers()) {
                        dropped[0]++; // skipped without parsing: a list of hostile length costs us nothing
                    } else {
                        Object peer = decodePeer(new Reader(data, r.pos, r.pos + len), limits, dropped);
                        if (peer instanceof Failed f) return f;
                        list.add((DhtMessage.Peer) peer);
                    }
                    r.pos += len;
                }
                default -> {
                    if (!r.skip(wire)) return r.failure();
                }
            }
        }
        // proto3 omits a zero enum: a message without the type field is PUT_VALUE (0)
        if (!sawType) type = DhtMessage.Type.PUT_VALUE;
        return new Ok(new DhtMessage(type, key, record, closer, providers), dropped[0]);
    }

    private static Failed wrongWire(int field, int wire) {
        return new Failed(Error.BAD_WIRE_TYPE, "field " + field + " with wire type " + wire);
    }

    private static Object decodeRecord(Reader r, Limits limits, DhtMessage.Record previous) {
        byte[] key = previous == null ? new byte[0] : previous.key();
        byte[] value = previous == null ? new byte[0] : previous.value();
        String time = previous == null ? "" : previous.timeReceived();
        while (r.pos < r.end) {
            long tag = r.varint();
            if (r.error != null) return r.failure();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 || field == 2 || field == 5) {
                if (wire != 2) return wrongWire(field, wire);
                byte[] v = switch (field) {
                    case 1 -> r.bytes(limits.maxKeyBytes(), Error.KEY_TOO_LONG);
                    case 2 -> r.bytes(limits.maxValueBytes(), Error.VALUE_TOO_LONG);
                    default -> r.bytes(64, Error.BAD_UTF8);
                };
                if (v == null) return r.failure();
                if (field == 1) key = v;
                else if (field == 2) value = v;
                else {
                    String s = utf8(v);
                    if (s == null) return new Failed(Error.BAD_UTF8, "record timeReceived");
                    time = s;
                }
            } else if (!r.skip(wire)) {
                return r.failure();
            }
        }
        return new DhtMessage.Record(key, value, time);
    }

    private static Object decodePeer(Reader r, Limits limits, int[] dropped) {
        byte[] id = null;
        List<byte[]> addrs = new ArrayList<>();
        DhtMessage.Connection conn = DhtMessage.Connection.NOT_CONNECTED;
        while (r.pos < r.end) {
            long tag = r.varint();
            if (r.error != null) return r.failure();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1) {
                if (wire != 2) return wrongWire(field, wire);
                id = r.bytes(limits.maxPeerIdBytes(), Error.BAD_PEER_ID);
                if (id == null) return r.failure();
            } else if (field == 2) {
                if (wire != 2) return wrongWire(field, wire);
                int len = r.length();
                if (r.error != null) return r.failure();
                if (addrs.size() < limits.maxAddrsPerPeer() && len <= limits.maxAddrBytes()) {
                    addrs.add(Arrays.copyOfRange(r.data, r.pos, r.pos + len));
                } else {
                    dropped[0]++;
                }
                r.pos += len;
            } else if (field == 3) {
                if (wire != 0) return wrongWire(field, wire);
                long v = r.varint();
                if (r.error != null) return r.failure();
                conn = DhtMessage.Connection.fromCode(v);
            } else if (!r.skip(wire)) {
                return r.failure();
            }
        }
        if (id == null || id.length == 0) return new Failed(Error.BAD_PEER_ID, "peer without id");
        return new DhtMessage.Peer(id, addrs, conn);
    }

    private static String utf8(byte[] v) {
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(v)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** Cursor over a slice; on failure sets {@link #error} instead of throwing. */
    private static final class Reader {
        final byte[] data;
        int pos;
        final int end;
        Error error;
        String detail;

        Reader(byte[] data, int pos, int end) {
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        Failed failure() {
            return new Failed(error, detail);
        }

        private void fail(Error e, String d) {
            error = e;
            detail = d;
        }

        long varint() {
            long value = 0;
            for (int i = 0; i < 10; i++) {
                if (pos >= end) {
                    fail(Error.TRUNCATED, "varint at end of input");
                    return 0;
                }
                int b = data[pos++] & 0xFF;
                if (i == 9 && b > 1) {
                    fail(Error.BAD_VARINT, "varint over 64 bits");
                    return 0;
                }
                value |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) return value;
            }
            fail(Error.BAD_VARINT, "varint longer than 10 bytes");
            return 0;
        }

        /** A length prefix that fits in the remaining slice. */
        int length() {
            long len = varint();
            if (error != null) return 0;
            if (len < 0 || len > end - pos) {
                fail(Error.TRUNCATED, "length " + Long.toUnsignedString(len) + " beyond the " + (end - pos) + " bytes left");
                return 0;
            }
            return (int) len;
        }

        byte[] bytes(int max, Error tooLong) {
            int len = length();
            if (error != null) return null;
            if (len > max) {
                fail(tooLong, len + " bytes > " + max);
                return null;
            }
            byte[] v = Arrays.copyOfRange(data, pos, pos + len);
            pos += len;
            return v;
        }

        boolean skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> {
                    int len = length();
                    if (error == null) pos += len;
                }
                case 5 -> advance(4);
                default -> fail(Error.BAD_WIRE_TYPE, "wire type " + wire);
            }
            return error == null;
        }

        private void advance(int n) {
            if (end - pos < n) fail(Error.TRUNCATED, "fixed field beyond input");
            else pos += n;
        }
    }
}
