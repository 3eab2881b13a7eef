package net.sovereignbridge.p2p.autonat;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.StandardHost;
import net.sovereignbridge.p2p.autonat.AutonatMessage.Status;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.HostListener;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.Reachability;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

/** AutoNAT v1 between our hosts on 127.0.0.1: deciding PUBLIC and PRIVATE, and the server's refusals. */
class AutonatLoopbackTest {
    record Node(Libp2pHost host, AutonatService autonat) implements AutoCloseable {
        static Node start(AutonatConfig c, boolean listen) throws Exception {
            AutonatService a = c == null ? null : new AutonatService(c);
            Libp2pHost.Builder b = StandardHost.builder(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults());
            if (a != null) b.service(a);
            Libp2pHost h = b.build();
            if (listen) h.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            return new Node(h, a);
        }

        @Override
        public void close() {
            host.close();
        }
    }

    @Test
    void aListeningHostIsDialledBackAndBecomesPublicWithTheEvent() throws Exception {
        try (Node s1 = Node.start(AutonatConfig.defaults(), true); Node s2 = Node.start(AutonatConfig.defaults(), true);
             Node a = Node.start(AutonatConfig.defaults(), true)) {
            List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            a.host().addListener(new HostListener() {
                @Override
                public void reachabilityChanged(Reachability r, String reason) {
                    events.add(r + ": " + reason);
                }
            });
            a.host().dial(s1.host().fullListenAddrs().get(0));
            a.host().dial(s2.host().fullListenAddrs().get(0));
            // the field is set before the listeners hear it: wait for the event itself
            waitFor(() -> !events.isEmpty(), "the reachability event after two dial-backs");
            assertEquals(Reachability.PUBLIC, a.host().reachability());
            assertEquals(1, events.size(), events.toString());
            assertTrue(events.get(0).startsWith("PUBLIC: autonat: 2 of 2 peers dialled us back"), events.toString());
            assertEquals(1, s1.autonat().counters()[0]);
            assertEquals(1, s2.autonat().counters()[0]);
        }
    }

    @Test
    void aHostNobodyCanDialBecomesPrivate() throws Exception {
        try (Node s1 = Node.start(AutonatConfig.defaults(), true); Node s2 = Node.start(AutonatConfig.defaults(), true);
             Node b = Node.start(AutonatConfig.defaults(), false)) {
            // b listens nowhere: the servers can only try the address they observed (its outbound port)
            b.host().dial(s1.host().fullListenAddrs().get(0));
            b.host().dial(s2.host().fullListenAddrs().get(0));
            waitFor(() -> b.host().reachability() == Reachability.PRIVATE, "private after two failed dial-backs");
            assertEquals(java.util.Map.of(s1.host().peerId(), false, s2.host().peerId(), false), b.autonat().answers());
            assertEquals(0, s1.autonat().counters()[0]);
        }
    }

    @Test
    void theServerDialsOnlyTheObservedIpAndRateLimits() throws Exception {
        try (Node s = Node.start(AutonatConfig.defaults().withLimits(30, 2), true);
             Node c = Node.start(null, true)) { // no AutoNAT client of its own: only the requests below reach s
            byte[] me = PeerId.toBytes(c.host().identity().publicIdentity().publicKey());
            Multiaddr mine = c.host().listenAddrs().get(0);
            Multiaddr thirdParty = Multiaddr.parse("/ip4/192.0.2.7/tcp/" + mine.components().get(1).valueText());
            Multiaddr ws = Multiaddr.parse(mine + "/ws");
            AutonatMessage.DialResponse r = request(c, s, AutonatMessage.dial(me, List.of(thirdParty, ws, mine)));
            assertEquals(Status.OK, r.status());
            assertEquals(mine, r.addr());
            assertEquals(List.of(mine), s.autonat().lastDialled(), "the third party and the /ws address were not dialled");

            r = request(c, s, AutonatMessage.dial(me, List.of(thirdParty)));
            assertEquals(Status.E_DIAL_REFUSED, r.status());
            assertTrue(r.text().contains("observed IP 127.0.0.1"), r.text());
            // the per-peer limit (2 a minute) is used up by the two requests above
            r = request(c, s, AutonatMessage.dial(me, List.of(mine)));
            assertEquals(Status.E_DIAL_REFUSED, r.status());
            assertTrue(r.text().contains("rate limited"), r.text());
            // a request for somebody else
            byte[] other = PeerId.toBytes(NodeIdentity.generate(new SecureRandom()).publicIdentity().publicKey());
            r = request(c, s, AutonatMessage.dial(other, List.of(mine)));
            assertEquals(Status.E_BAD_REQUEST, r.status());
            assertEquals(1, s.autonat().counters()[0]);
            assertEquals(3, s.autonat().counters()[1]);
        }
    }

    private static AutonatMessage.DialResponse request(Node from, Node to, AutonatMessage m) throws Exception {
        try (P2pStream st = from.host().newStream(to.host().fullListenAddrs().get(0), List.of(AutonatService.PROTOCOL))) {
            AutonatCodec.write(st.output(), m);
            return AutonatCodec.read(st.input()).response();
        }
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within 20 s: " + what);
            Thread.sleep(20);
        }
    }
}
