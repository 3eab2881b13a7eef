package net.sovereignbridge.p2p.connmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.p2p.connmgr.ConnectionManager.Connection;
import net.sovereignbridge.p2p.connmgr.ConnectionManager.Direction;
import net.sovereignbridge.p2p.connmgr.ConnectionManager.LimitExceededException;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.peerstore.PeerStore;
import net.sovereignbridge.p2p.storage.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ConnectionManagerTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ConnectionLimits SMALL = new ConnectionLimits(2, 1, 1, 1, 2, 1000, 1500);

    private static byte[] newPeer() {
        return PeerId.toBytes(NodeIdentity.generate(RANDOM).publicIdentity().publicKey());
    }

    @Test
    void backoffDoublesFromOneSecondToFiveMinutes() {
        Backoff b = Backoff.DEFAULT;
        assertEquals(1_000, b.delayMs(1, 0.5));
        assertEquals(2_000, b.delayMs(2, 0.5));
        assertEquals(4_000, b.delayMs(3, 0.5));
        assertEquals(256_000, b.delayMs(9, 0.5));
        assertEquals(300_000, b.delayMs(10, 0.5));
        assertEquals(300_000, b.delayMs(1_000_000, 0.99));
        assertEquals(240_000, b.delayMs(50, 0.0)); // jitter below the cap
        assertEquals(1_000, b.delayMs(1, 0.0));     // never below the initial delay
        assertEquals(4_798, b.delayMs(3, 0.999)); // up to +20 %
    }

    @Property(tries = 500)
    void backoffStaysInBoundsAndNeverShrinksByMoreThanTheJitter(@ForAll @IntRange(min = 1, max = 100) int failures,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double r1,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double r2) {
        long d = Backoff.DEFAULT.delayMs(failures, r1);
        assertTrue(d >= 1_000 && d <= 300_000, "delay " + d);
        long next = Backoff.DEFAULT.delayMs(failures + 1, r2);
        assertTrue(next >= d * 0.8 / 1.2 - 1, d + " then " + next);
    }

    @Test
    void connectionsPastTheLimitsAreRefusedWithAReason() throws Exception {
        try (ConnectionManager m = new ConnectionManager(SMALL, Backoff.DEFAULT, null, new Random(1))) {
            byte[] a = newPeer();
            byte[] b = newPeer();
            Connection in1 = m.onConnected(a, Direction.INBOUND, "127.0.0.1:1");
            LimitExceededException perPeer = assertThrows(LimitExceededException.class,
                    () -> m.onConnected(a, Direction.INBOUND, "127.0.0.1:2"));
            assertTrue(perPeer.getMessage().contains("connections with this peer (limit 1)"), perPeer.getMessage());
            m.onConnected(b, Direction.INBOUND, "127.0.0.1:3");
            LimitExceededException inbound = assertThrows(LimitExceededException.class,
                    () -> m.onConnected(newPeer(), Direction.INBOUND, "127.0.0.1:4"));
            assertTrue(inbound.getMessage().contains("2 inbound connections (limit 2)"), inbound.getMessage());
            assertFalse(m.tryBeginHandshake("127.0.0.1:5")); // inbound full: not even a handshake
            byte[] c = newPeer();
            assertNull(m.whyNotDial(c));
            m.onConnected(c, Direction.OUTBOUND, "127.0.0.1:6");
            assertTrue(m.whyNotDial(newPeer()).contains("outbound connections (limit 1)"));
            assertThrows(LimitExceededException.class, () -> m.onConnected(newPeer(), Direction.OUTBOUND, "x"));
            m.onDisconnected(in1);
            m.onDisconnected(in1); // twice is harmless
            assertEquals(2, m.connections().size());
            assertTrue(m.tryBeginHandshake("127.0.0.1:7"));
            assertFalse(m.tryBeginHandshake("127.0.0.1:8")); // one handshake at a time
            m.endHandshake();
            m.onConnected(a, Direction.INBOUND, "127.0.0.1:7");
        }
    }

    @Test
    void streamsAndBufferedBytesAreBoundedPerConnectionAndInTotal() throws Exception {
        try (ConnectionManager m = new ConnectionManager(SMALL, Backoff.DEFAULT, null, new Random(1))) {
            Connection x = m.onConnected(newPeer(), Direction.INBOUND, "x");
            Connection y = m.onConnected(newPeer(), Direction.INBOUND, "y");
            assertTrue(x.tryOpenStream());
            assertTrue(x.tryOpenStream());
            assertFalse(x.tryOpenStream());
            x.streamClosed();
            assertTrue(x.tryOpenStream());
            assertTrue(x.tryBuffer(900));
            assertFalse(x.tryBuffer(101));   // 1000 per connection
            assertTrue(y.tryBuffer(600));
            assertFalse(y.tryBuffer(1));     // 1500 in total
            x.released(500);
            assertTrue(y.tryBuffer(1));
            assertEquals(1001, m.totalBuffered());
            m.onDisconnected(y);             // a closed connection gives its budget back
            assertEquals(400, m.totalBuffered());
            assertFalse(y.tryBuffer(1));
            assertFalse(y.tryOpenStream());
        }
    }

    /** A host whose dials fail a set number of times, then connect and report the connection. */
    private static final class ScriptedHost implements OverlayHost {
        final List<Long> dialTimes = new CopyOnWriteArrayList<>();
        final LinkedBlockingQueue<Connection> connected = new LinkedBlockingQueue<>();
        final AtomicInteger failuresLeft;
        final byte[] peer;
        ConnectionManager manager;

        ScriptedHost(int failures, byte[] peer) {
            this.failuresLeft = new AtomicInteger(failures);
            this.peer = peer;
        }

        @Override
        public void dial(Multiaddr address) throws IOException {
            dialTimes.add(System.nanoTime());
            if (failuresLeft.getAndDecrement() > 0) throw new IOException("connection refused (scripted)");
            connected.add(manager.onConnected(peer, Direction.OUTBOUND, address.toString()));
        }
    }

    @Test
    @Timeout(60)
    void staticPeersAreRedialledWithGrowingBackoffAndResetOnSuccess(@TempDir Path dir) throws Exception {
        byte[] peer = newPeer();
        Multiaddr address = Multiaddr.parse("/ip4/127.0.0.1/tcp/9/ws/p2p/" + PeerId.encode(PeerId.fromBytes(peer)));
        try (Database db = Database.open(dir);
                // stableMs 0: every established connection counts as a success.
                ConnectionManager m = new ConnectionManager(ConnectionLimits.DEFAULT, new Backoff(50, 1000, 0),
                        new PeerStore(TestStores.of(db)), new Random(7))) {
            PeerStore store = new PeerStore(TestStores.of(db));
            ScriptedHost host = new ScriptedHost(3, peer);
            host.manager = m;
            m.setHost(host);
            m.addStaticPeer(address);
            m.start();
            Connection c = host.connected.poll(20, TimeUnit.SECONDS);
            assertTrue(c != null, "connected after three failures");
            assertEquals(4, host.dialTimes.size());
            // Waits after failures 1, 2, 3: at least 0.8 x 50, 100, 200 ms (timers never fire early).
            long[] gaps = new long[3];
            for (int i = 0; i < 3; i++) gaps[i] = (host.dialTimes.get(i + 1) - host.dialTimes.get(i)) / 1_000_000;
            assertTrue(gaps[0] >= 40 && gaps[1] >= 80 && gaps[2] >= 160, java.util.Arrays.toString(gaps));
            assertEquals(0, m.failures(peer));
            PeerStore.PeerRecord r = store.get(peer).orElseThrow();
            assertEquals(0, r.failures());
            assertTrue(r.lastConnectedMs() > 0);

            // Lost after a success: redialled from the initial delay, not from where the backoff was.
            host.failuresLeft.set(1);
            long lost = System.nanoTime();
            m.onDisconnected(c);
            assertTrue(host.connected.poll(20, TimeUnit.SECONDS) != null, "reconnected");
            assertEquals(6, host.dialTimes.size());
            long firstRedial = (host.dialTimes.get(4) - lost) / 1_000_000;
            assertTrue(firstRedial >= 50, "first redial after " + firstRedial + " ms");
            assertEquals(0, m.failures(peer));
            assertEquals(1, m.connections().size());
        }
    }

    @Test
    @Timeout(60)
    void aPeerThatDropsEveryConnectionAtOnceIsRedialledWithGrowingGaps() throws Exception {
        byte[] peer = newPeer();
        Multiaddr address = Multiaddr.parse("/ip4/127.0.0.1/tcp/9/p2p/" + PeerId.encode(PeerId.fromBytes(peer)));
        try (ConnectionManager m = new ConnectionManager(ConnectionLimits.DEFAULT, new Backoff(50, 1000, 10_000), null,
                new Random(9))) {
            ScriptedHost host = new ScriptedHost(0, peer);
            host.manager = m;
            m.setHost(host);
            m.addStaticPeer(address);
            m.start();
            List<Long> disconnects = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Connection c = host.connected.poll(20, TimeUnit.SECONDS);
                assertTrue(c != null, "connection " + i);
                disconnects.add(System.nanoTime());
                m.onDisconnected(c); // the peer drops it at once
            }
            assertEquals(4, m.flaps(peer)); // four short connections in a row
            // Redial waits after flaps 1, 2, 3: at least 0.8 x 100, 200, 400 ms.
            for (int i = 0; i < 3; i++) {
                long gap = (host.dialTimes.get(i + 1) - disconnects.get(i)) / 1_000_000;
                assertTrue(gap >= 80L << i, "gap " + i + ": " + gap + " ms");
            }
        }
    }

    @Test
    void aStaticPeerAddressMustNameThePeer() throws Exception {
        try (ConnectionManager m = new ConnectionManager(SMALL, Backoff.DEFAULT, null, new Random(1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.addStaticPeer(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001")));
            assertTrue(e.getMessage().contains("/p2p"), e.getMessage());
            assertThrows(IllegalStateException.class, m::start); // no host plugged in
        }
    }
}
