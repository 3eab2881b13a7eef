package net.sovereignbridge.mesh.node;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.PublicIdentity;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Migration;

/**
 * Public keys learned from verified announces, by mesh address, kept in SQLite so a restarted node can
 * still seal messages to peers it knew. Only verified announces enter: the key always hashes to the
 * address, so an entry can never be poisoned with a wrong key.
 */
public final class PeerDirectory {
    public static final String COMPONENT = "peers";
    private static final List<Migration> MIGRATIONS = List.of(Migration.sql(1, "known peers",
            "CREATE TABLE peers (address BLOB PRIMARY KEY, public_key BLOB NOT NULL, name TEXT NOT NULL, "
                    + "announced_at INTEGER NOT NULL, heard_at INTEGER NOT NULL)"));

    private final Database db;
    private final int maxPeers;
    private final Map<MeshAddress, Peer> peers = new ConcurrentHashMap<>();

    public record Peer(PublicIdentity identity, String name, long announcedAt, long heardAtMillis) {}

    public PeerDirectory(Database db, int maxPeers) throws SQLException {
        this.db = db;
        this.maxPeers = maxPeers;
        db.migrate(COMPONENT, MIGRATIONS);
        db.withConnection(c -> {
            try (var st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT public_key, name, announced_at, heard_at FROM peers "
                            + "ORDER BY heard_at DESC LIMIT " + maxPeers)) {
                while (rs.next()) {
                    PublicIdentity id = PublicIdentity.of(rs.getBytes(1));
                    peers.put(id.address(), new Peer(id, rs.getString(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            return null;
        });
    }

    public Optional<Peer> get(MeshAddress address) {
        return Optional.ofNullable(peers.get(address));
    }

    public Optional<PublicIdentity> key(MeshAddress address) {
        Peer p = peers.get(address);
        return p == null ? Optional.empty() : Optional.of(p.identity());
    }

    public Map<MeshAddress, Peer> all() {
        return Map.copyOf(peers);
    }

    /**
     * Records a verified announce. Returns false when it is not newer than the one we hold (a replayed or
     * reordered announce), in which case nothing changes.
     */
    public boolean learn(PublicIdentity identity, String name, long announcedAt, long nowMillis) throws SQLException {
        Peer old = peers.get(identity.address());
        if (old != null && announcedAt <= old.announcedAt()) return false;
        if (old == null && peers.size() >= maxPeers) evictLeastRecentlyHeard();
        Peer p = new Peer(identity, name, announcedAt, nowMillis);
        peers.put(identity.address(), p);
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO peers(address, public_key, name, announced_at, "
                    + "heard_at) VALUES(?, ?, ?, ?, ?) ON CONFLICT(address) DO UPDATE SET name = excluded.name, "
                    + "announced_at = excluded.announced_at, heard_at = excluded.heard_at")) {
                ps.setBytes(1, identity.address().toBytes());
                ps.setBytes(2, identity.publicKey());
                ps.setString(3, name);
                ps.setLong(4, announcedAt);
                ps.setLong(5, nowMillis);
                ps.executeUpdate();
            }
            return null;
        });
        return true;
    }

    private void evictLeastRecentlyHeard() throws SQLException {
        MeshAddress victim = peers.values().stream().min(java.util.Comparator.comparingLong(Peer::heardAtMillis))
                .map(p -> p.identity().address()).orElse(null);
        if (victim == null) return;
        peers.remove(victim);
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM peers WHERE address = ?")) {
                ps.setBytes(1, victim.toBytes());
                ps.executeUpdate();
            }
            return null;
        });
    }
}
