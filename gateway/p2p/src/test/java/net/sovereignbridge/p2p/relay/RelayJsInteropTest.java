package net.sovereignbridge.p2p.relay;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.StreamTools;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.relay.RelayLoopbackTest.Node;
import org.junit.jupiter.api.Test;

/**
 * Circuit relay v2 against js-libp2p (@libp2p/circuit-relay-v2 4.2.13 with libp2p 3.3.11) on 127.0.0.1:
 * a js relay serving our clients, and our relay serving js clients (and a js client and ours through it).
 */
class RelayJsInteropTest {

    @Test
    void aJsRelayServesOurClients() throws Exception {
        try (JsLibp2pPeer relay = JsLibp2pPeer.start(Map.of("relayServer", Map.of()));
             Node a = Node.start(null); Node b = Node.start(null)) {
            Multiaddr relayed = a.host().listen(Multiaddr.parse(relay.tcpAddr() + "/p2p-circuit"));
            // our client checked js's signed voucher before counting the reservation
            assertEquals(1, a.circuits().reservationsMade(relay.peerId()));
            assertTrue(a.circuits().reservationExpiry(relay.peerId()) > System.currentTimeMillis() / 1000 + 3600,
                    "js reserves for 2 h");
            assertEquals(List.of(a.host().peerId()), JsLibp2pPeer.strings(relay.call("relayReservations").get("peers")));

            Connection c = b.host().dial(Multiaddr.parse(relayed + "/p2p/" + a.host().peerId()));
            assertTrue(c.remoteAddr().isRelayed());
            try (P2pStream s = c.newStream(List.of(StreamTools.ECHO))) {
                // js's default limit is 128 KiB per direction: 48 KiB fits with the handshakes
                StreamTools.EchoResult e = StreamTools.echoClient(s, 48 * 1024, 11);
                assertEquals(48 * 1024, e.received());
                assertEquals(e.sentSha256(), e.receivedSha256());
            }
            assertTrue(a.host().connection(b.host().peerId()).orElseThrow().remoteAddr().isRelayed());
        }
    }

    @Test
    void ourRelayServesJsClients() throws Exception {
        try (Node r = Node.start(RelayLoopbackTest.on())) {
            String circuit = r.addr() + "/p2p-circuit";
            try (JsLibp2pPeer a = JsLibp2pPeer.start(Map.of("circuit", true, "relayListen", List.of(circuit)));
                 JsLibp2pPeer b = JsLibp2pPeer.start(Map.of("circuit", true))) {
                List<String> relayed = JsLibp2pPeer.strings(a.call("awaitRelayed").get("relayed"));
                assertEquals(List.of(circuit + "/p2p/" + a.peerId()), relayed);
                assertEquals(1, r.relay().reservations());

                Map<String, Object> echo = b.call("echo", "addr", relayed.get(0), "bytes", 64 * 1024);
                assertEquals(64L * 1024, echo.get("receivedBytes"));
                assertEquals(echo.get("sentSha256"), echo.get("receivedSha256"));
                assertEquals(1, r.relay().counters()[1], "one circuit");
                assertTrue(r.relay().counters()[3] > 2 * 64 * 1024, "the echo went through our relay both ways");
                Map<String, Object> conn = null;
                for (Object o : (List<?>) b.call("connections").get("connections")) {
                    if (a.peerId().equals(JsLibp2pPeer.object(o).get("peerId"))) conn = JsLibp2pPeer.object(o);
                }
                assertNotNull(conn, "js b has a connection to js a");
                assertTrue(((String) conn.get("remoteAddr")).contains("/p2p-circuit"), conn.toString());
                assertEquals(Boolean.TRUE, conn.get("limited"), "js sees our limit (2 min, 128 KiB)");
            }
        }
    }

    @Test
    void jsAndOurClientsReachEachOtherThroughOurRelay() throws Exception {
        try (Node r = Node.start(RelayLoopbackTest.on()); Node ours = Node.start(null)) {
            Multiaddr oursRelayed = ours.listenThrough(r);
            try (JsLibp2pPeer js = JsLibp2pPeer.start(Map.of("circuit", true, "relayListen", List.of(r.addr() + "/p2p-circuit")))) {
                String jsRelayed = JsLibp2pPeer.strings(js.call("awaitRelayed").get("relayed")).get(0);
                // ours dials js through the relay (js is the stop side)
                Connection c = ours.host().dial(Multiaddr.parse(jsRelayed));
                assertEquals(js.peerId(), c.remotePeerId());
                try (P2pStream s = c.newStream(List.of(StreamTools.ECHO))) {
                    StreamTools.EchoResult e = StreamTools.echoClient(s, 32 * 1024, 5);
                    assertEquals(e.sentSha256(), e.receivedSha256());
                }
                c.close();
                RelayLoopbackTest.waitFor(() -> r.relay().activeCircuits() == 0, "the first circuit ended");
                // js dials ours through the relay (js is the hop side)
                Map<String, Object> echo = js.call(Duration.ofSeconds(60), "echo", "addr", oursRelayed + "/p2p/" + ours.host().peerId(),
                        "bytes", 32 * 1024);
                assertEquals(echo.get("sentSha256"), echo.get("receivedSha256"));
                assertEquals(32L * 1024, echo.get("receivedBytes"));
                assertEquals(2, r.relay().counters()[1], "two circuits");
            }
        }
    }
}
