package net.sovereignbridge.p2p.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoReader;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;

/**
 * Encodes and decodes circuit relay v2 messages (docs/nat.md, "Circuit relay v2"): protobuf bodies, each
 * preceded on the stream by a uvarint length. Decoding never throws anything but
 * {@link CircuitMessageException} with a typed {@link CircuitMessageException.Error}, so a fuzzer can tell
 * a refused message from a bug.
 */
public final class CircuitCodec {
    /** Largest message we read or write (go-libp2p uses the same 4 KiB). */
    public static final int MAX_MESSAGE_BYTES = 4096;
    /** Addresses kept per Peer or Reservation; further ones are dropped (a peer cannot make us store more). */
    public static final int MAX_ADDRS = 32;

    private CircuitCodec() {}

    // ---- encoding

    public static byte[] encode(HopMessage m) {
        ProtoWriter w = new ProtoWriter().varint(1, m.type().code);
        if (m.peer() != null) w.bytes(2, encodePeer(m.peer()));
        if (m.reservation() != null) w.bytes(3, encodeReservation(m.reservation()));
        if (m.limit() != null) w.bytes(4, encodeLimit(m.limit()));
        if (m.status() != null) w.varint(5, m.status().code);
        return w.toByteArray();
    }

    public static byte[] encode(StopMessage m) {
        ProtoWriter w = new ProtoWriter().varint(1, m.type().code);
        if (m.peer() != null) w.bytes(2, encodePeer(m.peer()));
        if (m.limit() != null) w.bytes(3, encodeLimit(m.limit()));
        if (m.status() != null) w.varint(4, m.status().code);
        return w.toByteArray();
    }

    static byte[] encodePeer(CircuitPeer p) {
        ProtoWriter w = new ProtoWriter().bytes(1, p.id());
        for (Multiaddr a : p.addrs()) w.bytes(2, a.toBytes());
        return w.toByteArray();
    }

    static byte[] encodeReservation(Reservation r) {
        ProtoWriter w = new ProtoWriter().varint(1, r.expireUnixSeconds());
        for (Multiaddr a : r.addrs()) w.bytes(2, a.toBytes());
        if (r.voucher() != null) w.bytes(3, r.voucher());
        return w.toByteArray();
    }

    static byte[] encodeLimit(CircuitLimit l) {
        ProtoWriter w = new ProtoWriter();
        if (l.durationSeconds() != 0) w.varint(1, l.durationSeconds());
        if (l.dataBytes() != 0) w.varint(2, l.dataBytes());
        return w.toByteArray();
    }

    // ---- decoding

