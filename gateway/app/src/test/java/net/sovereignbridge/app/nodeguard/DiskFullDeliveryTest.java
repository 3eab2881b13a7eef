package net.sovereignbridge.app.nodeguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver's disk is full (SQLite's own size limit on its database file, {@code PRAGMA max_page_count},
 * set to what the file holds now: every write that needs a new page fails with SQLITE_FULL, as on a full
 * file system). Nothing may be reported delivered that is not in the receiver's inbox, and once there is
 * room again every message arrives, once.
 */
class DiskFullDeliveryTest {
    @TempDir
    Path dir;

    @Test
    void nothingIsAcknowledgedUntilTheInboxCommittedAndEveryMessageArrivesOnceThereIsRoom() throws Exception {
        int portA = LanNode.freeUdpPort();
        int portB = LanNode.freeUdpPort();
        try (LanNode a = LanNode.start(dir.resolve("a"), portA, List.of(portB), LanNode.fastRetries());
                LanNode b = LanNode.start(dir.resolve("b"), portB, List.of(portA), LanNode.fastRetries());
                LanNode.CapturedLog log = new LanNode.CapturedLog()) {
            LanNode.awaitAcquainted(a, b);
            fillDisk(b.db);

            // 5000 bytes: more than a page, so each message needs pages the full disk cannot give.
            List<SendResult> sent = new ArrayList<>();
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                byte[] body = new byte[5000];
                Arrays.fill(body, (byte) ('a' + i));
                bodies.add(body);
                sent.add(a.node.send(b.node.address(), body, SendOptions.defaults()));
            }
            // Retries every 0.3..1 s: several rounds reach B meanwhile.
            Thread.sleep(4_000);
            assertEquals(0, b.node.inbox().count(), "B's inbox stays empty while its disk is full");
            for (SendResult s : sent) {
                MessageState state = a.node.custody().ownMessage(a.node.address(), s.messageId()).orElseThrow().state();
                assertNotEquals(MessageState.DELIVERED, state, "message " + s.messageId() + " reported delivered");
            }
            List<String> diskFull = log.lines().stream().filter(l -> l.contains("disk full")).toList();
            assertTrue(!diskFull.isEmpty(), "the log says the disk is full");
            assertTrue(diskFull.size() <= 2, "one line per minute, not one per frame: " + diskFull);
            assertTrue(log.lines().stream().noneMatch(l -> l.contains("no transaction is active")), "no misleading cause");

            freeDisk(b.db);
            LanNode.await("every message delivered", 30, () -> sent.stream().allMatch(s -> state(a, s) == MessageState.DELIVERED));
            List<Inbox.Message> inbox = b.node.inbox().list(0, 100);
            assertEquals(5, inbox.size(), "each message once");
            for (int i = 0; i < 5; i++) {
                int id = sent.get(i).messageId();
                Inbox.Message m = inbox.stream().filter(x -> x.messageId() == id).findFirst().orElseThrow();
                assertArrayEquals(bodies.get(i), m.body());
                assertEquals(a.node.address(), m.source());
            }
        }
    }

    private static MessageState state(LanNode a, SendResult s) {
        try {
            return a.node.custody().ownMessage(a.node.address(), s.messageId()).orElseThrow().state();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** No page beyond those the file has now; the free ones used up by a scratch table. */
    private static void fillDisk(Database db) throws SQLException {
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS test_filler (b BLOB)");
                long pages;
                try (var rs = st.executeQuery("PRAGMA page_count")) {
                    rs.next();
                    pages = rs.getLong(1);
                }
                st.execute("PRAGMA max_page_count = " + pages);
                try {
                    for (int i = 0; i < 10_000; i++) st.execute("INSERT INTO test_filler VALUES (zeroblob(3000))");
                    throw new AssertionError("the database never filled up");
                } catch (SQLException full) {
                    assertTrue(Database.isDiskFull(full), "filling ends with SQLITE_FULL: " + full);
                }
            }
            return null;
        });
    }

    private static void freeDisk(Database db) throws SQLException {
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA max_page_count = 1073741823");
            }
            return null;
        });
    }
}
