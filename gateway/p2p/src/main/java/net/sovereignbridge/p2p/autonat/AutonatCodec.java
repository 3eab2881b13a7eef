package net.sovereignbridge.p2p.autonat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.p2p.autonat.AutonatMessage.Status;
import net.sovereignbridge.p2p.autonat.AutonatMessageException.Error;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoReader;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;

/**
 * AutoNAT v1 messages on the stream: uvarint length, then the protobuf, at most 8 KiB (js-libp2p's limit).
 * Decoding throws only {@link AutonatMessageException} with a typed error.
 */
public final class AutonatCodec {
    public static final int MAX_MESSAGE_BYTES = 8192;
    /** Addresses kept from a DIAL; further ones are dropped (we dial back only a few anyway). */
    public static final int MAX_ADDRS = 32;

    private AutonatCodec() {}

    public static byte[] encode(AutonatMessage m) {
        ProtoWriter w = new ProtoWriter();
        if (m.dial() != null) {
            ProtoWriter peer = new ProtoWriter().bytes(1, m.dial().peerId());
            for (Multiaddr a : m.dial().addrs()) peer.bytes(2, a.toBytes());
            w.varint(1, 0).bytes(2, new ProtoWriter().bytes(1, peer.toByteArray()).toByteArray());
        } else {
            AutonatMessage.DialResponse r = m.response();
            ProtoWriter rw = new ProtoWriter().varint(1, r.status().code);
            if (r.text() != null) rw.string(2, r.text());
            if (r.addr() != null) rw.bytes(3, r.addr().toBytes());
            w.varint(1, 1).bytes(3, rw.toByteArray());
        }
        return w.toByteArray();
    }

    public static AutonatMessage decode(byte[] body) throws AutonatMessageException {
        try {
            ProtoReader r = new ProtoReader("AutoNAT Message", body);
            long type = -1;
            byte[] dial = null;
            byte[] response = null;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> type = r.varint();
                    case 2 -> dial = r.bytes(MAX_MESSAGE_BYTES);
                    case 3 -> response = r.bytes(MAX_MESSAGE_BYTES);
                    default -> r.skip();
                }
            }
            if (type == 0) {
                if (dial == null) throw new AutonatMessageException(Error.BAD_TYPE, "DIAL without dial");
                return decodeDial(dial);
            }
            if (type == 1) {
                if (response == null) throw new AutonatMessageException(Error.BAD_TYPE, "DIAL_RESPONSE without dialResponse");
                return decodeResponse(response);
            }
            throw new AutonatMessageException(Error.BAD_TYPE, type < 0 ? "no type" : "type " + Long.toUnsignedString(type));
        } catch (ProtoException e) {
            throw new AutonatMessageException(Error.MALFORMED_PROTOBUF, e.getMessage());
        }
    }

    private static AutonatMessage decodeDial(byte[] dial) throws ProtoException, AutonatMessageException {
        ProtoReader r = new ProtoReader("Dial", dial);
        byte[] peer = null;
        while (r.next()) {
            if (r.field() == 1) peer = r.bytes(MAX_MESSAGE_BYTES);
            else r.skip();
        }
        if (peer == null) throw new AutonatMessageException(Error.BAD_FIELD, "Dial without peer");
        ProtoReader p = new ProtoReader("PeerInfo", peer);
        byte[] id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        while (p.next()) {
            switch (p.field()) {
                case 1 -> id = p.bytes(128);
                case 2 -> {
                    byte[] a = p.bytes(Multiaddr.MAX_BINARY_LENGTH);
                    if (addrs.size() < MAX_ADDRS) {
                        try {
                            addrs.add(Multiaddr.decode(a));
                        } catch (MultiaddrException e) {
                            // a transport we do not speak: we could not dial it back anyway
                        }
                    }
                }
                default -> p.skip();
            }
        }
        if (id == null || !isMultihash(id)) throw new AutonatMessageException(Error.BAD_FIELD, "PeerInfo id missing or not a multihash");
        return AutonatMessage.dial(id, addrs);
    }

    private static AutonatMessage decodeResponse(byte[] body) throws ProtoException, AutonatMessageException {
        ProtoReader r = new ProtoReader("DialResponse", body);
        Status status = null;
        String text = null;
        Multiaddr addr = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    long v = r.varint();
                    status = Status.of(v);
                    if (status == null) throw new AutonatMessageException(Error.BAD_TYPE, "status " + Long.toUnsignedString(v));
                }
                case 2 -> text = r.string(1024);
                case 3 -> {
                    try {
                        addr = Multiaddr.decode(r.bytes(Multiaddr.MAX_BINARY_LENGTH));
                    } catch (MultiaddrException e) {
                        throw new AutonatMessageException(Error.BAD_FIELD, "DialResponse addr: " + e.getMessage());
                    }
                }
                default -> r.skip();
            }
        }
        if (status == null) throw new AutonatMessageException(Error.BAD_TYPE, "DialResponse without status");
        return AutonatMessage.response(status, text, addr);
    }

    static boolean isMultihash(byte[] id) {
        UnsignedVarint.Decoded code = UnsignedVarint.decode(id, 0);
        UnsignedVarint.Decoded len = code == null ? null : UnsignedVarint.decode(id, code.length());
        return len != null && len.value() == id.length - code.length() - len.length() && id.length > code.length() + len.length();
    }

    public static void write(OutputStream out, AutonatMessage m) throws IOException {
        byte[] body = encode(m);
        if (body.length > MAX_MESSAGE_BYTES) throw new IOException("autonat message of " + body.length + " bytes over " + MAX_MESSAGE_BYTES);
        ByteArrayOutputStream framed = new ByteArrayOutputStream(body.length + 3);
        UnsignedVarint.write(body.length, framed);
        framed.writeBytes(body);
        out.write(framed.toByteArray());
        out.flush();
    }

    public static AutonatMessage read(InputStream in) throws IOException {
        long length = 0;
        for (int i = 0; ; i++) {
            int b = in.read();
            if (b < 0) throw new AutonatMessageException(Error.TRUNCATED, i == 0 ? "stream ended before a message" : "stream ended inside a length prefix");
            if (i == 9) throw new AutonatMessageException(Error.BAD_LENGTH_PREFIX, "length prefix over 9 bytes");
            length |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) break;
        }
        if (length > MAX_MESSAGE_BYTES) throw new AutonatMessageException(Error.TOO_LARGE, length + " bytes > " + MAX_MESSAGE_BYTES);
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) throw new AutonatMessageException(Error.TRUNCATED, "stream ended inside a message");
        return decode(body);
    }
}
