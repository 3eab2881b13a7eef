package net.sovereignbridge.mesh.custody;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.Set;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustodyQueueTest {
    static final MeshAddress ME = MeshAddress.parse("00000000000000000000000000000001");
    static final MeshAddress BOB = MeshAddress.parse("00000000000000000000000000000002");
    static final MeshAddress CAROL = MeshAddress.parse("00000000000000000000000000000003");
    static final MeshAddress DAVE = MeshAddress.parse("00000000000000000000000000000004");
    /** own 3 (2 per destination); relayed 6, 4 per neighbour, 2 per origin and neighbour, 3 of unknown origins. */
    static final CustodyQueue.Limits SMALL = new CustodyQueue.Limits(3, 2, 6, 4, 2, 3);
    static final String HONEST = "lan:192.0.2.1:4242";
    static final String HOSTILE = "lan:192.0.2.66:4242";

    static MeshAddress address(int n) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x80;
        b[14] = (byte) (n >>> 8);
        b[15] = (byte) n;
        return MeshAddress.of(b);
    }

    static Optional<CustodyQueue.Entry> own(CustodyQueue q, MeshAddress to, int id) throws Exception {
        return q.acceptOwn(to, ME, id, 1, new byte[] {(byte) id}, 0, 1000, 60_000, MessageState.QUEUED, TrafficOrigin.LOCAL);
    }

    static Optional<CustodyQueue.Held> relayed(CustodyQueue q, MeshAddress from, int id, String neighbour, boolean known)
            throws Exception {
        return q.acceptRelayed(address(1000 + id), from, id, 1, new byte[] {(byte) id}, 1000, 60_000, neighbour, known,
                TrafficOrigin.LOCAL);
    }

    static CustodyQueue.Refusal refusal(CustodyQueue q, MeshAddress from, int id, String neighbour, boolean known) {
        return assertThrows(CustodyQueue.RefusedException.class, () -> relayed(q, from, id, neighbour, known)).reason();
    }

    @Test
    void ownQuotasRefuseClearlyAndStatesSurviveReopen(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(dir)) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            own(q, BOB, 1);
            own(q, BOB, 2);
            assertTrue(own(q, BOB, 2).isEmpty(), "the same message is held once");
            CustodyQueue.RefusedException e = assertThrows(CustodyQueue.RefusedException.class, () -> own(q, BOB, 3));
            assertEquals(CustodyQueue.Refusal.OWN_DESTINATION_FULL, e.reason());
            assertTrue(e.getMessage().contains("limit 2"), e.getMessage());
            q.acceptOwn(CAROL, ME, 4, 1, new byte[] {4}, 0, 1000, 1_000, MessageState.QUEUED, TrafficOrigin.DEVICE);
            e = assertThrows(CustodyQueue.RefusedException.class, () -> own(q, CAROL, 5));
            assertEquals(CustodyQueue.Refusal.OWN_FULL, e.reason());
            assertTrue(e.getMessage().contains("custody queue full"), e.getMessage());
            assertTrue(q.markDelivered(ME, 1, 2000));
            assertEquals(1, q.expire(5000), "message 4 outlived its time to live");
            assertEquals(1, q.pendingCount());
            assertEquals(1L, q.counters().get("OWN_FULL"));
            assertEquals(1L, q.counters().get("OWN_DESTINATION_FULL"));
        }
        try (Database db = Database.open(dir)) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            assertEquals(1, q.pendingCount());
            assertEquals(MessageState.DELIVERED, q.ownMessage(ME, 1).orElseThrow().state());
            assertEquals(MessageState.QUEUED, q.ownMessage(ME, 2).orElseThrow().state());
            assertEquals(MessageState.EXPIRED, q.ownMessage(ME, 4).orElseThrow().state());
            assertEquals(TrafficOrigin.DEVICE, q.ownMessage(ME, 4).orElseThrow().trafficOrigin(), "origin kept on disk");
            assertEquals(2, q.due(10_000, 10).get(0).messageId());
        }
    }

    /**
     * The race ReplayRouteHijackTest once lost: the frame went out, its ACK was handled before the attempt was
     * written down. The attempt counts; the message stays DELIVERED and is not due again.
     */
    @Test
    void anAttemptRecordedAfterItsAckCountsAndKeepsTheMessageDelivered() throws Exception {
        try (Database db = Database.inMemory()) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            CustodyQueue.Entry raced = own(q, BOB, 1).orElseThrow();
            assertTrue(q.markDelivered(ME, 1, 1500));
            assertFalse(q.recordAttempt(raced.id(), MessageState.SENT, 5000, 1600), "no longer pending");
            CustodyQueue.Entry after = q.ownMessage(ME, 1).orElseThrow();
            assertEquals(MessageState.DELIVERED, after.state());
            assertEquals(1, after.attempts(), "the frame did go out once");

            CustodyQueue.Entry plain = own(q, BOB, 2).orElseThrow();
            assertTrue(q.recordAttempt(plain.id(), MessageState.SENT, 5000, 1600), "still pending");
            assertEquals(MessageState.SENT, q.ownMessage(ME, 2).orElseThrow().state());
            assertEquals(1, q.ownMessage(ME, 2).orElseThrow().attempts());
            assertEquals(java.util.List.of(2), q.due(10_000, 10).stream().map(CustodyQueue.Entry::messageId).toList(),
                    "only the pending one is due again");
        }
    }

    @Test
    void framesHeldForOthersNeverCrowdOutOwnMessages() throws Exception {
        try (Database db = Database.inMemory()) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            for (int i = 0; i < 2; i++) relayed(q, address(i), i, HONEST, true);
            for (int i = 2; i < 6; i++) relayed(q, address(i), i, "lan:192.0.2." + i + ":4242", true);
            assertEquals(6, q.relayedPendingCount());
            assertEquals(CustodyQueue.Refusal.RELAYED_FULL, refusal(q, address(7), 7, HONEST, true));
            // Own messages have their budget whatever others made us hold, for any destination, BOB's too.
            assertTrue(own(q, BOB, 1).isPresent());
            assertTrue(own(q, address(1000), 2).isPresent(), "the destination of a held frame is ours to use");
            assertTrue(own(q, CAROL, 3).isPresent());
            assertEquals(3, q.ownPendingCount());
        }
    }

    @Test
    void aNeighbourAndAnOriginGetTheirShareAndNoMore() throws Exception {
        try (Database db = Database.inMemory()) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            relayed(q, BOB, 1, HOSTILE, true);
            relayed(q, BOB, 2, HOSTILE, true);
            assertEquals(CustodyQueue.Refusal.ORIGIN_FULL, refusal(q, BOB, 3, HOSTILE, true));
            // The same origin through another neighbour: a forger of BOB's address used its own allowance only.
            assertTrue(relayed(q, BOB, 4, HONEST, true).isPresent());
            relayed(q, CAROL, 5, HOSTILE, true);
            relayed(q, DAVE, 6, HOSTILE, true);
            assertEquals(CustodyQueue.Refusal.NEIGHBOUR_FULL, refusal(q, address(9), 7, HOSTILE, true));
            assertEquals(4, q.relayedPendingFrom(HOSTILE));
            assertTrue(relayed(q, CAROL, 8, HONEST, true).isPresent(), "other neighbours are not affected");
            assertEquals(1L, q.counters().get("ORIGIN_FULL"));
            assertEquals(1L, q.counters().get("NEIGHBOUR_FULL"));
        }
    }

    @Test
    void aNeighbourFullOfUnknownOriginsStillRelaysKnownOnes() throws Exception {
        try (Database db = Database.inMemory()) {
            CustodyQueue q = new CustodyQueue(db, new CustodyQueue.Limits(3, 2, 10, 4, 2, 8));
            // A neighbour whose allowance is full of unknown origins' frames still relays known ones: they give way.
            for (int i = 0; i < 4; i++) relayed(q, address(50 + i), 50 + i, "lan:192.0.2.7:4242", false);
            assertEquals(CustodyQueue.Refusal.NEIGHBOUR_FULL, refusal(q, address(60), 60, "lan:192.0.2.7:4242", false));
            assertEquals(address(50), relayed(q, DAVE, 61, "lan:192.0.2.7:4242", true).orElseThrow().displaced()
                    .orElseThrow().source());
            assertEquals(4, q.relayedPendingFrom("lan:192.0.2.7:4242"));
        }
    }

    @Test
    void knownOriginsArePreferredWhenSpaceIsShort() throws Exception {
        try (Database db = Database.inMemory()) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            // Forged sources are unknown origins: they may take 3 of the 6 places.
            relayed(q, address(1), 1, HOSTILE, false);
            relayed(q, address(2), 2, HOSTILE, false);
            relayed(q, address(3), 3, "lan:192.0.2.3:4242", false);
            assertEquals(CustodyQueue.Refusal.UNKNOWN_ORIGINS_FULL, refusal(q, address(4), 4, HONEST, false));
            assertEquals(3, q.unknownOriginPendingCount());
            relayed(q, BOB, 5, HONEST, true);
            relayed(q, CAROL, 6, HONEST, true);
            relayed(q, DAVE, 7, HONEST, true);
            assertEquals(6, q.relayedPendingCount());
            // Full: a known origin takes the place of the oldest unknown one of the neighbour holding the most.
            CustodyQueue.Held h = relayed(q, BOB, 8, "lan:192.0.2.9:4242", true).orElseThrow();
            CustodyQueue.Displaced d = h.displaced().orElseThrow();
            assertEquals(address(1), d.source());
            assertEquals(HOSTILE, d.neighbour());
            assertEquals(6, q.relayedPendingCount());
            assertEquals(2, q.unknownOriginPendingCount());
            assertEquals(1L, q.counters().get("DISPLACED"));
            // An unknown origin never displaces anything.
            assertEquals(CustodyQueue.Refusal.RELAYED_FULL, refusal(q, address(10), 10, HONEST, false));
            assertEquals(6, q.relayedPendingCount());
        }
    }

    @Test
    void anOriginWhoseKeyArrivesLaterCountsAsKnown() throws Exception {
        try (Database db = Database.inMemory()) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            relayed(q, BOB, 1, HONEST, false);
            relayed(q, CAROL, 2, HONEST, false);
            assertEquals(2, q.unknownOriginPendingCount());
            assertEquals(1, q.markOriginKnown(BOB));
            assertEquals(1, q.unknownOriginPendingCount());
            assertEquals(1, q.markOriginsKnown(Set.of(CAROL)::contains));
            assertEquals(0, q.unknownOriginPendingCount());
            assertEquals(2, q.relayedPendingCount());
        }
    }

    @Test
    void releaseAndExpiryKeepTheAccountingRight() throws Exception {
        try (Database db = Database.inMemory()) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            CustodyQueue.Entry a = relayed(q, BOB, 1, HONEST, false).orElseThrow().entry();
            relayed(q, CAROL, 2, HONEST, true);
            q.acceptRelayed(DAVE, DAVE, 3, 1, new byte[] {3}, 1000, 10, HOSTILE, false, TrafficOrigin.INTERNET);
            q.release(a.id());
            q.release(a.id());
            assertEquals(2, q.relayedPendingCount());
            assertEquals(1, q.unknownOriginPendingCount());
            assertEquals(1, q.expire(2000), "the frame for DAVE outlived its time");
            assertEquals(1, q.relayedPendingCount());
            assertEquals(0, q.unknownOriginPendingCount());
            assertEquals(0, q.relayedPendingFrom(HOSTILE));
        }
    }

    /**
     * Restart: the counts come back from the table, per neighbour and per origin too, so an attacker's frames
     * held before a restart still count against it, and our own budget is still apart.
     */
    @Test
    void accountingSurvivesARestartOnDisk(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(dir)) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            relayed(q, address(1), 1, HOSTILE, false);
            relayed(q, address(2), 2, HOSTILE, false);
            relayed(q, BOB, 3, HOSTILE, true);
            relayed(q, BOB, 4, HOSTILE, true);
            relayed(q, CAROL, 5, HONEST, true);
            relayed(q, CAROL, 6, HONEST, true);
            own(q, BOB, 1);
        }
        try (Database db = Database.open(dir)) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            assertEquals(6, q.relayedPendingCount());
            assertEquals(2, q.unknownOriginPendingCount());
            assertEquals(1, q.ownPendingCount());
            assertEquals(4, q.relayedPendingFrom(HOSTILE));
            assertEquals(CustodyQueue.Refusal.NEIGHBOUR_FULL, refusal(q, address(7), 7, HOSTILE, false));
            assertEquals(CustodyQueue.Refusal.ORIGIN_FULL, refusal(q, CAROL, 8, HONEST, true));
            // Full (6): a known origin displaces one of the two unknown ones the hostile neighbour holds.
            CustodyQueue.Displaced d = relayed(q, DAVE, 9, HONEST, true).orElseThrow().displaced().orElseThrow();
            assertEquals(HOSTILE, d.neighbour());
            assertEquals(CustodyQueue.Refusal.RELAYED_FULL, refusal(q, address(10), 10, HONEST, false));
            assertTrue(own(q, CAROL, 2).isPresent());
            assertTrue(own(q, DAVE, 3).isPresent());
        }
        try (Database db = Database.open(dir)) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            assertEquals(6, q.relayedPendingCount());
            assertEquals(1, q.unknownOriginPendingCount());
            assertEquals(3, q.ownPendingCount());
            assertEquals(3, q.relayedPendingFrom(HOSTILE));
        }
    }

    /**
     * A database written by a build before separate budgets (schema version 1: no neighbour, no origin flag),
     * holding more frames for others than the new relayed budget: migrated in place, the old frames count as of
     * unknown origin from one unrecorded neighbour, our own messages keep their budget, and frames of known
     * origins take the old frames' places.
     */
    @Test
    void aVersionOneDatabaseIsMigratedAndItsFramesCountAsOfUnknownOrigin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(Database.FILE_NAME);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            // The schema as version 1 created it, and its version row.
            st.execute("CREATE TABLE schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
            st.execute("CREATE TABLE custody (id INTEGER PRIMARY KEY AUTOINCREMENT, destination BLOB NOT NULL, "
                    + "source BLOB NOT NULL, message_id INTEGER NOT NULL, type INTEGER NOT NULL, frame BLOB NOT NULL, "
                    + "own INTEGER NOT NULL, priority INTEGER NOT NULL, created_at INTEGER NOT NULL, "
                    + "expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, "
                    + "state TEXT NOT NULL, updated_at INTEGER NOT NULL, UNIQUE(source, message_id, type))");
            st.execute("CREATE INDEX custody_due ON custody(state, next_attempt_at)");
            st.execute("CREATE INDEX custody_destination ON custody(destination, state)");
            st.execute("INSERT INTO schema_versions VALUES('custody', 1)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO custody(destination, source, message_id, type, "
                    + "frame, own, priority, created_at, expires_at, next_attempt_at, state, updated_at) "
                    + "VALUES(?,?,?,1,?,?,0,1000,999999999,1000,?,1000)")) {
                for (int i = 0; i < 10; i++) { // more than the relayed budget of 6: an old flood
                    ps.setBytes(1, address(100 + i).toBytes());
                    ps.setBytes(2, (i == 0 ? BOB : address(200 + i)).toBytes());
                    ps.setInt(3, i);
                    ps.setBytes(4, new byte[] {(byte) i});
                    ps.setInt(5, 0);
                    ps.setString(6, "QUEUED");
                    ps.executeUpdate();
                }
                ps.setBytes(1, CAROL.toBytes());
                ps.setBytes(2, ME.toBytes());
                ps.setInt(3, 77);
                ps.setBytes(4, new byte[] {77});
                ps.setInt(5, 1);
                ps.setString(6, "SENT");
                ps.executeUpdate();
            }
        }
        try (Database db = Database.open(dir)) {
            CustodyQueue q = new CustodyQueue(db, SMALL);
            assertEquals(2, db.version(CustodyQueue.COMPONENT));
            assertEquals(10, q.relayedPendingCount());
            assertEquals(10, q.unknownOriginPendingCount());
            assertEquals(10, q.relayedPendingFrom(CustodyQueue.UNRECORDED_NEIGHBOUR));
            assertEquals(1, q.ownPendingCount());
            CustodyQueue.Entry old = q.ownMessage(ME, 77).orElseThrow();
            assertTrue(old.originKnown());
            assertEquals(TrafficOrigin.LOCAL, old.trafficOrigin(), "no origin recorded before: LOCAL, as it was treated");
            assertEquals(MessageState.SENT, old.state());
            // BOB's key is known to the node: its old frame is of a known origin now.
            assertEquals(1, q.markOriginsKnown(Set.of(BOB)::contains));
            assertEquals(9, q.unknownOriginPendingCount());
            assertTrue(own(q, CAROL, 1).isPresent(), "own messages are accepted despite the old flood");
            assertEquals(CustodyQueue.Refusal.UNKNOWN_ORIGINS_FULL, refusal(q, address(300), 300, HONEST, false));
            CustodyQueue.Held h = relayed(q, DAVE, 301, HONEST, true).orElseThrow();
            assertEquals(CustodyQueue.UNRECORDED_NEIGHBOUR, h.displaced().orElseThrow().neighbour());
            assertEquals(10, q.relayedPendingCount());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM custody WHERE own = 0 AND neighbour = ''")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "every row has its neighbour column filled");
        }
        try (Database db = Database.open(dir)) {
            assertFalse(new CustodyQueue(db, SMALL).ownMessages(10).isEmpty(), "a second open does not migrate again");
        }
    }
}
