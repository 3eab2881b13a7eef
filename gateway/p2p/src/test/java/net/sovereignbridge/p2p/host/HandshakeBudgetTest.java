package net.sovereignbridge.p2p.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The admission rules of {@link HandshakeBudget}, on a clock the test moves. */
class HandshakeBudgetTest {
    final AtomicLong now = new AtomicLong();
    /** 8 slots, 2 per address, 2 kept for addresses with none pending, evictable after 2 s. */
    final HandshakeBudget budget = new HandshakeBudget(HandshakeBudget.Limits.of(8, Duration.ofSeconds(10)), now::get);

    static final class Conn implements Closeable {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    HandshakeBudget.Ticket admit(String address, Conn c) throws HandshakeBudget.RefusedException {
        return budget.admit(address, c);
    }

    @Test
    void theStandardSharesAreAQuarter() {
        HandshakeBudget.Limits l = HandshakeBudget.Limits.of(16, Duration.ofSeconds(10));
        assertEquals(4, l.perAddress());
        assertEquals(4, l.reservedForNewAddresses());
        assertEquals(Duration.ofSeconds(2), l.evictableAfter());
        HandshakeBudget.Limits one = HandshakeBudget.Limits.of(1, Duration.ofSeconds(10));
        assertEquals(1, one.perAddress());
        assertEquals(0, one.reservedForNewAddresses());
        assertThrows(IllegalArgumentException.class, () -> new HandshakeBudget.Limits(4, 5, 0, Duration.ZERO));
    }

    @Test
    void oneAddressHoldsItsShareAndGetsItBackWhenAHandshakeEnds() throws Exception {
        HandshakeBudget.Ticket a = admit("192.0.2.1", new Conn());
        admit("192.0.2.1", new Conn());
        HandshakeBudget.RefusedException e = assertThrows(HandshakeBudget.RefusedException.class, () -> admit("192.0.2.1", new Conn()));
        assertTrue(e.getMessage().contains("limit per address 2"), e.getMessage());
        a.close();
        a.close(); // idempotent
        assertEquals(1, budget.pending("192.0.2.1"));
        admit("192.0.2.1", new Conn());
        assertEquals(1, budget.refused());
    }

    @Test
    void theReserveIsOnlyForAddressesWithNonePending() throws Exception {
        // three addresses take two each: 6 of 8, the shared part (8 - 2 reserved) is full
        for (int i = 1; i <= 3; i++) {
            admit("192.0.2." + i, new Conn());
            admit("192.0.2." + i, new Conn());
        }
        admit("192.0.2.4", new Conn()); // a new address: into the reserve
        // .4 now has one pending, so its second may not use the reserve; nothing is old enough to evict
        HandshakeBudget.RefusedException e = assertThrows(HandshakeBudget.RefusedException.class, () -> admit("192.0.2.4", new Conn()));
        assertTrue(e.getMessage().contains("kept for addresses with none"), e.getMessage());
        admit("192.0.2.5", new Conn()); // the last reserved slot, for another new address
        assertEquals(8, budget.pending());
        assertEquals(0, budget.evictions());
    }

    @Test
    void whenFullTheOldestOfTheHeaviestAddressIsEvictedForALighterNewcomer() throws Exception {
        HandshakeBudget b = new HandshakeBudget(new HandshakeBudget.Limits(4, 3, 0, Duration.ofSeconds(2)), now::get);
        List<Conn> heavy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Conn c = new Conn();
            heavy.add(c);
            b.admit("198.51.100.1", c);
            now.addAndGet(1_000_000);
        }
        b.admit("198.51.100.2", new Conn());
        HandshakeBudget.Ticket newcomer = b.admit("198.51.100.3", new Conn()); // full: .1 holds 3 > 1
        assertTrue(heavy.get(0).closed, "the heaviest address's oldest handshake was closed");
        assertFalse(heavy.get(1).closed);
        assertEquals(2, b.pending("198.51.100.1"));
        assertEquals(1, b.evictions());
        assertFalse(newcomer.evicted());
    }

    @Test
    void whenFullAmongEqualsOnlyAHandshakeOlderThanTheLimitIsEvicted() throws Exception {
        HandshakeBudget b = new HandshakeBudget(new HandshakeBudget.Limits(3, 1, 0, Duration.ofSeconds(2)), now::get);
        Conn oldest = new Conn();
        HandshakeBudget.Ticket first = b.admit("203.0.113.1", oldest);
        now.addAndGet(Duration.ofMillis(500).toNanos());
        b.admit("203.0.113.2", new Conn());
        b.admit("203.0.113.3", new Conn());
        assertThrows(HandshakeBudget.RefusedException.class, () -> b.admit("203.0.113.4", new Conn()), "nobody is slow yet");
        now.addAndGet(Duration.ofMillis(1600).toNanos()); // the first is 2.1 s old, the others 1.6 s
        b.admit("203.0.113.4", new Conn());
        assertTrue(oldest.closed);
        assertTrue(first.evicted());
        first.close(); // its upgrade ends later: gives back nothing twice
        assertEquals(3, b.pending());
    }

    @Test
    void shareKeysAreAddressesForIpv4AndSlash64ForIpv6() throws Exception {
        assertEquals("192.0.2.1", RemoteAddress.shareKey(java.net.InetAddress.getByName("192.0.2.1")));
        assertEquals("192.0.2.1", RemoteAddress.shareKey(java.net.InetAddress.getByName("::ffff:192.0.2.1")));
        assertEquals(RemoteAddress.shareKey(java.net.InetAddress.getByName("2001:db8:1:2::1")),
                RemoteAddress.shareKey(java.net.InetAddress.getByName("2001:db8:1:2:ffff::9")));
        assertEquals("2001:db8:1:2:0:0:0:0/64", RemoteAddress.shareKey(java.net.InetAddress.getByName("2001:db8:1:2::1")));
        assertEquals("192.0.2.1", RemoteAddress.shareKey(net.sovereignbridge.p2p.multiaddr.Multiaddr.parse("/ip4/192.0.2.1/tcp/4001/ws")));
    }
}
