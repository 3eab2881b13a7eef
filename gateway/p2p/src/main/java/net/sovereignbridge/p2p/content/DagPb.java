package net.sovereignbridge.p2p.content;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoReader;

/**
 * Reads a dag-pb block (PBNode: Links in field 2, Data in field 1) and the UnixFS message in its Data
 * (docs/content.md, "Layout"). Only what the exporter and the store need: link CIDs and sizes, the UnixFS
 * type, inline data, file size and block sizes. Blocks from other tools may carry fields we do not use
 * (names, mode, mtime): they are skipped.
 */
public final class DagPb {
    private DagPb() {}

    public record Link(Cid cid, String name, long treeSize) {}

    public record Node(List<Link> links, byte[] data) {}

    /** UnixFS Data. Types: 0 raw, 1 directory, 2 file, 3 metadata, 4 symlink, 5 HAMT shard. */
    public record UnixFs(int type, byte[] data, long fileSize, List<Long> blockSizes) {
        public static final int RAW = 0;
        public static final int FILE = 2;
    }

    public static Node decode(byte[] block) throws IOException {
        ProtoReader r = new ProtoReader("dag-pb node", block);
        List<Link> links = new ArrayList<>();
        byte[] data = null;
        while (r.next()) {
            switch (r.field()) {
                case 2 -> links.add(link(r.bytes(block.length)));
                case 1 -> data = r.bytes(block.length);
                default -> throw new ProtoException("dag-pb node: unknown field " + r.field() + " (dag-pb allows only 1 and 2)");
            }
        }
        return new Node(links, data);
    }

    private static Link link(byte[] bytes) throws IOException {
        ProtoReader r = new ProtoReader("dag-pb link", bytes);
        Cid cid = null;
        String name = "";
        long tsize = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    try {
                        cid = Cid.fromBytes(r.bytes(64));
                    } catch (IllegalArgumentException e) {
                        throw new ProtoException("dag-pb link: " + e.getMessage());
                    }
                }
                case 2 -> name = r.string(1024);
                case 3 -> tsize = size(r, "dag-pb link Tsize");
                default -> r.skip();
            }
        }
        if (cid == null) throw new ProtoException("dag-pb link without a Hash");
        return new Link(cid, name, tsize);
    }

    /**
     * A size field: a varint of 2^63 or more reads as a negative long, and a negative size would make the exporter
     * count backwards (its copies then fail with an unchecked exception), so it is refused here.
     */
    private static long size(ProtoReader r, String what) throws ProtoException {
        long v = r.varint();
        if (v < 0) throw new ProtoException(what + " " + Long.toUnsignedString(v) + " is over 2^63");
        return v;
    }

    public static UnixFs unixFs(byte[] data) throws IOException {
        if (data == null) throw new ProtoException("dag-pb node has no Data: not a UnixFS node");
        ProtoReader r = new ProtoReader("UnixFS data", data);
        int type = -1;
        byte[] inline = new byte[0];
        long fileSize = -1;
        List<Long> sizes = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    long t = r.varint();
                    if (t < 0 || t > Integer.MAX_VALUE) throw new ProtoException("UnixFS data: Type " + Long.toUnsignedString(t) + " is out of range");
                    type = (int) t;
                }
                case 2 -> inline = r.bytes(data.length);
                case 3 -> fileSize = size(r, "UnixFS filesize");
                case 4 -> {
                    if (r.wireType() == 0) {
                        sizes.add(size(r, "UnixFS blocksize"));
                    } else { // packed, as some encoders write repeated varints
                        byte[] packed = r.bytes(data.length);
                        for (int at = 0; at < packed.length; ) {
                            var v = net.sovereignbridge.mesh.encoding.UnsignedVarint.decode(packed, at);
                            if (v == null) throw new ProtoException("UnixFS data: bad packed blocksizes at " + at);
                            if (v.value() < 0) throw new ProtoException("UnixFS blocksize at " + at + " is over 2^63");
                            sizes.add(v.value());
                            at += v.length();
                        }
                    }
                }
                default -> r.skip();
            }
        }
        if (type < 0) throw new ProtoException("UnixFS data without a Type");
        return new UnixFs(type, inline, fileSize < 0 ? inline.length : fileSize, sizes);
    }
}
