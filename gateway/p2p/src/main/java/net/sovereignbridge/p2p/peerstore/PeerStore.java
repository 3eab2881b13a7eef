package net.sovereignbridge.p2p.peerstore;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import net.sovereignbridge.mesh.encoding.Base58;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.storage.SqlStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the overlay knows about other peers, in the node's SQLite database (component "peerstore"), so
 * a restarted gateway can redial the peers it knew: their addresses (with where each came from and
 * when it was last seen), the protocols identify reported, when we last connected and how many dials
 * failed since. Bounded in peers, addresses per peer and protocols per peer, since most of it comes
 * from remote peers.
 */
public final class PeerStore {
    public static final String COMPONENT = "peerstore";
    private static final Logger log = LoggerFactory.getLogger(PeerStore.class);
    /** Longest protocol id we keep (identify strings are otherwise unbounded). */
    public static final int MAX_PROTOCOL_LENGTH = 256;

    /** Where an address came from. Order matters: a stronger source is never replaced by a weaker one. */
    public enum Source {
        DHT, IDENTIFY, CONFIG;

        String column() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Source fromColumn(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * @param maxPeers            beyond this the least recently active peer without a configured address goes
     * @param maxAddrsPerPeer     beyond this the least recently seen address of the weakest source goes
     * @param maxProtocolsPerPeer identify lists past this are cut (logged)
     */
    public record Limits(int maxPeers, int maxAddrsPerPeer, int maxProtocolsPerPeer) {
        public static final Limits DEFAULT = new Limits(1000, 16, 64);

        public Limits {
            if (maxPeers < 1 || maxAddrsPerPeer < 1 || maxProtocolsPerPeer < 1) {
                throw new IllegalArgumentException("peer store limits must be positive");
            }
        }
    }

    public record AddressRecord(Multiaddr address, Source source, long lastSeenMs) {}

    /** {@code lastConnectedMs} is 0 for a peer we never connected to. */
    public record PeerRecord(byte[] peerId, List<AddressRecord> addresses, List<String> protocols,
            long lastConnectedMs, int failures) {
        public String peerIdText() {
            return Base58.encode(peerId);
        }
    }

    static final List<SqlStore.SchemaStep> MIGRATIONS = List.of(SqlStore.SchemaStep.sql(1, "peers, their addresses and protocols",
            "CREATE TABLE p2p_peers (peer BLOB PRIMARY KEY, last_connected_ms INTEGER NOT NULL DEFAULT 0,"
                    + " failures INTEGER NOT NULL DEFAULT 0, last_activity_ms INTEGER NOT NULL)",
            "CREATE TABLE p2p_peer_addrs (peer BLOB NOT NULL REFERENCES p2p_peers(peer) ON DELETE CASCADE,"
                    + " addr BLOB NOT NULL, source TEXT NOT NULL CHECK (source IN ('dht', 'identify', 'config')),"
                    + " last_seen_ms INTEGER NOT NULL, PRIMARY KEY (peer, addr))",
            "CREATE TABLE p2p_peer_protocols (peer BLOB NOT NULL REFERENCES p2p_peers(peer) ON DELETE CASCADE,"
                    + " protocol TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (peer, protocol))",
            "CREATE INDEX p2p_peers_activity ON p2p_peers(last_activity_ms)"));

    private final SqlStore db;
    private final Limits limits;
    private final LongSupplier clockMs;

    public PeerStore(SqlStore db, Limits limits, LongSupplier clockMs) throws SQLException {
        this.db = db;
        this.limits = limits;
        this.clockMs = clockMs;
        db.migrate(COMPONENT, MIGRATIONS);
    }

    public PeerStore(SqlStore db) throws SQLException {
        this(db, Limits.DEFAULT, System::currentTimeMillis);
    }

    /** Checks that the bytes are a multihash, as a PeerId must be (so garbage from a peer is refused here). */
    static void checkPeerId(byte[] peerId) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        UnsignedVarint.write(421, b);
        UnsignedVarint.write(peerId.length, b);
        b.writeBytes(peerId);
        try {
            Multiaddr.decode(b.toByteArray());
        } catch (MultiaddrException e) {
            throw new IllegalArgumentException("not a PeerId: " + e.getMessage(), e);
        }
    }

