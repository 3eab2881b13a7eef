package net.sovereignbridge.mesh.custody;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Migration;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * Store-and-forward custody: sealed frames this node accepted and has not yet seen delivered, in SQLite.
 * A frame is committed here before {@code send} returns, so a crash or {@code kill -9} after acceptance
 * loses nothing: the next start finds it and carries on. Only sealed frames are stored: plaintext never
 * reaches the disk.
 *
 * <p>Two budgets (docs/routing.md, "Custody budgets"), because a relay cannot authenticate what it holds for
 * others and anyone on a medium can forge such frames: our own messages ({@link Limits#ownTotal}, per
 * destination {@link Limits#ownPerDestination}) are never refused for what others made us hold. Frames held
 * for others are bounded in all, per neighbour they came from, per origin and neighbour, and for origins whose
 * key we never heard; when the budget is full, a frame of a known origin takes the place of the oldest frame
 * of an unknown one (from the neighbour that holds most of them). Every refusal and every such replacement is
 * counted by reason ({@link #counters()}).
 */
public final class CustodyQueue {
    public static final String COMPONENT = "custody";
    /** What a frame held before per-neighbour accounting (schema version 1) counts against. */
    public static final String UNRECORDED_NEIGHBOUR = "(held before version 2)";
    private static final String PENDING = "state IN ('QUEUED','SENT')";
    static final List<Migration> MIGRATIONS = List.of(
            Migration.sql(1, "custody queue",
                    "CREATE TABLE custody (id INTEGER PRIMARY KEY AUTOINCREMENT, destination BLOB NOT NULL, "
                            + "source BLOB NOT NULL, message_id INTEGER NOT NULL, type INTEGER NOT NULL, frame BLOB NOT NULL, "
                            + "own INTEGER NOT NULL, priority INTEGER NOT NULL, created_at INTEGER NOT NULL, "
                            + "expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, "
                            + "state TEXT NOT NULL, updated_at INTEGER NOT NULL, UNIQUE(source, message_id, type))",
                    "CREATE INDEX custody_due ON custody(state, next_attempt_at)",
                    "CREATE INDEX custody_destination ON custody(destination, state)"),
            // Frames held before this version came from unrecorded neighbours; their origins count as unknown
            // until the node, at its start, finds their keys among its peers (markOriginsKnown).
            Migration.sql(2, "separate budgets: neighbour, origin known, traffic origin",
                    "ALTER TABLE custody ADD COLUMN neighbour TEXT NOT NULL DEFAULT ''",
                    "ALTER TABLE custody ADD COLUMN origin_known INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE custody ADD COLUMN traffic_origin INTEGER NOT NULL DEFAULT 0",
                    "UPDATE custody SET origin_known = 1 WHERE own = 1",
                    "UPDATE custody SET neighbour = '" + UNRECORDED_NEIGHBOUR + "' WHERE own = 0",
                    "CREATE INDEX custody_relayed ON custody(own, neighbour, source)"));

    /**
     * How much custody holds. Own messages and frames held for others have separate budgets.
     *
     * @param ownTotal our own pending messages in all
     * @param ownPerDestination our own pending messages for one destination
     * @param relayedTotal frames held for others in all
     * @param relayedPerNeighbour frames held for others that came from one neighbour (an endpoint that proved
     *     itself with an authenticated frame; every other sender on a transport shares one allowance)
     * @param relayedPerOrigin frames of one origin (source address) that came from one neighbour: a neighbour
     *     that forges an honest origin's address uses up its own allowance, not the origin's
     * @param relayedUnknownOrigins frames held for others whose origin's key this node never heard (forged
     *     sources are that); the rest of the relayed budget stays for known origins
     */
    public record Limits(int ownTotal, int ownPerDestination, int relayedTotal, int relayedPerNeighbour,
            int relayedPerOrigin, int relayedUnknownOrigins) {
        public Limits {
            positive("ownTotal", ownTotal);
            positive("ownPerDestination", ownPerDestination);
            positive("relayedTotal", relayedTotal);
            positive("relayedPerNeighbour", relayedPerNeighbour);
            positive("relayedPerOrigin", relayedPerOrigin);
            positive("relayedUnknownOrigins", relayedUnknownOrigins);
            if (ownPerDestination > ownTotal) throw new IllegalArgumentException("ownPerDestination > ownTotal");
            if (relayedPerNeighbour > relayedTotal) throw new IllegalArgumentException("relayedPerNeighbour > relayedTotal");
            if (relayedPerOrigin > relayedPerNeighbour) {
                throw new IllegalArgumentException("relayedPerOrigin > relayedPerNeighbour");
            }
            if (relayedUnknownOrigins > relayedTotal) {
                throw new IllegalArgumentException("relayedUnknownOrigins > relayedTotal");
            }
        }

        public static Limits defaults() {
            return new Limits(20_000, 1_000, 10_000, 2_000, 500, 4_000);
        }

        private static void positive(String name, int value) {
            if (value < 1) throw new IllegalArgumentException(name + " must be at least 1, not " + value);
        }
    }

    public record Entry(long id, MeshAddress destination, MeshAddress source, int messageId, int type, byte[] frame,
            boolean own, int priority, long createdAt, long expiresAt, int attempts, long nextAttemptAt,
            MessageState state, long updatedAt, String neighbour, boolean originKnown, TrafficOrigin trafficOrigin) {}

    /** Why a frame was not taken into custody (a counter each, in {@link #counters()}). */
    public enum Refusal {
        /** Our own messages: {@link Limits#ownTotal}. */
        OWN_FULL,
        /** Our own messages for one destination: {@link Limits#ownPerDestination}. */
        OWN_DESTINATION_FULL,
        /** Held for others, and no frame of an unknown origin to give way: {@link Limits#relayedTotal}. */
        RELAYED_FULL,
        /** {@link Limits#relayedPerNeighbour}. */
        NEIGHBOUR_FULL,
        /** {@link Limits#relayedPerOrigin}. */
        ORIGIN_FULL,
        /** {@link Limits#relayedUnknownOrigins}. */
        UNKNOWN_ORIGINS_FULL
    }

    /** Why a frame was not taken into custody. */
    public static final class RefusedException extends Exception {
        private final Refusal reason;

        public RefusedException(Refusal reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Refusal reason() {
            return reason;
        }
    }

    /** A frame of an unknown origin dropped from custody to make room for one of a known origin. */
    public record Displaced(MeshAddress source, MeshAddress destination, String neighbour) {}

    /** A frame held for others was accepted; {@code displaced} is what gave way for it, if anything. */
    public record Held(Entry entry, Optional<Displaced> displaced) {}

    private final Database db;
    private final Limits limits;
    // Pending (QUEUED or SENT) entries by class, kept in memory so that accepting does not count the table each
    // time; recounted from the table at start and after bulk changes, so a restart keeps them right.
    private final AtomicLong ownPending = new AtomicLong();
    private final AtomicLong relayedPending = new AtomicLong();
    private final AtomicLong unknownPending = new AtomicLong();
    private final Map<Refusal, AtomicLong> refused = new EnumMap<>(Refusal.class);
    private final AtomicLong displacedCount = new AtomicLong();

    public CustodyQueue(Database db, Limits limits) throws SQLException {
        this.db = db;
        this.limits = limits;
        for (Refusal r : Refusal.values()) refused.put(r, new AtomicLong());
        db.migrate(COMPONENT, MIGRATIONS);
        recount();
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Takes one of our own sealed messages into custody (committed when this returns). Only the own budget
     * applies: frames held for others never make us refuse our own users.
     *
     * @return the entry, or empty when the same (source, message id, type) is already held
     * @throws RefusedException when an own quota is full
     */
    public Optional<Entry> acceptOwn(MeshAddress destination, MeshAddress self, int messageId, int type, byte[] frame,
            int priority, long nowMillis, long ttlMillis, MessageState state, TrafficOrigin trafficOrigin)
            throws SQLException, RefusedException {
        try {
            return db.inTransaction(c -> {
                if (held(c, self, messageId, type)) return Optional.<Entry>empty();
                long own = ownPending.get();
                if (own >= limits.ownTotal()) {
                    throw refuse(Refusal.OWN_FULL, "custody queue full: " + own + " own messages held (limit "
                            + limits.ownTotal() + ")");
                }
                long here = count(c, "SELECT count(*) FROM custody WHERE destination = ? AND own = 1 AND " + PENDING,
                        destination.toBytes());
                if (here >= limits.ownPerDestination()) {
                    throw refuse(Refusal.OWN_DESTINATION_FULL, "custody queue for " + destination + " full: " + here
                            + " own messages held (limit " + limits.ownPerDestination() + ")");
                }
                return Optional.ofNullable(insert(c, destination, self, messageId, type, frame, true, priority,
                        nowMillis, ttlMillis, state, "", true, trafficOrigin));
            }).map(e -> {
                ownPending.incrementAndGet(); // committed
                return e;
            });
        } catch (QuotaFull e) {
            throw e.refusal;
        }
    }

    /**
     * Takes a frame held for someone else into custody, as QUEUED (committed when this returns).
     *
     * @param neighbour who handed it to us: the endpoint, if it proved itself, else the transport's shared
     *     allowance for senders that did not (see {@link Limits#relayedPerNeighbour})
     * @param originKnown whether we hold the key of the frame's source (heard in a verified announce)
     * @return the entry and what gave way for it, or empty when the same (source, message id, type) is held
     * @throws RefusedException when a relayed quota is full
     */
    public Optional<Held> acceptRelayed(MeshAddress destination, MeshAddress source, int messageId, int type,
            byte[] frame, long nowMillis, long ttlMillis, String neighbour, boolean originKnown,
            TrafficOrigin trafficOrigin) throws SQLException, RefusedException {
        try {
            return db.inTransaction(c -> {
                if (held(c, source, messageId, type)) return Optional.<Held>empty();
                long fromNeighbour = count(c, "SELECT count(*) FROM custody WHERE own = 0 AND neighbour = ? AND "
                        + PENDING, neighbour);
                Displaced displaced = null;
                // A neighbour's allowance filled with frames of unknown origins (its relays of a flood of forged
                // frames) must not shut out the known origins it relays: the oldest unknown one gives way.
                if (fromNeighbour >= limits.relayedPerNeighbour() && originKnown) displaced = displaceUnknown(c, neighbour);
                if (fromNeighbour >= limits.relayedPerNeighbour() && displaced == null) {
                    throw refuse(Refusal.NEIGHBOUR_FULL, "holding " + fromNeighbour + " frames for others from "
                            + neighbour + " (limit " + limits.relayedPerNeighbour() + " per neighbour)");
                }
                long ofOrigin = count(c, "SELECT count(*) FROM custody WHERE own = 0 AND neighbour = ? AND source = ? AND "
                        + PENDING, neighbour, source.toBytes());
                if (ofOrigin >= limits.relayedPerOrigin()) {
                    throw refuse(Refusal.ORIGIN_FULL, "holding " + ofOrigin + " frames of " + source + " from "
                            + neighbour + " (limit " + limits.relayedPerOrigin() + " per origin and neighbour)");
                }
                if (!originKnown && unknownPending.get() >= limits.relayedUnknownOrigins()) {
                    throw refuse(Refusal.UNKNOWN_ORIGINS_FULL, "holding " + unknownPending.get()
                            + " frames of origins whose key is unknown (limit " + limits.relayedUnknownOrigins() + ")");
                }
                if (displaced == null && relayedPending.get() >= limits.relayedTotal()) {
                    displaced = originKnown ? displaceUnknown(c) : null;
                    if (displaced == null) {
                        throw refuse(Refusal.RELAYED_FULL, "holding " + relayedPending.get() + " frames for others"
                                + " (limit " + limits.relayedTotal() + ")" + (originKnown ? ", none of an unknown origin"
                                        + " to give way" : ""));
                    }
                }
                Entry e = insert(c, destination, source, messageId, type, frame, false, 0, nowMillis, ttlMillis,
                        MessageState.QUEUED, neighbour, originKnown, trafficOrigin);
                // Nothing inserted: the row that gave way stays (the transaction is rolled back with it).
                if (e == null) throw new QuotaFull(null);
                return Optional.of(new Held(e, Optional.ofNullable(displaced)));
            }).map(h -> {
                // Committed: only now the counts change.
                relayedPending.incrementAndGet();
                if (!originKnown) unknownPending.incrementAndGet();
                h.displaced().ifPresent(d -> {
                    relayedPending.decrementAndGet();
                    unknownPending.decrementAndGet();
                    displacedCount.incrementAndGet();
                });
                return h;
            });
        } catch (QuotaFull e) {
            if (e.refusal == null) return Optional.empty();
            throw e.refusal;
        }
    }

    /**
     * The oldest pending frame of an unknown origin from the neighbour that holds most of them, deleted to make
     * room; null when there is none. Inside the caller's transaction: if the insert after it fails, it stays, and
     * the counts change only once the transaction committed.
     */
    private Displaced displaceUnknown(Connection c) throws SQLException {
        return displaceUnknown(c, null);
    }

    /** As above, from {@code neighbour} only when it is not null. */
    private Displaced displaceUnknown(Connection c, String only) throws SQLException {
        String neighbour = only;
        if (neighbour == null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT neighbour FROM custody WHERE own = 0 "
                    + "AND origin_known = 0 AND " + PENDING + " GROUP BY neighbour ORDER BY count(*) DESC, neighbour LIMIT 1");
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                neighbour = rs.getString(1);
            }
        }
        long id;
        Displaced d;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, source, destination FROM custody WHERE own = 0 "
                + "AND origin_known = 0 AND neighbour = ? AND " + PENDING + " ORDER BY id LIMIT 1")) {
            ps.setString(1, neighbour);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                id = rs.getLong(1);
                d = new Displaced(MeshAddress.of(rs.getBytes(2)), MeshAddress.of(rs.getBytes(3)), neighbour);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM custody WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
        return d;
    }

    private static boolean held(Connection c, MeshAddress source, int messageId, int type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM custody WHERE source = ? AND message_id = ? AND type = ?")) {
            ps.setBytes(1, source.toBytes());
            ps.setInt(2, messageId);
            ps.setInt(3, type);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next(); // already held: a copy, not a new message
            }
        }
    }

    private static Entry insert(Connection c, MeshAddress destination, MeshAddress source, int messageId, int type,
            byte[] frame, boolean own, int priority, long nowMillis, long ttlMillis, MessageState state,
            String neighbour, boolean originKnown, TrafficOrigin trafficOrigin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO custody(destination, source, "
                + "message_id, type, frame, own, priority, created_at, expires_at, next_attempt_at, state, "
                + "updated_at, neighbour, origin_known, traffic_origin) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                java.sql.Statement.RETURN_GENERATED_KEYS)) {
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
            ps.setString(13, neighbour);
            ps.setInt(14, originKnown ? 1 : 0);
            ps.setInt(15, trafficOrigin.code());
            if (ps.executeUpdate() == 0) return null;
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new Entry(keys.getLong(1), destination, source, messageId, type, frame, own, priority, nowMillis,
                        nowMillis + ttlMillis, 0, nowMillis, state, nowMillis, neighbour, originKnown, trafficOrigin);
            }
        }
    }

    /**
     * The keys of these origins are now known: frames held for others from them move out of the share for
     * unknown origins (they no longer give way to others, nor use that share).
     *
     * @return how many held frames changed
     */
    public int markOriginKnown(MeshAddress source) throws SQLException {
        int n = update("UPDATE custody SET origin_known = 1 WHERE source = ? AND own = 0 AND origin_known = 0",
                source.toBytes());
        if (n > 0) recount();
        return n;
    }

    /** As {@link #markOriginKnown} for every held origin {@code known} accepts (at start: the peer directory). */
    public int markOriginsKnown(Predicate<MeshAddress> known) throws SQLException {
        List<MeshAddress> unknown = db.withConnection(c -> {
            List<MeshAddress> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT source FROM custody WHERE own = 0 "
                    + "AND origin_known = 0 AND " + PENDING); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(MeshAddress.of(rs.getBytes(1)));
            }
            return out;
        });
        int n = 0;
        for (MeshAddress a : unknown) if (known.test(a)) n += markOriginKnown(a);
        return n;
    }

    /** Pending entries whose next attempt is due, highest priority and oldest first. */
    public List<Entry> due(long nowMillis, int limit) throws SQLException {
        return select("WHERE " + PENDING + " AND next_attempt_at <= ? AND expires_at > ? "
                + "ORDER BY priority DESC, id LIMIT ?", nowMillis, nowMillis, limit);
    }

    /** Every pending entry, oldest first (for bundle export). */
    public List<Entry> pending(long nowMillis, int limit) throws SQLException {
        return select("WHERE " + PENDING + " AND expires_at > ? ORDER BY id LIMIT ?", nowMillis, limit);
    }

    /** Pending entries for one destination (a route to it just appeared). */
    public List<Entry> pendingFor(MeshAddress destination, long nowMillis) throws SQLException {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE destination = ? AND " + PENDING
                    + " AND expires_at > ? ORDER BY priority DESC, id")) {
                ps.setBytes(1, destination.toBytes());
                ps.setLong(2, nowMillis);
                return read(ps);
            }
        });
    }

    /**
     * Records a delivery attempt. The state and the next attempt change only while still pending: an ACK
     * handled between the hand-over and this update has already made the message DELIVERED, and overwriting
     * that with SENT would retransmit it. The attempt is counted either way, since the frame did go out.
     *
     * @return false when the entry was no longer pending (only the attempt was counted)
     */
    public boolean recordAttempt(long id, MessageState state, long nextAttemptAt, long nowMillis) throws SQLException {
        boolean pending = update("UPDATE custody SET attempts = attempts + 1, state = ?, next_attempt_at = ?, updated_at = ? "
                + "WHERE id = ? AND " + PENDING, state.name(), nextAttemptAt, nowMillis, id) > 0;
        if (!pending) update("UPDATE custody SET attempts = attempts + 1 WHERE id = ?", id);
        return pending;
    }

    public void reschedule(long id, long nextAttemptAt) throws SQLException {
        update("UPDATE custody SET next_attempt_at = ? WHERE id = ?", nextAttemptAt, id);
    }

    /** A frame held for someone else was handed on: our custody of it ends. */
    public void release(long id) throws SQLException {
        Boolean wasKnown = db.inTransaction(c -> {
            Boolean known = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT origin_known FROM custody WHERE id = ? AND own = 0 "
                    + "AND " + PENDING)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) known = rs.getInt(1) == 1;
                }
            }
            if (known == null) return null;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM custody WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return known;
        });
        if (wasKnown == null) return;
        relayedPending.decrementAndGet();
        if (!wasKnown) unknownPending.decrementAndGet();
    }

    /** The destination acknowledged our message. Returns true when this changed its state. */
    public boolean markDelivered(MeshAddress self, int messageId, long nowMillis) throws SQLException {
        int n = update("UPDATE custody SET state = 'DELIVERED', updated_at = ? WHERE source = ? AND message_id = ? "
                + "AND own = 1 AND " + PENDING, nowMillis, self.toBytes(), messageId);
        ownPending.addAndGet(-n);
        return n > 0;
    }

    /** One of our own messages cannot be delivered at all. */
    public void markFailed(long id, long nowMillis) throws SQLException {
        ownPending.addAndGet(-update("UPDATE custody SET state = 'FAILED', updated_at = ? WHERE id = ? AND own = 1 "
                + "AND " + PENDING, nowMillis, id));
    }

    /** Ends custody of everything past its time to live: own messages become EXPIRED, others are dropped. */
    public int expire(long nowMillis) throws SQLException {
        int n = db.inTransaction(c -> {
            int changed;
            try (PreparedStatement ps = c.prepareStatement("UPDATE custody SET state = 'EXPIRED', updated_at = ? "
                    + "WHERE own = 1 AND " + PENDING + " AND expires_at <= ?")) {
                ps.setLong(1, nowMillis);
                ps.setLong(2, nowMillis);
                changed = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM custody WHERE own = 0 AND expires_at <= ? "
                    + "AND " + PENDING)) {
                ps.setLong(1, nowMillis);
                changed += ps.executeUpdate();
            }
            return changed;
        });
        if (n > 0) recount();
        return n;
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

    /** This node's own messages in the queue, counted by state; every state is named, zero included. */
    public Map<MessageState, Long> ownCountsByState() throws SQLException {
        Map<MessageState, Long> out = new java.util.EnumMap<>(MessageState.class);
        for (MessageState s : MessageState.values()) out.put(s, 0L);
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state, count(*) FROM custody WHERE own = 1 GROUP BY state");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(MessageState.valueOf(rs.getString(1)), rs.getLong(2));
            }
            return null;
        });
        return out;
    }

    /** Pending entries, own and held for others. */
    public long pendingCount() {
        return ownPending.get() + relayedPending.get();
    }

    public long ownPendingCount() {
        return ownPending.get();
    }

    public long relayedPendingCount() {
        return relayedPending.get();
    }

    /** Frames held for others whose origin's key is unknown. */
    public long unknownOriginPendingCount() {
        return unknownPending.get();
    }

    /** Frames held for others that came from {@code neighbour} (as passed to {@link #acceptRelayed}). */
    public long relayedPendingFrom(String neighbour) throws SQLException {
        return db.withConnection(c -> count(c, "SELECT count(*) FROM custody WHERE own = 0 AND neighbour = ? AND "
                + PENDING, neighbour));
    }

    /** Frames held for others whose origin is {@code source}, from any neighbour. */
    public long relayedPendingOf(MeshAddress source) throws SQLException {
        return db.withConnection(c -> count(c, "SELECT count(*) FROM custody WHERE own = 0 AND source = ? AND "
                + PENDING, source.toBytes()));
    }

    /** Refusals by reason and frames that gave way ({@code DISPLACED}), since this start. */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        refused.forEach((r, n) -> out.put(r.name(), n.get()));
        out.put("DISPLACED", displacedCount.get());
        return out;
    }

    /** What {@code sbridge status --json} shows under {@code custody}. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("own", ownPending.get());
        out.put("ownLimit", limits.ownTotal());
        out.put("relayed", relayedPending.get());
        out.put("relayedLimit", limits.relayedTotal());
        out.put("relayedUnknownOrigin", unknownPending.get());
        out.put("relayedUnknownOriginLimit", limits.relayedUnknownOrigins());
        out.put("refused", counters());
        return out;
    }

    /** The pending counts from the table (at start and after bulk changes), under the database lock. */
    private void recount() throws SQLException {
        db.withConnection(c -> {
            long own = 0;
            long relayed = 0;
            long unknown = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT own, origin_known, count(*) FROM custody WHERE "
                    + PENDING + " GROUP BY own, origin_known"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(3);
                    if (rs.getInt(1) == 1) {
                        own += n;
                    } else {
                        relayed += n;
                        if (rs.getInt(2) == 0) unknown += n;
                    }
                }
            }
            ownPending.set(own);
            relayedPending.set(relayed);
            unknownPending.set(unknown);
            return null;
        });
    }

    private QuotaFull refuse(Refusal reason, String message) {
        refused.get(reason).incrementAndGet();
        return new QuotaFull(new RefusedException(reason, message));
    }

    private static final String SELECT = "SELECT id, destination, source, message_id, type, frame, own, priority, "
            + "created_at, expires_at, attempts, next_attempt_at, state, updated_at, neighbour, origin_known, "
            + "traffic_origin FROM custody ";

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
                        rs.getLong(14), rs.getString(15), rs.getInt(16) == 1, TrafficOrigin.ofCode(rs.getInt(17))));
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

    private static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * Carries a quota refusal out of the transaction lambda (which may only throw SQLException), rolling it back;
     * a null refusal: nothing to insert after all (the same frame is held).
     */
    private static final class QuotaFull extends RuntimeException {
        final RefusedException refusal;

        QuotaFull(RefusedException refusal) {
            super(refusal == null ? "already held" : refusal.getMessage(), null, false, false);
            this.refusal = refusal;
        }
    }
}
