package net.sovereignbridge.p2p.content;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Reads a UnixFS file back from its DAG: a raw leaf is its bytes; a dag-pb file node is its inline data
 * followed by its children in link order, child {@code i} holding {@code blocksizes[i]} file bytes. A
 * range is read by skipping whole subtrees by their block sizes, so reading the end of a large file
 * fetches only the blocks on the way there. Directories, symlinks and HAMT shards are refused by name.
 */
public final class UnixFsExporter {
    /** Deeper than any balanced tree of a file that fits in 2^64 bytes with 2 links per node. */
    static final int MAX_DEPTH = 64;

    /** Where the blocks come from: the store, or a fetch from peers. */
    @FunctionalInterface
    public interface BlockSource {
        /** The block, verified against the CID; null when it cannot be had. */
        byte[] block(Cid cid) throws IOException;
    }

    public static final class MissingBlockException extends IOException {
        MissingBlockException(Cid cid) {
            super("block " + cid + " is not in the store");
        }
    }

    private final BlockSource source;

    public UnixFsExporter(BlockSource source) {
        this.source = source;
    }

    /** The file's size in bytes (from its root block alone). */
    public long size(Cid root) throws IOException {
        byte[] block = load(root);
        if (root.codec() == Cid.RAW) return block.length;
        return fileNode(root, block).fileSize();
    }

    /** Writes the file's bytes from {@code offset}, at most {@code length} of them; returns how many. */
    public long read(Cid root, long offset, long length, OutputStream out) throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("offset and length must not be negative");
        return read(root, offset, length, out, 0);
    }

    private long read(Cid cid, long offset, long length, OutputStream out, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new IOException("UnixFS DAG under " + cid + " is deeper than " + MAX_DEPTH + " levels");
        byte[] block = load(cid);
        if (cid.codec() == Cid.RAW) return copy(block, offset, length, out);
        DagPb.Node node = DagPb.decode(block);
        DagPb.UnixFs fs = fileNode(cid, block);
        long written = copy(fs.data(), offset, length, out);
        offset = Math.max(0, offset - fs.data().length);
        List<DagPb.Link> links = node.links();
        if (links.size() != fs.blockSizes().size()) {
            throw new IOException("UnixFS node " + cid + " has " + links.size() + " links but " + fs.blockSizes().size() + " block sizes");
        }
        for (int i = 0; i < links.size() && written < length; i++) {
            long size = fs.blockSizes().get(i);
            if (offset >= size) {
                offset -= size;
                continue;
            }
            long n = read(links.get(i).cid(), offset, Math.min(length - written, size - offset), out, depth + 1);
            if (n != Math.min(length - written, size - offset)) {
                throw new IOException("UnixFS node " + cid + ": child " + links.get(i).cid() + " holds fewer bytes than its block size " + size);
            }
            written += n;
            offset = 0;
        }
        return written;
    }

    private byte[] load(Cid cid) throws IOException {
        byte[] block = source.block(cid);
        if (block == null) throw new MissingBlockException(cid);
        return block;
    }

    private static DagPb.UnixFs fileNode(Cid cid, byte[] block) throws IOException {
        DagPb.UnixFs fs = DagPb.unixFs(DagPb.decode(block).data());
        if (fs.type() != DagPb.UnixFs.FILE && fs.type() != DagPb.UnixFs.RAW) {
            String kind = switch (fs.type()) {
                case 1 -> "a directory";
                case 3 -> "metadata";
                case 4 -> "a symlink";
                case 5 -> "a HAMT-sharded directory";
                default -> "UnixFS type " + fs.type();
            };
            throw new IOException(cid + " is " + kind + ", not a file");
        }
        return fs;
    }

    private static long copy(byte[] data, long offset, long length, OutputStream out) throws IOException {
        if (offset >= data.length) return 0;
        int n = (int) Math.min(length, data.length - offset);
        out.write(data, (int) offset, n);
        return n;
    }
}