    /**
     * Records addresses for a peer (a trailing /p2p is dropped), refreshing last-seen. An address keeps
     * its strongest source. Creates the peer if new, evicting another if the store is full; returns
     * false when the store is full of configured peers and this one could not be added.
     */
    public boolean addAddresses(byte[] peerId, Collection<Multiaddr> addresses, Source source) {
        checkPeerId(peerId);
        long now = clockMs.getAsLong();
        return run(c -> {
            if (!ensurePeer(c, peerId, now)) return false;
            // Only the first maxAddrsPerPeer of one report can survive the trim anyway.
            for (Multiaddr a : addresses.stream().limit(limits.maxAddrsPerPeer()).toList()) {
                byte[] bytes = a.withoutPeerId().toBytes();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO p2p_peer_addrs(peer, addr, source, last_seen_ms)"
                        + " VALUES(?,?,?,?) ON CONFLICT(peer, addr) DO UPDATE SET last_seen_ms = excluded.last_seen_ms,"
                        + " source = CASE WHEN " + rank("excluded.source") + " > " + rank("source")
                        + " THEN excluded.source ELSE source END")) {
                    ps.setBytes(1, peerId);
                    ps.setBytes(2, bytes);
                    ps.setString(3, source.column());
                    ps.setLong(4, now);
                    ps.executeUpdate();
                }
            }
            trimAddresses(c, peerId);
            touch(c, peerId, now);
            return true;
        });
    }

    private static String rank(String column) {
        return "(CASE " + column + " WHEN 'config' THEN 2 WHEN 'identify' THEN 1 ELSE 0 END)";
    }

    private void trimAddresses(Connection c, byte[] peerId) throws SQLException {
        int excess = count(c, "SELECT COUNT(*) FROM p2p_peer_addrs WHERE peer = ?", peerId) - limits.maxAddrsPerPeer();
        if (excess <= 0) return;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM p2p_peer_addrs WHERE rowid IN (SELECT rowid FROM"
                + " p2p_peer_addrs WHERE peer = ? ORDER BY " + rank("source") + ", last_seen_ms LIMIT ?)")) {
            ps.setBytes(1, peerId);
            ps.setInt(2, excess);
            ps.executeUpdate();
        }
        log.debug("peer {}: dropped {} old addresses (limit {})", Base58.encode(peerId), excess, limits.maxAddrsPerPeer());
    }

    /** Creates the peer row if needed, making room by evicting the least recently active unconfigured peer. */
    private boolean ensurePeer(Connection c, byte[] peerId, long now) throws SQLException {
        if (count(c, "SELECT COUNT(*) FROM p2p_peers WHERE peer = ?", peerId) > 0) return true;
        if (count(c, "SELECT COUNT(*) FROM p2p_peers", null) >= limits.maxPeers()) {
            // Configured peers are kept: the operator listed them. Among the others the one quiet for
            // longest goes, so a flood of new PeerIds churns itself rather than the peers we use.
            byte[] victim = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT peer FROM p2p_peers p WHERE NOT EXISTS (SELECT 1 FROM"
                    + " p2p_peer_addrs a WHERE a.peer = p.peer AND a.source = 'config') ORDER BY last_activity_ms LIMIT 1");
                    ResultSet rs = ps.executeQuery()) {
                if (rs.next()) victim = rs.getBytes(1);
            }
            if (victim == null) {
                log.info("peer store full ({} configured peers): not storing {}", limits.maxPeers(), Base58.encode(peerId));
                return false;
            }
            delete(c, victim);
            log.debug("peer store full ({}): evicted {} for {}", limits.maxPeers(), Base58.encode(victim), Base58.encode(peerId));
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO p2p_peers(peer, last_activity_ms) VALUES(?, ?)")) {
            ps.setBytes(1, peerId);
            ps.setLong(2, now);
            ps.executeUpdate();
        }
        return true;
    }

    /**
     * Replaces the peer's protocol list (identify sends the whole list). Ids that are empty, too long or
     * not printable ASCII are skipped; past the limit the rest is cut. Unknown peers are created.
     */
    public boolean setProtocols(byte[] peerId, Collection<String> protocols) {
        checkPeerId(peerId);
        LinkedHashSet<String> kept = new LinkedHashSet<>();
        int skipped = 0;
        for (String p : protocols) {
            if (p.isEmpty() || p.length() > MAX_PROTOCOL_LENGTH || !p.chars().allMatch(ch -> ch > 0x20 && ch < 0x7F)) {
                skipped++;
            } else if (kept.size() < limits.maxProtocolsPerPeer()) {
                kept.add(p);
            } else {
                skipped++;
            }
        }
        if (skipped > 0) {
            log.info("peer {}: kept {} protocols, skipped {} (limit {}, ids of 1-{} printable ASCII)", Base58.encode(peerId),
                    kept.size(), skipped, limits.maxProtocolsPerPeer(), MAX_PROTOCOL_LENGTH);
        }
        long now = clockMs.getAsLong();
        return run(c -> {
            if (!ensurePeer(c, peerId, now)) return false;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM p2p_peer_protocols WHERE peer = ?")) {
                ps.setBytes(1, peerId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO p2p_peer_protocols(peer, protocol, position) VALUES(?,?,?)")) {
                int i = 0;
                for (String p : kept) {
                    ps.setBytes(1, peerId);
                    ps.setString(2, p);
                    ps.setInt(3, i++);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            touch(c, peerId, now);
            return true;
        });
    }

    /** A connection was established: last-connected is now and the failure count starts again. */
    public void recordConnected(byte[] peerId) {
        checkPeerId(peerId);
        long now = clockMs.getAsLong();
        run(c -> {
            if (!ensurePeer(c, peerId, now)) return false;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE p2p_peers SET last_connected_ms = ?, failures = 0, last_activity_ms = ? WHERE peer = ?")) {
                ps.setLong(1, now);
                ps.setLong(2, now);
                ps.setBytes(3, peerId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** A dial failed; returns the new failure count (0 if the peer is unknown). */
    public int recordFailure(byte[] peerId) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE p2p_peers SET failures = failures + 1 WHERE peer = ?")) {
                ps.setBytes(1, peerId);
                if (ps.executeUpdate() == 0) return 0;
            }
            return count(c, "SELECT failures FROM p2p_peers WHERE peer = ?", peerId);
        });
    }

    public Optional<PeerRecord> get(byte[] peerId) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT last_connected_ms, failures FROM p2p_peers WHERE peer = ?")) {
                ps.setBytes(1, peerId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(load(c, peerId.clone(), rs.getLong(1), rs.getInt(2)));
                }
            }
        });
    }

    /** All peers, most recently active first (for `sbridge p2p peers`). */
    public List<PeerRecord> all() {
        return run(c -> {
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT peer, last_connected_ms, failures FROM p2p_peers ORDER BY last_activity_ms DESC, peer");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(new Object[] {rs.getBytes(1), rs.getLong(2), rs.getInt(3)});
            }
            List<PeerRecord> out = new ArrayList<>(rows.size());
            for (Object[] r : rows) out.add(load(c, (byte[]) r[0], (Long) r[1], (Integer) r[2]));
            return out;
        });
    }

    public int peerCount() {
        return run(c -> count(c, "SELECT COUNT(*) FROM p2p_peers", null));
    }

    public boolean remove(byte[] peerId) {
        return run(c -> delete(c, peerId));
    }

    private PeerRecord load(Connection c, byte[] peerId, long lastConnected, int failures) throws SQLException {
        List<AddressRecord> addrs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT addr, source, last_seen_ms FROM p2p_peer_addrs WHERE peer = ? ORDER BY last_seen_ms DESC, addr")) {
            ps.setBytes(1, peerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        addrs.add(new AddressRecord(Multiaddr.decode(rs.getBytes(1)), Source.fromColumn(rs.getString(2)),
                                rs.getLong(3)));
                    } catch (MultiaddrException e) {
                        // Only our own writes are in the table; an undecodable row means a protocol this build lacks.
                        log.warn("peer {}: skipping stored address this build cannot decode: {}", Base58.encode(peerId),
                                e.getMessage());
                    }
                }
            }
        }
        List<String> protocols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT protocol FROM p2p_peer_protocols WHERE peer = ? ORDER BY position")) {
            ps.setBytes(1, peerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) protocols.add(rs.getString(1));
            }
        }
        return new PeerRecord(peerId, List.copyOf(addrs), List.copyOf(protocols), lastConnected, failures);
    }

    private static boolean delete(Connection c, byte[] peerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM p2p_peers WHERE peer = ?")) {
            ps.setBytes(1, peerId);
            return ps.executeUpdate() > 0;
        }
    }

    private static void touch(Connection c, byte[] peerId, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE p2p_peers SET last_activity_ms = ? WHERE peer = ?")) {
            ps.setLong(1, now);
            ps.setBytes(2, peerId);
            ps.executeUpdate();
        }
    }

    private static int count(Connection c, String sql, byte[] arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) ps.setBytes(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** Each call is one transaction; SQLite failures surface unchecked with the cause (not expected at run time). */
    private <T> T run(SqlStore.Work<T> work) {
        try {
            return db.inTransaction(work);
        } catch (SQLException e) {
            throw new PeerStoreException(e);
        }
    }

    public static final class PeerStoreException extends RuntimeException {
        PeerStoreException(SQLException cause) {
            super("peer store: " + cause.getMessage(), cause);
        }
    }

}
