package net.sovereignbridge.p2p.relay;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.identify.IdentifyService;
import net.sovereignbridge.p2p.ping.PingService;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.Reachability;
import net.sovereignbridge.p2p.host.StreamTools;
import net.sovereignbridge.p2p.host.TcpConnectionTransport;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

/** Our relay serving our clients over TCP on 127.0.0.1: reservations, circuits, limits, caps, renewal. */
class RelayLoopbackTest {
    /** A node with the circuit transport and, when {@code relay} is given, the relay service. */
    record Node(Libp2pHost host, CircuitTransport circuits, RelayService relay) implements AutoCloseable {
        static Node start(RelayConfig relay) throws Exception {
            CircuitTransport t = new CircuitTransport();
            RelayService r = relay == null ? null : new RelayService(relay);
            // the standard host's parts, with a circuit transport the test can ask about its reservations
            Libp2pHost.Builder b = Libp2pHost.builder(NodeIdentity.generate(new SecureRandom())).config(HostConfig.defaults())
                    .transport(new TcpConnectionTransport()).transport(t).service(t)
                    .service(new IdentifyService()).service(new PingService());
            if (r != null) b.service(r);
            Libp2pHost h = b.build();
            h.setHandler(StreamTools.ECHO, StreamTools::echo);
            h.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            return new Node(h, t, r);
        }

        Multiaddr addr() {
            return host.fullListenAddrs().get(0);
        }

        /** Our relayed address through {@code relay}: {@code <relay>/p2p/R/p2p-circuit}. */
        Multiaddr listenThrough(Node relay) throws Exception {
            return host.listen(Multiaddr.parse(relay.addr() + "/p2p-circuit"));
        }

        @Override
        public void close() {
            host.close();
        }
    }

    static RelayConfig on() {
        return RelayConfig.defaults().withMode(RelayConfig.Mode.ON);
    }

    @Test
    void aClientReachableOnlyThroughTheRelayIsDialledAndEchoes() throws Exception {
        try (Node r = Node.start(on()); Node a = Node.start(null); Node b = Node.start(null)) {
            Multiaddr relayed = a.listenThrough(r);
            assertEquals(Multiaddr.parse(r.addr() + "/p2p-circuit"), relayed);
            Multiaddr advertised = Multiaddr.parse(relayed + "/p2p/" + a.host().peerId());
            assertTrue(a.host().fullListenAddrs().contains(advertised), a.host().fullListenAddrs().toString());
            assertEquals(1, r.relay().reservations());
            assertTrue(a.host().protocols().contains(RelayService.STOP), "stop is served while we hold a reservation");
            assertFalse(b.host().protocols().contains(RelayService.STOP), "and not without one");

            Connection c = b.host().dial(advertised);
            assertEquals(a.host().peerId(), c.remotePeerId());
            assertTrue(c.remoteAddr().isRelayed(), c.remoteAddr().toString());
            try (P2pStream s = c.newStream(List.of(StreamTools.ECHO))) {
                StreamTools.EchoResult e = StreamTools.echoClient(s, 64 * 1024, 3);
                assertEquals(64 * 1024, e.received());
                assertEquals(e.sentSha256(), e.receivedSha256());
            }
            Connection atA = a.host().connection(b.host().peerId()).orElseThrow();
            assertFalse(atA.outbound());
            assertTrue(atA.remoteAddr().isRelayed());
            // identify ran inside the circuit too
            assertEquals(a.host().peerId(), PeerIdOf.identified(c));
            assertEquals(1, r.relay().counters()[1], "one circuit opened");
            assertTrue(r.relay().counters()[3] > 64 * 1024, "the relay carried the echo both ways");

            c.close();
            waitFor(() -> r.relay().activeCircuits() == 0, "the circuit ends at the relay when the connection closes");
            waitFor(() -> a.host().connection(b.host().peerId()).isEmpty(), "the target sees the close");
        }
    }