    public static HopMessage decodeHop(byte[] body) throws CircuitMessageException {
        try {
            ProtoReader r = new ProtoReader("HopMessage", body);
            HopMessage.Type type = null;
            boolean typed = false;
            CircuitPeer peer = null;
            Reservation reservation = null;
            CircuitLimit limit = null;
            CircuitStatus status = null;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> {
                        long v = r.varint();
                        type = HopMessage.Type.of(v);
                        if (type == null) throw new CircuitMessageException(CircuitMessageException.Error.UNKNOWN_ENUM, "HopMessage type " + Long.toUnsignedString(v));
                        typed = true;
                    }
                    case 2 -> peer = decodePeer(r.bytes(MAX_MESSAGE_BYTES));
                    case 3 -> reservation = decodeReservation(r.bytes(MAX_MESSAGE_BYTES));
                    case 4 -> limit = decodeLimit(r.bytes(MAX_MESSAGE_BYTES));
                    case 5 -> status = status(r.varint(), "HopMessage");
                    default -> r.skip();
                }
            }
            if (!typed) throw new CircuitMessageException(CircuitMessageException.Error.MISSING_TYPE, "HopMessage without type");
            return new HopMessage(type, peer, reservation, limit, status);
        } catch (ProtoException e) {
            throw new CircuitMessageException(CircuitMessageException.Error.MALFORMED_PROTOBUF, e.getMessage());
        }
    }

    public static StopMessage decodeStop(byte[] body) throws CircuitMessageException {
        try {
            ProtoReader r = new ProtoReader("StopMessage", body);
            StopMessage.Type type = null;
            CircuitPeer peer = null;
            CircuitLimit limit = null;
            CircuitStatus status = null;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> {
                        long v = r.varint();
                        type = StopMessage.Type.of(v);
                        if (type == null) throw new CircuitMessageException(CircuitMessageException.Error.UNKNOWN_ENUM, "StopMessage type " + Long.toUnsignedString(v));
                    }
                    case 2 -> peer = decodePeer(r.bytes(MAX_MESSAGE_BYTES));
                    case 3 -> limit = decodeLimit(r.bytes(MAX_MESSAGE_BYTES));
                    case 4 -> status = status(r.varint(), "StopMessage");
                    default -> r.skip();
                }
            }
            if (type == null) throw new CircuitMessageException(CircuitMessageException.Error.MISSING_TYPE, "StopMessage without type");
            return new StopMessage(type, peer, limit, status);
        } catch (ProtoException e) {
            throw new CircuitMessageException(CircuitMessageException.Error.MALFORMED_PROTOBUF, e.getMessage());
        }
    }

    private static CircuitStatus status(long v, String where) throws CircuitMessageException {
        CircuitStatus s = CircuitStatus.of(v);
        if (s == null) throw new CircuitMessageException(CircuitMessageException.Error.UNKNOWN_ENUM, where + " status " + Long.toUnsignedString(v));
        return s;
    }

    static CircuitPeer decodePeer(byte[] body) throws ProtoException, CircuitMessageException {
        ProtoReader r = new ProtoReader("Peer", body);
        byte[] id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> id = r.bytes(128);
                case 2 -> addAddr(addrs, r.bytes(Multiaddr.MAX_BINARY_LENGTH));
                default -> r.skip();
            }
        }
        if (id == null || !isMultihash(id)) throw new CircuitMessageException(CircuitMessageException.Error.BAD_FIELD, "Peer id missing or not a multihash");
        return new CircuitPeer(id, addrs);
    }

    static Reservation decodeReservation(byte[] body) throws ProtoException {
        ProtoReader r = new ProtoReader("Reservation", body);
        long expire = 0;
        List<Multiaddr> addrs = new ArrayList<>();
        byte[] voucher = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> expire = r.varint();
                case 2 -> addAddr(addrs, r.bytes(Multiaddr.MAX_BINARY_LENGTH));
                case 3 -> voucher = r.bytes(MAX_MESSAGE_BYTES);
                default -> r.skip();
            }
        }
        return new Reservation(expire, addrs, voucher);
    }

    static CircuitLimit decodeLimit(byte[] body) throws ProtoException, CircuitMessageException {
        ProtoReader r = new ProtoReader("Limit", body);
        long duration = 0;
        long data = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> duration = r.varint();
                case 2 -> data = r.varint();
                default -> r.skip();
            }
        }
        if (duration < 0 || duration > 0xFFFFFFFFL || data < 0) {
            throw new CircuitMessageException(CircuitMessageException.Error.BAD_FIELD, "Limit duration " + Long.toUnsignedString(duration)
                    + " or data " + Long.toUnsignedString(data) + " out of range");
        }
        return new CircuitLimit(duration, data);
    }

    /** Keeps an address we can decode, up to {@link #MAX_ADDRS}; others (unknown protocols such as QUIC) are skipped. */
    private static void addAddr(List<Multiaddr> addrs, byte[] raw) {
        if (addrs.size() >= MAX_ADDRS) return;
        try {
            addrs.add(Multiaddr.decode(raw));
        } catch (MultiaddrException e) {
            // an address of a transport we do not speak: of no use to us
        }
    }

    static boolean isMultihash(byte[] id) {
        UnsignedVarint.Decoded code = UnsignedVarint.decode(id, 0);
        UnsignedVarint.Decoded len = code == null ? null : UnsignedVarint.decode(id, code.length());
        return len != null && len.value() == id.length - code.length() - len.length() && id.length > code.length() + len.length();
    }

    // ---- framing

    /** Writes uvarint(length) and the body, and flushes. */
    public static void write(OutputStream out, byte[] body) throws IOException {
        if (body.length > MAX_MESSAGE_BYTES) throw new IOException("relay message of " + body.length + " bytes over " + MAX_MESSAGE_BYTES);
        java.io.ByteArrayOutputStream framed = new java.io.ByteArrayOutputStream(body.length + 3);
        UnsignedVarint.write(body.length, framed);
        framed.writeBytes(body);
        out.write(framed.toByteArray());
        out.flush();
    }

    /**
     * Reads one length-prefixed body (at most {@link #MAX_MESSAGE_BYTES}).
     *
     * @throws CircuitMessageException TRUNCATED when the stream ends before the whole frame
     */
    public static byte[] readFrame(InputStream in) throws IOException {
        long length = 0;
        for (int i = 0; ; i++) {
            int b = in.read();
            if (b < 0) throw new CircuitMessageException(CircuitMessageException.Error.TRUNCATED, i == 0 ? "stream ended before a message" : "stream ended inside a length prefix");
            if (i == 9) throw new CircuitMessageException(CircuitMessageException.Error.BAD_LENGTH_PREFIX, "length prefix over 9 bytes");
            length |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) break;
        }
        if (length > MAX_MESSAGE_BYTES) throw new CircuitMessageException(CircuitMessageException.Error.TOO_LARGE, length + " bytes > " + MAX_MESSAGE_BYTES);
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) throw new CircuitMessageException(CircuitMessageException.Error.TRUNCATED, "stream ended inside a message");
        return body;
    }

    public static HopMessage readHop(InputStream in) throws IOException {
        return decodeHop(readFrame(in));
    }

    public static StopMessage readStop(InputStream in) throws IOException {
        return decodeStop(readFrame(in));
    }

    public static void write(OutputStream out, HopMessage m) throws IOException {
        write(out, encode(m));
    }

    public static void write(OutputStream out, StopMessage m) throws IOException {
        write(out, encode(m));
    }
}
