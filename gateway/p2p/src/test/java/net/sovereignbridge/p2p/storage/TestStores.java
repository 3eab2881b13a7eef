package net.sovereignbridge.p2p.storage;

import java.sql.SQLException;
import java.util.List;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Migration;

/**
 * The node's real database ({@code mesh.store.Database}, SQLite on disk or in memory) behind the overlay's
 * {@link SqlStore}, for tests: the daemon hands it in the same way (app.overlay.DatabaseStore).
 */
public final class TestStores {
    private TestStores() {}

    public static SqlStore of(Database db) {
        return new SqlStore() {
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
        };
    }
}
