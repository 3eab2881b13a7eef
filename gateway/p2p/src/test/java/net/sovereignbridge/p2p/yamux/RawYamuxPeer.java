package net.sovereignbridge.p2p.yamux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.p2p.connection.InMemoryDuplex;

/** A hand-driven peer for hostile-input tests: writes raw frames and reads what the session answers. */
final class RawYamuxPeer {
    final InMemoryDuplex io;
    private final YamuxFrameReader reader;

    RawYamuxPeer(InMemoryDuplex io) {
        this.io = io;
        this.reader = new YamuxFrameReader(io::read, Integer.MAX_VALUE);
    }

    void send(int type, int flags, long stream, long length) throws IOException {
        io.write(new YamuxHeader(type, flags, stream, length).encode(), 0, YamuxHeader.SIZE);
    }

    void sendData(long stream, int flags, byte[] body) throws IOException {
        byte[] f = new byte[YamuxHeader.SIZE + body.length];
        new YamuxHeader(YamuxHeader.TYPE_DATA, flags, stream, body.length).encode(f, 0);
        System.arraycopy(body, 0, f, YamuxHeader.SIZE, body.length);
        io.write(f, 0, f.length);
    }

    void sendRaw(String hex) throws IOException {
        byte[] b = java.util.HexFormat.of().parseHex(hex);
        io.write(b, 0, b.length);
    }

    /** The next frame header from the session (Data bodies skipped), or null at end of stream. */
    YamuxHeader next() throws IOException {
        YamuxHeader h = reader.readHeader();
        if (h != null && h.type() == YamuxHeader.TYPE_DATA) reader.skipBody(h.length());
        return h;
    }

    /** Every frame until the session closes the channel. */
    List<YamuxHeader> untilEnd() throws IOException {
        List<YamuxHeader> all = new ArrayList<>();
        YamuxHeader h;
        while ((h = next()) != null) all.add(h);
        return all;
    }
}
