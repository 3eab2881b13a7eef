package net.sovereignbridge.mesh.store;

import static java.nio.file.attribute.PosixFilePermissions.asFileAttribute;
import static java.nio.file.attribute.PosixFilePermissions.fromString;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The node's one SQLite database ({@code sbridge.db} in the state directory), in WAL mode.
 *
 * <p>Schema changes are migrations keyed by component ("inbox", "queue", "dht", ...) and version, kept in
 * {@code schema_versions}, so every feature owns its tables and numbers its own steps. One connection
 * shared under a lock: SQLite serialises writers anyway, and a Pi Zero has little memory for a pool.
 */
public final class Database implements AutoCloseable {
    public static final String FILE_NAME = "sbridge.db";
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = fromString("rw-------");

    private final Connection connection;
    private final Path file;

    private Database(Connection connection, Path file) {
        this.connection = connection;
        this.file = file;
    }

    public static Database open(Path stateDir) throws SQLException {
        Path file = stateDir.resolve(FILE_NAME);
        try {
            if (!Files.isDirectory(stateDir)) Files.createDirectories(stateDir, asFileAttribute(fromString("rwx------")));
            // The inbox holds opened messages: owner only. SQLite gives the -wal and -shm files the database
            // file's mode, so creating it 0600 (an empty file is an empty database) covers all three.
            if (Files.notExists(file)) {
                Files.createFile(file, asFileAttribute(fromString("rw-------")));
            } else {
                // Files an older build created with the umask's mode.
                for (String suffix : List.of("", "-wal", "-shm")) {
                    Path f = stateDir.resolve(FILE_NAME + suffix);
                    if (Files.exists(f) && !Files.getPosixFilePermissions(f).equals(OWNER_READ_WRITE)) {
                        Files.setPosixFilePermissions(f, OWNER_READ_WRITE);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create " + file + ": " + e.getMessage(), e);
        }
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        return prepare(c, file, true);
    }

    /**
     * A private database in memory: the same schema and SQL, gone when closed. For simulations of many nodes
     * (a file, its WAL and its page cache per simulated node cost more than the nodes themselves).
     */
    public static Database inMemory() throws SQLException {
        Path name = Path.of(":memory:");
        return prepare(DriverManager.getConnection("jdbc:sqlite::memory:"), name, false);
    }

    private static Database prepare(Connection c, Path file, boolean onDisk) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (onDisk) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA busy_timeout=5000");
            } else {
                st.execute("PRAGMA cache_size=-64"); // 64 KiB: the tables of one simulated node are small
            }
            st.execute("PRAGMA foreign_keys=ON");
            st.execute("CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
        } catch (SQLException e) {
            c.close();
            throw new SQLException("cannot open database " + file + ": " + e.getMessage(), e);
        }
        return new Database(c, file);
    }

    public Path file() {
        return file;
    }

    /** Applies the component's migrations newer than its recorded version; refuses a database from the future. */
    public synchronized void migrate(String component, List<Migration> migrations) throws SQLException {
        int current = version(component);
        int newest = migrations.stream().mapToInt(Migration::version).max().orElse(0);
        if (current > newest) {
            throw new SQLException("database " + file + " has schema version " + current + " for '" + component
                    + "', newer than this build knows (" + newest + "): refusing to downgrade");
        }
        List<Migration> ordered = migrations.stream().sorted(Comparator.comparingInt(Migration::version)).toList();
        for (Migration m : ordered) {
            if (m.version() <= current) continue;
            boolean auto = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                m.step().apply(st);
                try (PreparedStatement ps = connection.prepareStatement(
                        "INSERT INTO schema_versions(component, version) VALUES(?, ?) "
                                + "ON CONFLICT(component) DO UPDATE SET version = excluded.version")) {
                    ps.setString(1, component);
                    ps.setInt(2, m.version());
                    ps.executeUpdate();
                }
                connection.commit();
                log.debug("migrated {} to version {}: {}", component, m.version(), m.description());
            } catch (SQLException e) {
                rollbackKeeping(e, auto);
                throw new SQLException("migration " + component + " v" + m.version() + " (" + m.description()
                        + ") failed: " + describe(e), e);
            }
            connection.setAutoCommit(auto);
        }
    }

    public synchronized int version(String component) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT version FROM schema_versions WHERE component = ?")) {
            ps.setString(1, component);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** Runs work on the shared connection while holding the database lock. */
    public synchronized <T> T withConnection(SqlWork<T> work) throws SQLException {
        return work.run(connection);
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    public synchronized <T> T inTransaction(SqlWork<T> work) throws SQLException {
        boolean auto = connection.getAutoCommit();
        connection.setAutoCommit(false);
        T result;
        try {
            result = work.run(connection);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackKeeping(e, auto);
            throw e;
        }
        connection.setAutoCommit(auto);
        return result;
    }

    /**
     * Rolls back after {@code cause} and restores the auto-commit mode. SQLite has often ended the transaction
     * itself (SQLITE_FULL, SQLITE_IOERR roll it back), and then the rollback, and the commit the driver issues
     * when auto-commit is switched back on, fail with "no transaction is active": those must not hide why the
     * work failed, so they are attached to it as suppressed.
     */
    private void rollbackKeeping(Exception cause, boolean autoCommit) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
        try {
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** True when {@code e} (or a cause) is SQLite's SQLITE_FULL: the disk or the database's size limit is full. */
    public static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s && (s.getResultCode().code & 0xFF) == SQLiteErrorCode.SQLITE_FULL.code) {
                return true;
            }
            if (t.getCause() == t) break;
        }
        return false;
    }

    /** What went wrong with storage, in words for a log line or a refusal: "disk full" first when it is. */
    public static String describe(SQLException e) {
        return isDiskFull(e) ? "disk full (" + e.getMessage() + ")" : e.getMessage();
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }
}
