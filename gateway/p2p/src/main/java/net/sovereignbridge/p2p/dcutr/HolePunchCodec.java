package net.sovereignbridge.p2p.dcutr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.p2p.dcutr.HolePunchException.Error;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoReader;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;

/**
 * HolePunch messages on the stream: uvarint length, then the protobuf, at most 4 KiB (the spec's limit).
 * Decoding throws only {@link HolePunchException} with a typed error; addresses we cannot decode (QUIC,
 * WebTransport) are dropped, and at most {@link #MAX_ADDRS} are kept.
 */
public final class HolePunchCodec {
    public static final int MAX_MESSAGE_BYTES = 4096;
    public static final int MAX_ADDRS = 32;

    private HolePunchCodec() {}

    public static byte[] encode(HolePunch m) {
        ProtoWriter w = new ProtoWriter().varint(1, m.type().code);
        for (Multiaddr a : m.obsAddrs()) w.bytes(2, a.toBytes());
        return w.toByteArray();
    }

    public static HolePunch decode(byte[] body) throws HolePunchException {
        try {
            ProtoReader r = new ProtoReader("HolePunch", body);
            HolePunch.Type type = null;
            List<Multiaddr> addrs = new ArrayList<>();
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> {
                        long v = r.varint();
                        type = HolePunch.Type.of(v);
                        if (type == null) throw new HolePunchException(Error.BAD_TYPE, "type " + Long.toUnsignedString(v));
                    }
                    case 2 -> {
                        byte[] a = r.bytes(Multiaddr.MAX_BINARY_LENGTH);
                        if (addrs.size() < MAX_ADDRS) {
                            try {
                                addrs.add(Multiaddr.decode(a));
                            } catch (MultiaddrException e) {
                                // a transport we do not speak: nothing we could dial
                            }
                        }
                    }
                    default -> r.skip();
                }
            }
            if (type == null) throw new HolePunchException(Error.BAD_TYPE, "no type");
            return new HolePunch(type, addrs);
        } catch (ProtoException e) {
            throw new HolePunchException(Error.MALFORMED_PROTOBUF, e.getMessage());
        }
    }

    public static void write(OutputStream out, HolePunch m) throws IOException {
        byte[] body = encode(m);
        if (body.length > MAX_MESSAGE_BYTES) throw new IOException("HolePunch of " + body.length + " bytes over " + MAX_MESSAGE_BYTES);
        ByteArrayOutputStream framed = new ByteArrayOutputStream(body.length + 3);
        UnsignedVarint.write(body.length, framed);
        framed.writeBytes(body);
        out.write(framed.toByteArray());
        out.flush();
    }

    public static HolePunch read(InputStream in) throws IOException {
        long length = 0;
        for (int i = 0; ; i++) {
            int b = in.read();
            if (b < 0) throw new HolePunchException(Error.TRUNCATED, i == 0 ? "stream ended before a message" : "stream ended inside a length prefix");
            if (i == 9) throw new HolePunchException(Error.BAD_LENGTH_PREFIX, "length prefix over 9 bytes");
            length |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) break;
        }
        if (length > MAX_MESSAGE_BYTES) throw new HolePunchException(Error.TOO_LARGE, length + " bytes > " + MAX_MESSAGE_BYTES);
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) throw new HolePunchException(Error.TRUNCATED, "stream ended inside a message");
        return decode(body);
    }
}
