package net.sovereignbridge.mesh.custody;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustodyQueueTest {
    static final MeshAddress ME = MeshAddress.parse("00000000000000000000000000000001");
    static final MeshAddress BOB = MeshAddress.parse("00000000000000000000000000000002");
    static final MeshAddress CAROL = MeshAddress.parse("00000000000000000000000000000003");

    @Test
    void quotasRefuseClearlyAndStatesSurviveReopen(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(dir)) {
            CustodyQueue q = new CustodyQueue(db, 2, 3);
            q.accept(BOB, ME, 1, 1, new byte[] {1}, true, 0, 1000, 60_000, MessageState.QUEUED);
            q.accept(BOB, ME, 2, 1, new byte[] {2}, true, 0, 1000, 60_000, MessageState.QUEUED);
            assertTrue(q.accept(BOB, ME, 2, 1, new byte[] {2}, true, 0, 1000, 60_000, MessageState.QUEUED).isEmpty(),
                    "the same message is held once");
            CustodyQueue.RefusedException e = assertThrows(CustodyQueue.RefusedException.class,
                    () -> q.accept(BOB, ME, 3, 1, new byte[] {3}, true, 0, 1000, 60_000, MessageState.QUEUED));
            assertTrue(e.getMessage().contains("limit 2"), e.getMessage());
            q.accept(CAROL, ME, 4, 1, new byte[] {4}, true, 0, 1000, 1_000, MessageState.QUEUED);
            e = assertThrows(CustodyQueue.RefusedException.class,
                    () -> q.accept(CAROL, ME, 5, 1, new byte[] {5}, true, 0, 1000, 60_000, MessageState.QUEUED));
            assertTrue(e.getMessage().contains("custody queue full"), e.getMessage());
            assertTrue(q.markDelivered(ME, 1, 2000));
            assertEquals(1, q.expire(5000), "message 4 outlived its time to live");
            assertEquals(1, q.pendingCount());
        }
        try (Database db = Database.open(dir)) {
            CustodyQueue q = new CustodyQueue(db, 2, 3);
            assertEquals(1, q.pendingCount());
            assertEquals(MessageState.DELIVERED, q.ownMessage(ME, 1).orElseThrow().state());
            assertEquals(MessageState.QUEUED, q.ownMessage(ME, 2).orElseThrow().state());
            assertEquals(MessageState.EXPIRED, q.ownMessage(ME, 4).orElseThrow().state());
            assertEquals(2, q.due(10_000, 10).get(0).messageId());
        }
    }
}
