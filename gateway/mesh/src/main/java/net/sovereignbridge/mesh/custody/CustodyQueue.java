package net.sovereignbridge.mesh.custody;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Migration;

/**
 * Store-and-forward custody: sealed frames this node accepted and has not yet seen delivered, in SQLite.
 * A frame is committed here before {@code send} returns, so a crash or {@code kill -9} after acceptance
 * loses nothing: the next start finds it and carries on. Only sealed frames are stored: plaintext never
 * reaches the disk.
 *
 * <p>Quotas: at most {@code perDestination} pending frames for one destination and {@code total}
 * altogether; past them new frames are refused with a reason the sender sees.
 */
public final class CustodyQueue {
    public static final String COMPONENT = "custody";
    private static final List<Migration> MIGRATIONS = List.of(Migration.sql(1, "custody queue",
            "CREATE TABLE custody (id INTEGER PRIMARY KEY AUTOINCREMENT, destination BLOB NOT NULL, "
                    + "source BLOB NOT NULL, message_id INTEGER NOT NULL, type INTEGER NOT NULL, frame BLOB NOT NULL, "
                    + "own INTEGER NOT NULL, priority INTEGER NOT NULL, created_at INTEGER NOT NULL, "
                    + "expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, "
                    + "state TEXT NOT NULL, updated_at INTEGER NOT NULL, UNIQUE(source, message_id, type))",
            "CREATE INDEX custody_due ON custody(state, next_attempt_at)",
            "CREATE INDEX custody_destination ON custody(destination, state)"));

    public record Entry(long id, MeshAddress destination, MeshAddress source, int messageId, int type, byte[] frame,
            boolean own, int priority, long createdAt, long expiresAt, int attempts, long nextAttemptAt,
            MessageState state, long updatedAt) {}

    /** Why a frame was not taken into custody. */
    public static final class RefusedException extends Exception {
        public RefusedException(String message) {
            super(message);
        }
    }

    private final Database db;
    private final int perDestination;
    private final int total;
    /** Pending entries (QUEUED or SENT), kept in memory so accepting does not count the table each time. */
    private final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();

    public CustodyQueue(Database db, int perDestination, int total) throws SQLException {
        this.db = db;
        this.perDestination = perDestination;
        this.total = total;
        db.migrate(COMPONENT, MIGRATIONS);
        pending.set(db.withConnection(c -> count(c, "SELECT count(*) FROM custody WHERE state IN ('QUEUED','SENT')", null)));
    }

