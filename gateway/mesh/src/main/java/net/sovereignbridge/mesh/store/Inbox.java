package net.sovereignbridge.mesh.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.identity.MeshAddress;

/** Messages delivered to this node, kept until the owner deletes them; survives restarts. */
public final class Inbox {
    public static final String COMPONENT = "inbox";
    private static final List<Migration> MIGRATIONS = List.of(
            Migration.sql(1, "inbox table",
                    "CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, source BLOB NOT NULL, "
                            + "message_id INTEGER NOT NULL, sent_at INTEGER NOT NULL, received_at INTEGER NOT NULL, "
                            + "transport TEXT NOT NULL, body BLOB NOT NULL, UNIQUE(source, message_id, sent_at))"));

    private final Database db;

    public Inbox(Database db) throws SQLException {
        this.db = db;
        db.migrate(COMPONENT, MIGRATIONS);
    }

    /** One delivered message. {@code id} is local and increasing; {@code sentAt} is the sender's clock. */
    public record Message(long id, MeshAddress source, int messageId, Instant sentAt, Instant receivedAt,
            String transport, byte[] body) {}

    /**
     * Stores a message unless the same (source, message id, sent time) is already there.
     *
     * @return the stored message, or null for a duplicate
     */
    public Message add(MeshAddress source, int messageId, Instant sentAt, Instant receivedAt, String transport,
            byte[] body) throws SQLException {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT OR IGNORE INTO inbox(source, message_id, sent_at, received_at, transport, body) "
                            + "VALUES(?, ?, ?, ?, ?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setBytes(1, source.toBytes());
                ps.setInt(2, messageId);
                ps.setLong(3, sentAt.getEpochSecond());
                ps.setLong(4, receivedAt.toEpochMilli());
                ps.setString(5, transport);
                ps.setBytes(6, body);
                if (ps.executeUpdate() == 0) return null;
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return new Message(keys.getLong(1), source, messageId, sentAt, receivedAt, transport, body);
                }
            }
        });
    }

    /** Messages with id greater than {@code afterId}, oldest first, at most {@code limit}. */
    public List<Message> list(long afterId, int limit) throws SQLException {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, source, message_id, sent_at, received_at, transport, body FROM inbox "
                            + "WHERE id > ? ORDER BY id LIMIT ?")) {
                ps.setLong(1, afterId);
                ps.setInt(2, limit);
                List<Message> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Message(rs.getLong(1), MeshAddress.of(rs.getBytes(2)), rs.getInt(3),
                                Instant.ofEpochSecond(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)),
                                rs.getString(6), rs.getBytes(7)));
                    }
                }
                return out;
            }
        });
    }

    public long count() throws SQLException {
        return db.withConnection(c -> {
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM inbox")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }
}
