package net.sovereignbridge.p2p.bitswap;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoReader;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;

/**
 * One bitswap 1.2.0 message (docs/content.md, "Bitswap"): a wantlist, blocks with their CID prefix, and
 * HAVE / DONT_HAVE presences, framed on the stream by an unsigned-varint length. CIDs stay binary here;
 * the service decides which it understands. Decoding enforces {@link Limits}: an oversized frame, too
 * many entries or an oversized block is a {@link ProtoException} naming what and how much.
 */
public record BitswapMessage(List<Entry> wantlist, boolean full, List<Block> blocks, List<Presence> presences) {
    public enum WantType { BLOCK, HAVE }

    /** A want: the CID (binary), want-block or want-have, or a cancel; sendDontHave asks for DONT_HAVE answers. */
    public record Entry(byte[] cid, int priority, boolean cancel, WantType type, boolean sendDontHave) {}

    /** A block as bitswap 1.1+ sends it: the CID prefix (version, codec, hash, length) and the data. */
    public record Block(byte[] prefix, byte[] data) {}

    public record Presence(byte[] cid, boolean have) {}

    /**
     * @param maxMessageBytes one framed message
     * @param maxEntries wantlist entries in one message
     * @param maxBlockBytes one block's data
     */
    public record Limits(int maxMessageBytes, int maxEntries, int maxBlockBytes) {}

    public BitswapMessage {
        wantlist = List.copyOf(wantlist);
        blocks = List.copyOf(blocks);
        presences = List.copyOf(presences);
    }

    public static BitswapMessage wants(List<Entry> entries) {
        return new BitswapMessage(entries, false, List.of(), List.of());
    }

    public byte[] encode() {
        ProtoWriter m = new ProtoWriter();
        if (!wantlist.isEmpty() || full) {
            ProtoWriter wl = new ProtoWriter();
            for (Entry e : wantlist) {
                ProtoWriter w = new ProtoWriter().bytes(1, e.cid()).varint(2, e.priority());
                if (e.cancel()) w.varint(3, 1);
                if (e.type() == WantType.HAVE) w.varint(4, 1);
                if (e.sendDontHave()) w.varint(5, 1);
                wl.bytes(1, w.toByteArray());
            }
            if (full) wl.varint(2, 1);
            m.bytes(1, wl.toByteArray());
        }
        for (Block b : blocks) m.bytes(3, new ProtoWriter().bytes(1, b.prefix()).bytes(2, b.data()).toByteArray());
        for (Presence p : presences) m.bytes(4, new ProtoWriter().bytes(1, p.cid()).varint(2, p.have() ? 0 : 1).toByteArray());
        return m.toByteArray();
    }

    public static BitswapMessage decode(byte[] data, Limits limits) throws ProtoException {
        ProtoReader r = new ProtoReader("bitswap message", data);
        List<Entry> entries = new ArrayList<>();
        boolean full = false;
        List<Block> blocks = new ArrayList<>();
        List<Presence> presences = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    ProtoReader wl = new ProtoReader("bitswap wantlist", r.bytes(data.length));
                    while (wl.next()) {
                        if (wl.field() == 1) {
                            if (entries.size() == limits.maxEntries()) {
                                throw new ProtoException("bitswap wantlist: more than " + limits.maxEntries() + " entries in one message");
                            }
                            entries.add(entry(wl.bytes(data.length)));
                        } else if (wl.field() == 2) {
                            full = wl.varint() != 0;
                        } else {
                            wl.skip();
                        }
                    }
                }
                case 2 -> throw new ProtoException("bitswap message: field 2 (1.0.0 blocks without a prefix) is not bitswap 1.2.0");
                case 3 -> {
                    ProtoReader b = new ProtoReader("bitswap block", r.bytes(data.length));
                    byte[] prefix = null;
                    byte[] block = null;
                    while (b.next()) {
                        if (b.field() == 1) prefix = b.bytes(16);
                        else if (b.field() == 2) block = b.bytes(limits.maxBlockBytes());
                        else b.skip();
                    }
                    if (prefix == null || block == null) throw new ProtoException("bitswap block without a prefix or data");
                    blocks.add(new Block(prefix, block));
                }
                case 4 -> {
                    ProtoReader p = new ProtoReader("bitswap block presence", r.bytes(data.length));
                    byte[] cid = null;
                    long type = 0;
                    while (p.next()) {
                        if (p.field() == 1) cid = p.bytes(128);
                        else if (p.field() == 2) type = p.varint();
                        else p.skip();
                    }
                    if (cid == null) throw new ProtoException("bitswap block presence without a CID");
                    if (presences.size() == limits.maxEntries()) {
                        throw new ProtoException("bitswap message: more than " + limits.maxEntries() + " block presences");
                    }
                    presences.add(new Presence(cid, type == 0));
                }
                default -> r.skip(); // pendingBytes (5) and anything newer
            }
        }
        return new BitswapMessage(entries, full, blocks, presences);
    }

    private static Entry entry(byte[] bytes) throws ProtoException {
        ProtoReader r = new ProtoReader("bitswap wantlist entry", bytes);
        byte[] cid = null;
        int priority = 0;
        boolean cancel = false;
        WantType type = WantType.BLOCK;
        boolean dontHave = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> cid = r.bytes(128);
                case 2 -> priority = (int) r.varint();
                case 3 -> cancel = r.varint() != 0;
                case 4 -> type = r.varint() == 1 ? WantType.HAVE : WantType.BLOCK;
                case 5 -> dontHave = r.varint() != 0;
                default -> r.skip();
            }
        }
        if (cid == null) throw new ProtoException("bitswap wantlist entry without a CID");
        return new Entry(cid, priority, cancel, type, dontHave);
    }

    /** Writes one length-prefixed message. */
    public static void write(OutputStream out, byte[] encoded) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(encoded.length + UnsignedVarint.MAX_BYTES);
        UnsignedVarint.write(encoded.length, frame);
        frame.writeBytes(encoded);
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Reads one length-prefixed message; null at a clean end of stream. */
    public static byte[] read(InputStream in, int maxBytes) throws IOException {
        long length = 0;
        for (int i = 0; ; i++) {
            int b = in.read();
            if (b < 0) {
                if (i == 0) return null;
                throw new EOFException("bitswap stream ended inside a length prefix");
            }
            if (i == 8 && (b & 0x80) != 0) throw new ProtoException("bitswap length prefix over 9 bytes");
            length |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) break;
        }
        if (length > maxBytes) throw new ProtoException("bitswap message of " + length + " bytes is over the limit of " + maxBytes);
        byte[] m = in.readNBytes((int) length);
        if (m.length != length) throw new EOFException("bitswap stream ended after " + m.length + " of " + length + " message bytes");
        return m;
    }
}
