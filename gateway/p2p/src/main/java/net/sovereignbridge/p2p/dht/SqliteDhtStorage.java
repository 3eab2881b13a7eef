package net.sovereignbridge.p2p.dht;

import java.io.ByteArrayOutputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.p2p.storage.SqlStore;

/**
 * DHT state in the node's SQLite database (component "dht"), so a restarted node keeps the values it
 * holds for others, its provider records and its routing table, and resumes from its old peers without
 * asking a bootstrap node. Addresses are stored as a list of uvarint-length-prefixed multiaddrs.
 */
public final class SqliteDhtStorage implements DhtStorage {
    public static final String COMPONENT = "dht";

    static final List<SqlStore.SchemaStep> MIGRATIONS = List.of(SqlStore.SchemaStep.sql(1, "DHT records, providers, routing table",
            "CREATE TABLE dht_records (key BLOB PRIMARY KEY, value BLOB NOT NULL, received_ms INTEGER NOT NULL)",
            "CREATE TABLE dht_providers (key BLOB NOT NULL, peer BLOB NOT NULL, addrs BLOB NOT NULL,"
                    + " received_ms INTEGER NOT NULL, PRIMARY KEY (key, peer))",
            "CREATE INDEX dht_providers_peer ON dht_providers(peer)",
            "CREATE INDEX dht_providers_received ON dht_providers(received_ms)",
            "CREATE TABLE dht_routing (peer BLOB PRIMARY KEY, addrs BLOB NOT NULL, position INTEGER NOT NULL)",
            "CREATE TABLE dht_own (key BLOB NOT NULL, provider INTEGER NOT NULL, value BLOB,"
                    + " PRIMARY KEY (key, provider))"));

    private final SqlStore db;

    public SqliteDhtStorage(SqlStore db) throws SQLException {
        this.db = db;
        db.migrate(COMPONENT, MIGRATIONS);
    }

    /** SQLite failures are not expected at run time: they surface as an unchecked error with the cause. */
    private <T> T run(SqlStore.Work<T> work) {
        try {
            return db.withConnection(work);
        } catch (SQLException e) {
            throw new DhtStorageException(e);
        }
    }

    public static final class DhtStorageException extends RuntimeException {
        DhtStorageException(SQLException cause) {
            super("DHT storage: " + cause.getMessage(), cause);
        }
    }

    @Override
    public StoredRecord getRecord(byte[] key) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value, received_ms FROM dht_records WHERE key = ?")) {
                ps.setBytes(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new StoredRecord(key.clone(), rs.getBytes(1), rs.getLong(2)) : null;
                }
            }
        });
    }

    @Override
    public void putRecord(byte[] key, byte[] value, long receivedMs) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dht_records(key, value, received_ms) VALUES(?,?,?)"
                    + " ON CONFLICT(key) DO UPDATE SET value = excluded.value, received_ms = excluded.received_ms")) {
                ps.setBytes(1, key);
                ps.setBytes(2, value);
                ps.setLong(3, receivedMs);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int recordCount() {
        return count("SELECT COUNT(*) FROM dht_records", null);
    }

    @Override
    public int expireRecords(long cutoffMs) {
        return update("DELETE FROM dht_records WHERE received_ms < ?", cutoffMs);
    }

    @Override
    public boolean putProvider(byte[] key, DhtPeer provider, long receivedMs) {
        return run(c -> {
            boolean existed;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM dht_providers WHERE key = ? AND peer = ?")) {
                ps.setBytes(1, key);
                ps.setBytes(2, provider.idUnsafe());
                try (ResultSet rs = ps.executeQuery()) {
                    existed = rs.next();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dht_providers(key, peer, addrs, received_ms)"
                    + " VALUES(?,?,?,?) ON CONFLICT(key, peer) DO UPDATE SET addrs = excluded.addrs,"
                    + " received_ms = excluded.received_ms")) {
                ps.setBytes(1, key);
                ps.setBytes(2, provider.idUnsafe());
                ps.setBytes(3, encodeAddrs(provider.addrs()));
                ps.setLong(4, receivedMs);
                ps.executeUpdate();
            }
            return !existed;
        });
    }

    @Override
    public List<Provider> getProviders(byte[] key, int max) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT peer, addrs, received_ms FROM dht_providers WHERE key = ? ORDER BY received_ms DESC LIMIT ?")) {
                ps.setBytes(1, key);
                ps.setInt(2, max);
                List<Provider> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Provider(new DhtPeer(rs.getBytes(1), decodeAddrs(rs.getBytes(2))), rs.getLong(3)));
                }
                return out;
            }
        });
    }

    @Override
    public int providerCount() {
        return count("SELECT COUNT(*) FROM dht_providers", null);
    }

    @Override
    public int providerCountFrom(byte[] peerId) {
        return count("SELECT COUNT(*) FROM dht_providers WHERE peer = ?", peerId);
    }

    @Override
    public int expireProviders(long cutoffMs) {
        return update("DELETE FROM dht_providers WHERE received_ms < ?", cutoffMs);
    }

    @Override
    public void putOwn(byte[] key, boolean provider, byte[] value) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dht_own(key, provider, value) VALUES(?,?,?)"
                    + " ON CONFLICT(key, provider) DO UPDATE SET value = excluded.value")) {
                ps.setBytes(1, key);
                ps.setInt(2, provider ? 1 : 0);
                ps.setBytes(3, value);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void removeOwn(byte[] key, boolean provider) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dht_own WHERE key = ? AND provider = ?")) {
                ps.setBytes(1, key);
                ps.setInt(2, provider ? 1 : 0);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<StoredRecord> own(boolean provider) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT key, value FROM dht_own WHERE provider = ?")) {
                ps.setInt(1, provider ? 1 : 0);
                List<StoredRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new StoredRecord(rs.getBytes(1), rs.getBytes(2), 0));
                }
                return out;
            }
        });
    }

    @Override
    public void saveRoutingTable(List<DhtPeer> peers) {
        try {
            db.inTransaction(c -> {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM dht_routing")) {
                    del.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO dht_routing(peer, addrs, position) VALUES(?,?,?)")) {
                    int i = 0;
                    for (DhtPeer p : peers) {
                        ps.setBytes(1, p.idUnsafe());
                        ps.setBytes(2, encodeAddrs(p.addrs()));
                        ps.setInt(3, i++);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        } catch (SQLException e) {
            throw new DhtStorageException(e);
        }
    }

    @Override
    public List<DhtPeer> loadRoutingTable() {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT peer, addrs FROM dht_routing ORDER BY position")) {
                List<DhtPeer> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new DhtPeer(rs.getBytes(1), decodeAddrs(rs.getBytes(2))));
                }
                return out;
            }
        });
    }

    private int count(String sql, byte[] arg) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (arg != null) ps.setBytes(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    private int update(String sql, long arg) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, arg);
                return ps.executeUpdate();
            }
        });
    }

    static byte[] encodeAddrs(List<byte[]> addrs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] a : addrs) {
            UnsignedVarint.write(a.length, out);
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    /** Our own encoding read back from our own database; a damaged row yields the addresses before the damage. */
    static List<byte[]> decodeAddrs(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            UnsignedVarint.Decoded len = UnsignedVarint.decode(data, pos);
            if (len == null || len.value() > data.length - pos - len.length()) break;
            pos += len.length();
            out.add(java.util.Arrays.copyOfRange(data, pos, pos + (int) len.value()));
            pos += (int) len.value();
        }
        return out;
    }
}
