package net.sovereignbridge.p2p.content;

import java.io.IOException;
import java.io.InputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import net.sovereignbridge.p2p.storage.SqlStore;

/**
 * Content blocks in the node's SQLite database (component "content"; docs/content.md, "Block store").
 *
 * <p>Every block is checked against its CID when it is put and again when it is read: a block that was
 * damaged on disk is refused ({@link CorruptBlockException}), never handed out. The links of each dag-pb
 * block are kept in their own table, so that a recursive pin and the garbage collector walk the DAG in
 * SQL without reading block data. A pin is recursive: it keeps its root and everything below it.
 *
 * <p>Limits: a block is at most {@link #MAX_BLOCK} bytes, and all blocks together at most the quota;
 * a put beyond it is refused ({@link QuotaExceededException}) and stores nothing. An import and its pin
 * run under the shared side of a lock whose exclusive side the garbage collector takes, so a GC never
 * removes the blocks of an import that has not been pinned yet.
 */
public final class BlockStore implements BlockSink {
    public static final String COMPONENT = "content";
    /** The largest block accepted (libp2p's bitswap limit; our largest is a 1 MiB chunk). */
    public static final int MAX_BLOCK = 2 * 1024 * 1024;
    /** dag-pb links kept per block: a 2 MiB node has fewer than 50 000 links of 42 bytes. */
    static final int MAX_LINKS = 65_536;

    static final List<SqlStore.SchemaStep> MIGRATIONS = List.of(SqlStore.SchemaStep.sql(1, "content blocks, links, pins",
            "CREATE TABLE content_blocks (cid BLOB PRIMARY KEY, data BLOB NOT NULL, size INTEGER NOT NULL,"
                    + " stored_ms INTEGER NOT NULL)",
            "CREATE TABLE content_links (parent BLOB NOT NULL, child BLOB NOT NULL, PRIMARY KEY (parent, child))"
                    + " WITHOUT ROWID",
            "CREATE TABLE content_pins (root BLOB PRIMARY KEY, pinned_ms INTEGER NOT NULL)"));

    private final SqlStore db;
    private final long quotaBytes;
    private final ReadWriteLock gcLock = new ReentrantReadWriteLock();
    /** The bytes of all stored blocks, kept in memory (the sum is read once at open). */
    private long storedBytes;
    private long storedBlocks;