    /**
     * Takes a sealed frame into custody (committed when this returns).
     *
     * @return the entry, or empty when the same (source, message id, type) is already held
     * @throws RefusedException when a quota is full
     */
    public Optional<Entry> accept(MeshAddress destination, MeshAddress source, int messageId, int type, byte[] frame,
            boolean own, int priority, long nowMillis, long ttlMillis, MessageState state) throws SQLException,
            RefusedException {
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT 1 FROM custody WHERE source = ? AND message_id = ? AND type = ?")) {
                    ps.setBytes(1, source.toBytes());
                    ps.setInt(2, messageId);
                    ps.setInt(3, type);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) return Optional.<Entry>empty(); // already held: a copy, not a new message
                    }
                }
                long pendingTotal = pending.get();
                if (pendingTotal >= total) {
                    throw new QuotaFull("custody queue full: " + pendingTotal + " messages held (limit " + total + ")");
                }
                long pendingHere = count(c, "SELECT count(*) FROM custody WHERE destination = ? AND state IN ('QUEUED','SENT')",
                        destination.toBytes());
                if (pendingHere >= perDestination) {
                    throw new QuotaFull("custody queue for " + destination + " full: " + pendingHere
                            + " messages held (limit " + perDestination + ")");
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO custody(destination, source, "
                        + "message_id, type, frame, own, priority, created_at, expires_at, next_attempt_at, state, "
                        + "updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
                    ps.setBytes(1, destination.toBytes());
                    ps.setBytes(2, source.toBytes());
                    ps.setInt(3, messageId);
                    ps.setInt(4, type);
                    ps.setBytes(5, frame);
                    ps.setInt(6, own ? 1 : 0);
                    ps.setInt(7, priority);
                    ps.setLong(8, nowMillis);
                    ps.setLong(9, nowMillis + ttlMillis);
                    ps.setLong(10, nowMillis);
                    ps.setString(11, state.name());
                    ps.setLong(12, nowMillis);
                    if (ps.executeUpdate() == 0) return Optional.<Entry>empty();
                    pending.incrementAndGet();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        return Optional.of(new Entry(keys.getLong(1), destination, source, messageId, type, frame, own,
                                priority, nowMillis, nowMillis + ttlMillis, 0, nowMillis, state, nowMillis));
                    }
                }
            });
        } catch (QuotaFull e) {
            throw new RefusedException(e.getMessage());
        }
    }

    /** Pending entries whose next attempt is due, highest priority and oldest first. */
    public List<Entry> due(long nowMillis, int limit) throws SQLException {
        return select("WHERE state IN ('QUEUED','SENT') AND next_attempt_at <= ? AND expires_at > ? "
                + "ORDER BY priority DESC, id LIMIT ?", nowMillis, nowMillis, limit);
    }

    /** Every pending entry, oldest first (for bundle export). */
    public List<Entry> pending(long nowMillis, int limit) throws SQLException {
        return select("WHERE state IN ('QUEUED','SENT') AND expires_at > ? ORDER BY id LIMIT ?", nowMillis, limit);
    }

    /** Pending entries for one destination (a route to it just appeared). */
    public List<Entry> pendingFor(MeshAddress destination, long nowMillis) throws SQLException {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE destination = ? AND state IN ('QUEUED','SENT') "
                    + "AND expires_at > ? ORDER BY priority DESC, id")) {
                ps.setBytes(1, destination.toBytes());
                ps.setLong(2, nowMillis);
                return read(ps);
            }
        });
    }

    /**
     * Records a delivery attempt. Only while still pending: an ACK handled between the hand-over and this
     * update has already made the message DELIVERED, and overwriting that with SENT would retransmit it.
     *
     * @return false when the entry was no longer pending (nothing changed)
     */
    public boolean recordAttempt(long id, MessageState state, long nextAttemptAt, long nowMillis) throws SQLException {
        return update("UPDATE custody SET attempts = attempts + 1, state = ?, next_attempt_at = ?, updated_at = ? "
                + "WHERE id = ? AND state IN ('QUEUED','SENT')", state.name(), nextAttemptAt, nowMillis, id) > 0;
    }

    public void reschedule(long id, long nextAttemptAt) throws SQLException {
        update("UPDATE custody SET next_attempt_at = ? WHERE id = ?", nextAttemptAt, id);
    }

    /** A frame held for someone else was handed on: our custody of it ends. */
    public void release(long id) throws SQLException {
        pending.addAndGet(-update("DELETE FROM custody WHERE id = ? AND own = 0 AND state IN ('QUEUED','SENT')", id));
    }

    /** The destination acknowledged our message. Returns true when this changed its state. */
    public boolean markDelivered(MeshAddress self, int messageId, long nowMillis) throws SQLException {
        int n = update("UPDATE custody SET state = 'DELIVERED', updated_at = ? WHERE source = ? AND message_id = ? "
                + "AND own = 1 AND state IN ('QUEUED','SENT')", nowMillis, self.toBytes(), messageId);
        pending.addAndGet(-n);
        return n > 0;
    }

    public void markFailed(long id, long nowMillis) throws SQLException {
        pending.addAndGet(-update("UPDATE custody SET state = 'FAILED', updated_at = ? WHERE id = ? "
                + "AND state IN ('QUEUED','SENT')", nowMillis, id));
    }

    /** Ends custody of everything past its time to live: own messages become EXPIRED, others are dropped. */
    public int expire(long nowMillis) throws SQLException {
        return db.inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE custody SET state = 'EXPIRED', updated_at = ? "
                    + "WHERE own = 1 AND state IN ('QUEUED','SENT') AND expires_at <= ?")) {
                ps.setLong(1, nowMillis);
                ps.setLong(2, nowMillis);
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM custody WHERE own = 0 AND expires_at <= ? "
                    + "AND state IN ('QUEUED','SENT')")) {
                ps.setLong(1, nowMillis);
                n += ps.executeUpdate();
            }
            pending.addAndGet(-n);
            return n;
        });
    }

    public Optional<Entry> ownMessage(MeshAddress self, int messageId) throws SQLException {
        List<Entry> l = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE source = ? AND message_id = ? AND own = 1")) {
                ps.setBytes(1, self.toBytes());
                ps.setInt(2, messageId);
                return read(ps);
            }
        });
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** This node's own messages, newest first. */
    public List<Entry> ownMessages(int limit) throws SQLException {
        return select("WHERE own = 1 ORDER BY id DESC LIMIT ?", limit);
    }

    public long pendingCount() {
        return pending.get();
    }

    private static final String SELECT = "SELECT id, destination, source, message_id, type, frame, own, priority, "
            + "created_at, expires_at, attempts, next_attempt_at, state, updated_at FROM custody ";

    private List<Entry> select(String where, Object... args) throws SQLException {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + where)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                return read(ps);
            }
        });
    }

    private static List<Entry> read(PreparedStatement ps) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Entry(rs.getLong(1), MeshAddress.of(rs.getBytes(2)), MeshAddress.of(rs.getBytes(3)),
                        rs.getInt(4), rs.getInt(5), rs.getBytes(6), rs.getInt(7) == 1, rs.getInt(8), rs.getLong(9),
                        rs.getLong(10), rs.getInt(11), rs.getLong(12), MessageState.valueOf(rs.getString(13)),
                        rs.getLong(14)));
            }
        }
        return out;
    }

    private int update(String sql, Object... args) throws SQLException {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                return ps.executeUpdate();
            }
        });
    }

    private static long count(Connection c, String sql, byte[] arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) ps.setBytes(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Carries a quota refusal out of the transaction lambda (which may only throw SQLException). */
    private static final class QuotaFull extends RuntimeException {
        QuotaFull(String message) {
            super(message, null, false, false);
        }
    }
}