    @Test
    void theDataLimitEndsTheCircuitAndTheCallerMayDialAgain() throws Exception {
        try (Node r = Node.start(on().withCircuitLimit(Duration.ofMinutes(2), 32 * 1024)); Node a = Node.start(null);
             Node b = Node.start(null)) {
            Multiaddr target = Multiaddr.parse(a.listenThrough(r) + "/p2p/" + a.host().peerId());
            Connection c = b.host().dial(target);
            try (P2pStream s = c.newStream(List.of(StreamTools.ECHO))) {
                assertThrows(Exception.class, () -> StreamTools.echoClient(s, 256 * 1024, 4));
            }
            waitFor(() -> !c.isOpen(), "the relay reset the circuit after 32 KiB");
            assertTrue(r.relay().counters()[3] <= 2 * 32 * 1024 + 2 * 16 * 1024, "no more than the limit per direction went through: " + r.relay().counters()[3]);
            Connection again = b.host().dial(target);
            assertTrue(again.isOpen());
            assertNotSame(c, again);
        }
    }

    @Test
    void theDurationLimitEndsTheCircuit() throws Exception {
        try (Node r = Node.start(on().withCircuitLimit(Duration.ofSeconds(1), 0)); Node a = Node.start(null);
             Node b = Node.start(null)) {
            Connection c = b.host().dial(Multiaddr.parse(a.listenThrough(r) + "/p2p/" + a.host().peerId()));
            assertTrue(c.isOpen());
            waitFor(() -> !c.isOpen(), "the relay reset the circuit after 1 s");
            assertEquals(0, r.relay().activeCircuits());
        }
    }

    @Test
    void refusalsNameTheirReason() throws Exception {
        try (Node r = Node.start(on().withCaps(1, 8, 16, 4)); Node a = Node.start(null); Node b = Node.start(null);
             Node off = Node.start(RelayConfig.defaults())) {
            // no reservation for the target
            IOException e = assertThrows(IOException.class,
                    () -> b.host().dial(Multiaddr.parse(r.addr() + "/p2p-circuit/p2p/" + a.host().peerId())));
            assertTrue(e.getMessage().contains("NO_RESERVATION"), e.getMessage());
            // the reservation cap (1): the second client is refused
            a.listenThrough(r);
            e = assertThrows(IOException.class, () -> b.listenThrough(r));
            assertTrue(e.getMessage().contains("RESERVATION_REFUSED"), e.getMessage());
            assertTrue(b.host().listenAddrs().stream().noneMatch(Multiaddr::isRelayed), "a refused reservation is not advertised");
            // a relay in AUTO mode whose reachability is not PUBLIC does not serve hop at all
            e = assertThrows(IOException.class, () -> b.listenThrough(off));
            assertTrue(e.getMessage().contains("supports none"), e.getMessage());
            off.host().setReachability(Reachability.PUBLIC, "test");
            assertTrue(off.relay().serving());
            b.listenThrough(off);
            off.host().setReachability(Reachability.PRIVATE, "test");
            assertFalse(off.relay().serving());
            assertEquals(0, off.relay().reservations(), "reservations are dropped when the service stops");
            // malformed addresses
            e = assertThrows(IOException.class, () -> b.host().dial(Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p-circuit/p2p/" + a.host().peerId())));
            assertTrue(e.getMessage().contains("needs /p2p/<relay>"), e.getMessage());
        }
    }

    @Test
    void theClientRenewsBeforeExpiryAndAfterLosingTheRelay() throws Exception {
        try (Node r = Node.start(on().withReservationTtl(Duration.ofSeconds(2))); Node a = Node.start(null);
             Node b = Node.start(null)) {
            a.listenThrough(r);
            String relayId = r.host().peerId();
            waitFor(() -> a.circuits().reservationsMade(relayId) >= 3, "renewed twice within 2 s reservations");
            // the relay drops reservations whose connection ends: the client reserves again
            long before = a.circuits().reservationsMade(relayId);
            r.host().connection(a.host().peerId()).orElseThrow().close("test: relay hangs up");
            waitFor(() -> a.circuits().reservationsMade(relayId) > before && r.relay().reservations() == 1, "reserved again");
            Connection c = b.host().dial(Multiaddr.parse(r.addr() + "/p2p-circuit/p2p/" + a.host().peerId()));
            assertTrue(c.isOpen());
        }
    }

    /** Identify's answer, read through the circuit. */
    static final class PeerIdOf {
        static String identified(Connection c) throws Exception {
            c.identified().get(10, TimeUnit.SECONDS);
            return c.remotePeerId();
        }
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within 15 s: " + what);
            Thread.sleep(20);
        }
    }
}
