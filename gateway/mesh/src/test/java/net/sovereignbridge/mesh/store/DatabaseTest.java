package net.sovereignbridge.mesh.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import net.sovereignbridge.mesh.identity.MeshAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @Test
    void databaseAndItsWalAreOwnerOnly(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("fresh");
        try (Database db = Database.open(state)) {
            db.migrate("demo", List.of(Migration.sql(1, "t", "CREATE TABLE t (x INTEGER)")));
            db.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (1)"));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
            for (String name : List.of(Database.FILE_NAME, Database.FILE_NAME + "-wal", Database.FILE_NAME + "-shm")) {
                Path f = state.resolve(name);
                assertTrue(Files.exists(f), name + " exists while open");
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), name);
            }
        }
        // A database an older build left world-readable is tightened when opened.
        Files.setPosixFilePermissions(state.resolve(Database.FILE_NAME), PosixFilePermissions.fromString("rw-r--r--"));
        try (Database db = Database.open(state)) {
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(state.resolve(Database.FILE_NAME))));
        }
    }

    @Test
    void aFullDiskInATransactionSaysDiskFullNotNoTransactionIsActive(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(dir)) {
            db.migrate("demo", List.of(Migration.sql(1, "t", "CREATE TABLE t (b BLOB)")));
            db.withConnection(c -> c.createStatement().execute("PRAGMA max_page_count = "
                    + c.createStatement().executeQuery("PRAGMA page_count").getLong(1)));
            SQLException e = assertThrows(SQLException.class, () -> db.inTransaction(c -> {
                for (int i = 0; i < 100; i++) c.createStatement().executeUpdate("INSERT INTO t VALUES (zeroblob(5000))");
                return null;
            }));
            assertTrue(Database.isDiskFull(e), e.toString());
            assertTrue(Database.describe(e).startsWith("disk full"), Database.describe(e));
            assertTrue(!e.getMessage().contains("no transaction is active"), e.getMessage());
            // The connection is usable afterwards, and the failed transaction left nothing behind.
            assertEquals(0L, (long) db.withConnection(c -> c.createStatement().executeQuery("SELECT count(*) FROM t").getLong(1)));
        }
    }

    @Test
    void migrationsRunOncePerComponentAndSurviveReopen(@TempDir Path dir) throws Exception {
        List<Migration> m = List.of(Migration.sql(1, "t", "CREATE TABLE t (x INTEGER)"),
                Migration.sql(2, "t.y", "ALTER TABLE t ADD COLUMN y TEXT"));
        try (Database db = Database.open(dir)) {
            db.migrate("demo", m);
            db.migrate("demo", m);
            assertEquals(2, db.version("demo"));
            assertEquals(0, db.version("other"));
            String mode = db.withConnection(c -> {
                try (var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertEquals("wal", mode);
        }
        try (Database db = Database.open(dir)) {
            assertEquals(2, db.version("demo"));
            SQLException e = assertThrows(SQLException.class, () -> db.migrate("demo", m.subList(0, 1)));
            assertTrue(e.getMessage().contains("newer than this build"), e.getMessage());
        }
    }

    @Test
    void failedMigrationRollsBack(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(dir)) {
            assertThrows(SQLException.class, () -> db.migrate("bad", List.of(
                    Migration.sql(1, "half", "CREATE TABLE ok (x)", "THIS IS NOT SQL"))));
            assertEquals(0, db.version("bad"));
            db.migrate("bad", List.of(Migration.sql(1, "ok", "CREATE TABLE ok (x)")));
            assertEquals(1, db.version("bad"));
        }
    }

    @Test
    void inboxKeepsMessagesAcrossReopenAndDropsDuplicates(@TempDir Path dir) throws Exception {
        MeshAddress from = MeshAddress.parse("00112233445566778899aabbccddeeff");
        Instant sent = Instant.ofEpochSecond(1_790_000_000L);
        try (Database db = Database.open(dir)) {
            Inbox inbox = new Inbox(db);
            assertEquals(1, inbox.add(from, 5, sent, Instant.now(), "lan", new byte[] {1}).id());
            assertNull(inbox.add(from, 5, sent, Instant.now(), "lan", new byte[] {1}));
            inbox.add(from, 6, sent, Instant.now(), "lan", new byte[] {2});
        }
        try (Database db = Database.open(dir)) {
            Inbox inbox = new Inbox(db);
            assertEquals(2, inbox.count());
            assertEquals(6, inbox.list(1, 10).get(0).messageId());
        }
    }
}
