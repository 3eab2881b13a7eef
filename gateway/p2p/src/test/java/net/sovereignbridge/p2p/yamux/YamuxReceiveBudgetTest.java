package net.sovereignbridge.p2p.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.p2p.connection.InMemoryDuplex;
import org.junit.jupiter.api.Test;

/** Streams reserve one window from the session's budget while open, in both directions, and give it back. */
class YamuxReceiveBudgetTest {
    static final int W = YamuxConfig.SPEC_INITIAL_WINDOW;

    static void waitUntil(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void streamsBeyondTheBudgetAreRefusedAndReservationsComeBack() throws Exception {
        ReceiveBudget host = new ReceiveBudget("host", 4L * W, W); // 3 windows for inbound, 1 more for ours
        ReceiveBudget conn = host.child("connection", 3L * W);
        LinkedBlockingQueue<YamuxStream> inbound = new LinkedBlockingQueue<>();
        InMemoryDuplex[] ends = InMemoryDuplex.pair(64 * 1024);
        YamuxSession peer = new YamuxSession(ends[0], true, YamuxConfig.defaults(), s -> { });
        YamuxSession us = new YamuxSession(ends[1], false, YamuxConfig.defaults(), conn, inbound::add);
        try {
            peer.start();
            us.start();
            // the peer opens three streams: two fit; we open one (the connection's third window)
            YamuxStream p1 = peer.openStream();
            YamuxStream p2 = peer.openStream();
            assertTrue(inbound.poll(5, TimeUnit.SECONDS) != null && inbound.poll(5, TimeUnit.SECONDS) != null);
            YamuxStream ours = us.openStream();
            assertEquals(3L * W, conn.reserved());
            assertEquals(3L * W, host.reserved());
            // the connection budget is spent: the peer's next stream is reset, ours fails
            YamuxStream p3 = peer.openStream();
            IOException refused = assertThrows(IOException.class, () -> p3.input().read());
            assertTrue(refused.getMessage().contains("reset"), refused.getMessage());
            IOException e = assertThrows(IOException.class, us::openStream);
            assertTrue(e.getMessage().contains("connection receive buffer budget spent"), e.getMessage());
            assertEquals(3L * W, host.reserved(), "refusals reserve nothing");
            assertTrue(!us.isClosed(), "only streams are refused");

            // a stream freed (RST) gives its window back, and a new one fits again
            p1.reset();
            waitUntil(() -> conn.reserved() == 2L * W, "p1's window released");
            YamuxStream p4 = peer.openStream();
            p4.output().write(42);
            p4.output().flush();
            YamuxStream served = null;
            while (served == null || served.id() != p4.id()) served = inbound.poll(5, TimeUnit.SECONDS);
            assertEquals(42, served.input().read());
            assertEquals(3L * W, conn.reserved());
            assertEquals(3L * W, host.peak());
            assertNull(host.tryReserve(W, false), "the host's kept quarter is there for our own streams");
            host.release(W);
        } finally {
            us.close();
            peer.close();
        }
        // closing the session gives back every window its open streams held
        assertEquals(0, conn.reserved());
        assertEquals(0, host.reserved());
    }

    @Test
    void theKeptShareIsOnlyForOutboundStreams() {
        ReceiveBudget b = new ReceiveBudget("host", 4L * W, 2L * W);
        assertNull(b.tryReserve(2L * W, true));
        String why = b.tryReserve(1, true);
        assertTrue(why != null && why.contains("host receive buffer budget spent") && why.contains("kept for our own streams"), why);
        assertNull(b.tryReserve(2L * W, false));
        assertTrue(b.tryReserve(1, false) != null);
        b.release(4L * W);
        assertEquals(0, b.reserved());
        assertThrows(IllegalStateException.class, () -> b.release(1));
    }

    @Test
    void unreadDataKeepsItsReservationAfterBothFinsUntilRead() throws Exception {
        ReceiveBudget budget = new ReceiveBudget("connection", 2L * W, 0);
        LinkedBlockingQueue<YamuxStream> inbound = new LinkedBlockingQueue<>();
        InMemoryDuplex[] ends = InMemoryDuplex.pair(64 * 1024);
        YamuxSession peer = new YamuxSession(ends[0], true, YamuxConfig.defaults(), s -> { });
        YamuxSession us = new YamuxSession(ends[1], false, YamuxConfig.defaults(), budget, inbound::add);
        try {
            peer.start();
            us.start();
            YamuxStream p = peer.openStream();
            p.output().write(new byte[100_000]);
            p.closeWrite();
            YamuxStream s = inbound.poll(5, TimeUnit.SECONDS);
            s.closeWrite(); // FIN both ways: the stream is freed, but 100000 bytes are still unread
            waitUntil(() -> us.activeStreams() == 0, "the stream is freed");
            assertEquals(W, budget.reserved(), "freed but unread: still reserved");
            assertEquals(100_000, s.input().readAllBytes().length);
            assertEquals(0, budget.reserved(), "read to the end: released");
        } finally {
            us.close();
            peer.close();
        }
    }
}
