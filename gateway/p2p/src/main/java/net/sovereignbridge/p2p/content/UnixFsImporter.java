package net.sovereignbridge.p2p.content;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;

/**
 * Chunks a file into IPFS UnixFS blocks as the npm ipfs-unixfs-importer does, so that the root CID is
 * the one the IPFS tools print for the same settings (layouts in docs/content.md): fixed-size chunks
 * stored as raw leaves, a balanced tree of dag-pb nodes with at most {@code maxLinks} links each, CIDv1
 * sha2-256 everywhere, and a file of one chunk is that raw leaf itself.
 *
 * <p>The tree is built while reading: one list of pending links per level, a level is reduced into one
 * parent as soon as it holds {@code maxLinks} links, and what is left is reduced bottom-up at the end.
 * This makes the same groups as the importer's "batch the whole level, repeat until one is left", with
 * memory for one chunk plus {@code maxLinks} links per level.
 */
public final class UnixFsImporter {
    /** The settings of one import: chunk size in bytes and the most links a node may have. */
    public record Options(int chunkSize, int maxLinks) {
        public Options {
            if (chunkSize < 1 || chunkSize > 4 << 20) throw new IllegalArgumentException("chunk size " + chunkSize + " is not in 1..4194304 bytes");
            if (maxLinks < 2 || maxLinks > 8192) throw new IllegalArgumentException("max links " + maxLinks + " is not in 2..8192");
        }
    }

    /** ipfs-unixfs-importer 17.1.1 without options: 256 KiB chunks, 174 links. */
    public static final Options IMPORTER_DEFAULTS = new Options(262_144, 174);
    /** helia's addFile and the importer's unixfs-v1-2025 profile: 1 MiB chunks, 1024 links. */
    public static final Options HELIA_ADD_FILE = new Options(1_048_576, 1024);

    private static final int UNIXFS_FILE = 2;

    /** A link to a child: its CID, its encoded size plus all below it (Tsize), and its file bytes. */
    private record Link(Cid cid, long treeSize, long fileSize) {}

    private final Options options;
    private final BlockSink sink;

    public UnixFsImporter(Options options, BlockSink sink) {
        this.options = options;
        this.sink = sink;
    }

    /** Reads {@code in} to its end, puts every block into the sink and returns the root CID. */
    public Cid importFile(InputStream in) throws IOException {
        List<List<Link>> levels = new ArrayList<>();
        levels.add(new ArrayList<>());
        byte[] chunk = new byte[options.chunkSize()];
        boolean any = false;
        while (true) {
            int n = in.readNBytes(chunk, 0, chunk.length);
            if (n == 0 && any) break;
            any = true;
            byte[] leaf = n == chunk.length ? chunk.clone() : java.util.Arrays.copyOf(chunk, n);
            Cid cid = Cid.of(Cid.RAW, leaf);
            sink.put(cid, leaf);
            add(levels, 0, new Link(cid, n, n));
            if (n < chunk.length) break; // the stream ended inside this chunk
        }
        for (int level = 0; ; level++) {
            List<Link> pending = levels.get(level);
            boolean top = true;
            for (int up = level + 1; up < levels.size(); up++) top &= levels.get(up).isEmpty();
            if (top && pending.size() == 1) return pending.get(0).cid();
            if (!pending.isEmpty()) {
                Link parent = reduce(pending);
                pending.clear();
                if (levels.size() == level + 1) levels.add(new ArrayList<>());
                levels.get(level + 1).add(parent);
            }
        }
    }

    private void add(List<List<Link>> levels, int level, Link link) throws IOException {
        List<Link> pending = levels.get(level);
        pending.add(link);
        if (pending.size() == options.maxLinks()) {
            Link parent = reduce(pending);
            pending.clear();
            if (levels.size() == level + 1) levels.add(new ArrayList<>());
            add(levels, level + 1, parent);
        }
    }

    /** One dag-pb node over {@code links}: PBNode {Links (2) first, then Data (1)} as dag-pb orders them. */
    private Link reduce(List<Link> links) throws IOException {
        ProtoWriter unixfs = new ProtoWriter().varint(1, UNIXFS_FILE);
        long fileSize = 0;
        for (Link l : links) fileSize += l.fileSize();
        unixfs.varint(3, fileSize);
        for (Link l : links) unixfs.varint(4, l.fileSize());
        ProtoWriter node = new ProtoWriter();
        long treeSize = 0;
        for (Link l : links) {
            node.bytes(2, new ProtoWriter().bytes(1, l.cid().toBytes()).string(2, "").varint(3, l.treeSize()).toByteArray());
            treeSize += l.treeSize();
        }
        node.bytes(1, unixfs.toByteArray());
        byte[] block = node.toByteArray();
        Cid cid = Cid.of(Cid.DAG_PB, block);
        sink.put(cid, block);
        return new Link(cid, block.length + treeSize, fileSize);
    }
}
