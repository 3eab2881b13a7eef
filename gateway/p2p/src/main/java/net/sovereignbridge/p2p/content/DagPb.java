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
                case 3 -> tsize = r.varint();
                default -> r.skip();
            }
        }
        if (cid == null) throw new ProtoException("dag-pb link without a Hash");
        return new Link(cid, name, tsize);
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
                case 1 -> type = (int) r.varint();
                case 2 -> inline = r.bytes(data.length);
                case 3 -> fileSize = r.varint();
                case 4 -> {
                    if (r.wireType() == 0) {
                        sizes.add(r.varint());
                    } else { // packed, as some encoders write repeated varints
                        byte[] packed = r.bytes(data.length);
                        for (int at = 0; at < packed.length; ) {
                            var v = net.sovereignbridge.mesh.encoding.UnsignedVarint.decode(packed, at);
                            if (v == null) throw new ProtoException("UnixFS data: bad packed blocksizes at " + at);
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
