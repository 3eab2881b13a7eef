package net.sovereignbridge.app.overlay;

import java.sql.SQLException;
import java.util.List;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Migration;
import net.sovereignbridge.p2p.storage.SqlStore;

/**
 * The gateway's one database ({@code sbridge.db}) as the overlay's {@link SqlStore}: the peer store and
 * the DHT keep their tables there, each component with its own schema versions, without p2p depending on
 * the mesh's storage.
 */
public final class DatabaseStore implements SqlStore {
    private final Database db;

    public DatabaseStore(Database db) {
        this.db = db;
    }

    @Override
    public void migrate(String component, List<SchemaStep> steps) throws SQLException {
        db.migrate(component, steps.stream()
                .map(s -> Migration.sql(s.version(), s.description(), s.statements().toArray(String[]::new))).toList());
    }

    @Override
    public <T> T withConnection(Work<T> work) throws SQLException {
        return db.withConnection(work::run);
    }

    @Override
    public <T> T inTransaction(Work<T> work) throws SQLException {
        return db.inTransaction(work::run);
    }
}
