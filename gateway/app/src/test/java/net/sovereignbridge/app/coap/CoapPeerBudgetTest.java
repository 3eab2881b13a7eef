package net.sovereignbridge.app.coap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CoapPeerBudgetTest {
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final List<String> evicted = new ArrayList<>();
    /** 8 slots, 3 per peer, the last 2 for newcomers; idle after 10 ns of our clock. */
    final PeerBudget<String> budget = new PeerBudget<>(8, 3, 2, 10, clock::get, evicted::add);

    private boolean take(String peer, String key) {
        if (!budget.makeRoom(peer)) return false;
        budget.add(key, peer);
        return true;
    }

    @Test
    void onePeerGetsItsShareAndNoMore() {
        assertTrue(take("uid:65534", "a1"));
        assertTrue(take("uid:65534", "a2"));
        assertTrue(take("uid:65534", "a3"));
        assertFalse(take("uid:65534", "a4"), "per-peer limit");
        assertEquals(1, budget.refused());
        assertEquals(3, budget.held("uid:65534"));
        assertTrue(take("uid:0", "o1"), "another peer is not affected");
    }

    @Test
    void theReserveIsKeptForPeersHoldingNothing() {
        for (String p : new String[] {"p1", "p2", "p3"}) {
            assertTrue(take(p, p + "a"));
            assertTrue(take(p, p + "b"));
        }
        // 6 of 8 taken: the last 2 are the reserve
        assertFalse(take("p1", "p1c"), "a peer that holds slots cannot take the reserve");
        assertTrue(take("newcomer", "n1"), "a newcomer can");
        assertTrue(take("other", "x1"));
        assertFalse(take("third", "t1"), "full, nothing idle");
        assertTrue(evicted.isEmpty());
    }

    @Test
    void idleSlotsAreTakenOverBusyOnesAreNot() {
        for (int i = 0; i < 8; i++) assertTrue(take("p" + i, "k" + i));
        assertFalse(take("late", "l1"));
        clock.addAndGet(11);
        budget.touch("k3"); // k3 is active again, the rest idle
        assertTrue(take("late", "l1"), "an idle slot is taken over");
        assertEquals(List.of("k0"), evicted, "the one idle longest (first in, untouched)");
        assertFalse(budget.contains("k0"));
        assertTrue(budget.contains("k3"));
        budget.touchWhere(k -> k.startsWith("k"));
        assertFalse(take("later", "l2"), "all active again");
    }

    @Test
    void atItsLimitAPeerReplacesOnlyItsOwnIdleSlot() {
        assertTrue(take("p", "a"));
        assertTrue(take("p", "b"));
        assertTrue(take("p", "c"));
        assertTrue(take("q", "q1"));
        clock.addAndGet(11);
        assertTrue(take("p", "d"));
        assertEquals(List.of("a"), evicted, "p's own idle slot, not q's");
        assertTrue(budget.contains("q1"));
        budget.release("d");
        assertEquals(2, budget.held("p"));
    }
}
