package net.sovereignbridge.p2p.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.ping.PingService;
import org.junit.jupiter.api.Test;

/** sbridge to sbridge over TCP on 127.0.0.1: the same checks as against js. */
class HostLoopbackTest {

    @Test
    void dialPingIdentifyAndEchoBothWays() throws Exception {
        try (Libp2pHost a = StreamTools.echoHost(); Libp2pHost b = StreamTools.echoHost()) {
            Multiaddr la = a.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Multiaddr lb = b.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection ab = a.dial(b.fullListenAddrs().get(0));
            assertEquals(b.peerId(), ab.remotePeerId());
            assertTrue(ab.inlineMuxer());

            IdentifyInfo aboutB = ab.identified().get(10, TimeUnit.SECONDS);
            assertEquals(b.config().agentVersion(), aboutB.agentVersion());
            assertEquals(List.of("/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0", "/ipfs/ping/1.0.0", StreamTools.ECHO), aboutB.protocols());
            assertEquals(List.of(lb), aboutB.listenAddrs());
            assertEquals(List.of(lb), aboutB.signedRecord().addresses());
            assertEquals(ab.localAddr(), aboutB.observedAddr());

            Connection ba = waitForConnection(b, a.peerId());
            IdentifyInfo aboutA = ba.identified().get(10, TimeUnit.SECONDS);
            assertEquals(List.of(la), aboutA.listenAddrs());
            assertEquals(List.of(la), aboutA.signedRecord().addresses());
            assertEquals(ba.localAddr(), aboutA.observedAddr());
            assertEquals(lb, aboutA.observedAddr());

            assertTrue(PingService.ping(a, b.peerId()).toMillis() < 5000);
            assertTrue(PingService.ping(b, a.peerId()).toMillis() < 5000);

            for (Libp2pHost from : List.of(a, b)) {
                String to = from == a ? b.peerId() : a.peerId();
                try (P2pStream s = from.newStream(to, List.of(StreamTools.ECHO))) {
                    StreamTools.EchoResult r = StreamTools.echoClient(s, 1 << 20, 7);
                    assertEquals(1 << 20, r.received());
                    assertEquals(r.sentSha256(), r.receivedSha256());
                }
            }
            // a protocol the remote does not serve: the stream fails, the connection stays
            try {
                a.newStream(b.peerId(), List.of("/nope/1.0.0"));
                throw new AssertionError("negotiated an unknown protocol");
            } catch (java.io.IOException expected) {
                assertTrue(expected.getMessage().contains("supports none"), expected.getMessage());
            }
            assertTrue(ab.isOpen());
            assertTrue(PingService.ping(a, b.peerId()).toMillis() < 5000);

            ab.close();
            long end = System.currentTimeMillis() + 5000;
            while (b.connection(a.peerId()).isPresent() && System.currentTimeMillis() < end) Thread.sleep(20);
            assertFalse(b.connection(a.peerId()).isPresent(), "b noticed the close");
        }
    }

    static Connection waitForConnection(Libp2pHost h, String peer) throws InterruptedException {
        long end = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < end) {
            var c = h.connection(peer);
            if (c.isPresent()) return c.get();
            Thread.sleep(10);
        }
        throw new AssertionError("no connection to " + peer);
    }

    @Test
    void aWildcardListenIsAdvertisedAsTheMachinesAddressesAndDialable() throws Exception {
        try (Libp2pHost a = StreamTools.echoHost(); Libp2pHost b = StreamTools.echoHost()) {
            Multiaddr bound = b.listen(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"));
            String port = bound.components().get(1).valueText();
            List<Multiaddr> advertised = b.listenAddrs();
            assertTrue(advertised.contains(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port)), advertised.toString());
            assertFalse(advertised.contains(bound), "no wildcard in what peers are told");
            Connection c = a.dial(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port + "/p2p/" + b.peerId()));
            assertEquals(advertised, c.identified().get(10, TimeUnit.SECONDS).listenAddrs());
            assertEquals(advertised, c.identified().get().signedRecord().addresses());
        }
    }

    @Test
    void ipv6LoopbackWorksAndAddressesPrintCompressed() throws Exception {
        try (Libp2pHost a = StreamTools.echoHost(); Libp2pHost b = StreamTools.echoHost()) {
            Multiaddr lb = b.listen(Multiaddr.parse("/ip6/::1/tcp/0"));
            assertTrue(lb.toString().startsWith("/ip6/::1/tcp/"), lb.toString());
            Connection c = a.dial(b.fullListenAddrs().get(0));
            assertTrue(c.remoteAddr().toString().startsWith("/ip6/::1/tcp/"), c.remoteAddr().toString());
            IdentifyInfo info = c.identified().get(10, TimeUnit.SECONDS);
            assertEquals(List.of(lb), info.listenAddrs());
            assertEquals(c.localAddr(), info.observedAddr());
            assertTrue(PingService.ping(a, b.peerId()).toMillis() < 5000);
        }
    }

    @Test
    void aPeerWithoutInlinedMuxerNegotiationIsReachedOverMultistream() throws Exception {
        Libp2pHost plain = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new java.security.SecureRandom()),
                HostConfig.defaults().withInlineMuxer(false));
        plain.setHandler(StreamTools.ECHO, StreamTools::echo);
        try (Libp2pHost a = StreamTools.echoHost(); plain) {
            Multiaddr la = a.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            plain.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection toPlain = a.dial(plain.fullListenAddrs().get(0));
            assertFalse(toPlain.inlineMuxer());
            Connection fromPlain = plain.dial(Multiaddr.parse(la + "/p2p/" + a.peerId() ));
            assertFalse(fromPlain.inlineMuxer());
            for (Connection c : List.of(toPlain, fromPlain)) {
                try (P2pStream s = c.newStream(List.of(StreamTools.ECHO))) {
                    StreamTools.EchoResult r = StreamTools.echoClient(s, 100_000, 9);
                    assertEquals(r.sentSha256(), r.receivedSha256());
                }
            }
        }
    }
}
