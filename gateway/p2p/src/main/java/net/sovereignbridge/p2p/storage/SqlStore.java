package net.sovereignbridge.p2p.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Where the overlay keeps what must survive a restart (the peer store, the DHT's records and routing
 * table): a SQL database with a schema version per component. The overlay's own narrow view of storage,
 * in JDK types only, so p2p does not depend on the mesh's storage; the daemon hands in its one database
 * ({@code sbridge.db}) through an adapter.
 */
public interface SqlStore {
    /** Applies the component's schema steps newer than its recorded version, each in a transaction. */
    void migrate(String component, List<SchemaStep> steps) throws SQLException;

    /** Runs work on the store's connection, holding its lock. */
    <T> T withConnection(Work<T> work) throws SQLException;

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(Work<T> work) throws SQLException;

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** One numbered step of a component's schema: plain SQL statements. */
    record SchemaStep(int version, String description, List<String> statements) {
        public SchemaStep {
            statements = List.copyOf(statements);
        }

        public static SchemaStep sql(int version, String description, String... statements) {
            return new SchemaStep(version, description, List.of(statements));
        }
    }
}