    public BlockStore(SqlStore db, long quotaBytes) throws SQLException {
        if (quotaBytes < 0) throw new IllegalArgumentException("content quota " + quotaBytes + " is negative");
        this.db = db;
        this.quotaBytes = quotaBytes;
        db.migrate(COMPONENT, MIGRATIONS);
        db.withConnection(c -> {
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(size), 0), COUNT(*) FROM content_blocks")) {
                rs.next();
                storedBytes = rs.getLong(1);
                storedBlocks = rs.getLong(2);
            }
            return null;
        });
    }

    /** A block that is on disk but no longer hashes to its CID. */
    public static final class CorruptBlockException extends IOException {
        CorruptBlockException(Cid cid, int size) {
            super("block " + cid + " in the store (" + size + " bytes) does not match its hash: damaged on disk, refused");
        }
    }

    /** A put that would take the store over its quota. */
    public static final class QuotaExceededException extends IOException {
        QuotaExceededException(String message) {
            super(message);
        }
    }

    /** What the store holds. */
    public record Usage(long blocks, long bytes, long quotaBytes, long pins) {}

    /** A pin and whether all its blocks are here. */
    public record Pin(Cid root, long pinnedMs) {}

    /** What a garbage collection removed. */
    public record GcResult(long blocks, long bytes) {}

    /** Runs {@code work} (an import and its pin) so that no garbage collection runs at the same time. */
    public <T> T withoutGc(IoWork<T> work) throws IOException {
        gcLock.readLock().lock();
        try {
            return work.run();
        } finally {
            gcLock.readLock().unlock();
        }
    }

    @FunctionalInterface
    public interface IoWork<T> {
        T run() throws IOException;
    }

    /** Imports a file and pins its root, as one step that a GC cannot split. */
    public Cid addFile(InputStream in, UnixFsImporter.Options options) throws IOException {
        return withoutGc(() -> {
            Cid root = new UnixFsImporter(options, this).importFile(in);
            pin(root);
            return root;
        });
    }

    /** Stores a block after checking it against its CID; storing a block that is there already is a no-op. */
    @Override
    public synchronized void put(Cid cid, byte[] block) throws IOException { // this, then the database lock

        if (block.length > MAX_BLOCK) {
            throw new IOException("block " + cid + " is " + block.length + " bytes, over the limit of " + MAX_BLOCK);
        }
        if (!cid.matches(block)) throw new IOException("block does not hash to " + cid + ": refused");
        List<Cid> links = cid.codec() == Cid.DAG_PB ? DagPb.decode(block).links().stream().map(DagPb.Link::cid).toList() : List.of();
        if (links.size() > MAX_LINKS) throw new IOException("block " + cid + " has " + links.size() + " links, over " + MAX_LINKS);
        byte[] key = cid.toBytes();
        boolean inserted = tx(c -> {
            {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM content_blocks WHERE cid = ?")) {
                    ps.setBytes(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) return false;
                    }
                }
                if (storedBytes + block.length > quotaBytes) {
                    throw new SQLException(new QuotaExceededException("content store is full: " + storedBytes + " of "
                            + quotaBytes + " bytes used, block " + cid + " of " + block.length + " bytes refused"
                            + " (unpin and run gc, or raise content.quota-bytes)"));
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO content_blocks(cid, data, size, stored_ms) VALUES(?,?,?,?)")) {
                        ps.setBytes(1, key);
                    ps.setBytes(2, block);
                    ps.setInt(3, block.length);
                    ps.setLong(4, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                if (!links.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO content_links(parent, child) VALUES(?,?)")) {
                        for (Cid l : links) {
                            ps.setBytes(1, key);
                            ps.setBytes(2, l.toBytes());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                return true;
            }
        });
        if (inserted) { // counted once committed
            storedBytes += block.length;
            storedBlocks++;
        }
    }

    /** The block under {@code cid}, checked against it; null when it is not here. */
    public byte[] get(Cid cid) throws IOException {
        byte[] data = run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT data FROM content_blocks WHERE cid = ?")) {
                ps.setBytes(1, cid.toBytes());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getBytes(1) : null;
                }
            }
        });
        if (data != null && !cid.matches(data)) throw new CorruptBlockException(cid, data.length);
        return data;
    }

    public boolean has(Cid cid) throws IOException {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM content_blocks WHERE cid = ?")) {
                ps.setBytes(1, cid.toBytes());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The size of the block under {@code cid}, or -1 when it is not here (bitswap's HAVE answers). */
    public int size(Cid cid) throws IOException {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT size FROM content_blocks WHERE cid = ?")) {
                ps.setBytes(1, cid.toBytes());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : -1;
                }
            }
        });
    }

    /**
     * Pins {@code root} recursively. Refused when a block below it is missing (a pin promises the whole
     * file is here): the message says how many are missing.
     */
    public void pin(Cid root) throws IOException {
        List<Cid> missing = missing(root, 1);
        if (!missing.isEmpty()) {
            throw new IOException("cannot pin " + root + ": block " + missing.get(0) + " of its DAG is not in the store");
        }
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO content_pins(root, pinned_ms) VALUES(?,?)")) {
                ps.setBytes(1, root.toBytes());
                ps.setLong(2, System.currentTimeMillis());
                return ps.executeUpdate();
            }
        });
    }

    /** @return whether {@code root} was pinned */
    public boolean unpin(Cid root) throws IOException {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM content_pins WHERE root = ?")) {
                ps.setBytes(1, root.toBytes());
                return ps.executeUpdate() > 0;
            }
        });
    }

    public List<Pin> pins() throws IOException {
        return run(c -> {
            List<Pin> out = new ArrayList<>();
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT root, pinned_ms FROM content_pins ORDER BY pinned_ms, root")) {
                while (rs.next()) out.add(new Pin(Cid.fromBytes(rs.getBytes(1)), rs.getLong(2)));
            }
            return out;
        });
    }

    /** Up to {@code max} CIDs of the DAG under {@code root} whose blocks are not here (root included). */
    public List<Cid> missing(Cid root, int max) throws IOException {
        return run(c -> {
            List<Cid> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE dag(cid) AS (SELECT ? UNION"
                    + " SELECT l.child FROM content_links l JOIN dag ON l.parent = dag.cid)"
                    + " SELECT dag.cid FROM dag WHERE NOT EXISTS (SELECT 1 FROM content_blocks b WHERE b.cid = dag.cid) LIMIT ?")) {
                ps.setBytes(1, root.toBytes());
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(Cid.fromBytes(rs.getBytes(1)));
                }
            }
            return out;
        });
    }

    /** Removes every block that no pin reaches. */
    public GcResult gc() throws IOException {
        gcLock.writeLock().lock();
        try {
            GcResult r = tx(c -> {
                    try (var st = c.createStatement()) {
                        st.execute("CREATE TEMP TABLE IF NOT EXISTS content_live (cid BLOB PRIMARY KEY) WITHOUT ROWID");
                        st.execute("DELETE FROM content_live");
                        st.execute("INSERT INTO content_live WITH RECURSIVE live(cid) AS (SELECT root FROM content_pins UNION"
                                + " SELECT l.child FROM content_links l JOIN live ON l.parent = live.cid) SELECT cid FROM live");
                        long blocks;
                        long bytes;
                        String dead = " FROM content_blocks WHERE cid NOT IN (SELECT cid FROM content_live)";
                        try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COALESCE(SUM(size), 0)" + dead)) {
                            rs.next();
                            blocks = rs.getLong(1);
                            bytes = rs.getLong(2);
                        }
                        st.executeUpdate("DELETE" + dead);
                        st.executeUpdate("DELETE FROM content_links WHERE parent NOT IN (SELECT cid FROM content_blocks)");
                        st.execute("DELETE FROM content_live");
                        return new GcResult(blocks, bytes);
                    }
            });
            synchronized (this) {
                storedBytes -= r.bytes();
                storedBlocks -= r.blocks();
            }
            return r;
        } finally {
            gcLock.writeLock().unlock();
        }
    }

    public Usage usage() throws IOException {
        long pins = run(c -> {
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM content_pins")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        synchronized (this) { // after the query: the database lock is taken before this one, never inside it
            return new Usage(storedBlocks, storedBytes, quotaBytes, pins);
        }
    }

    private <T> T tx(SqlStore.Work<T> work) throws IOException {
        try {
            return db.inTransaction(work);
        } catch (SQLException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("content store: " + e.getMessage(), e);
        }
    }

    private <T> T run(SqlStore.Work<T> work) throws IOException {
        try {
            return db.withConnection(work);
        } catch (SQLException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("content store: " + e.getMessage(), e);
        }
    }
}
