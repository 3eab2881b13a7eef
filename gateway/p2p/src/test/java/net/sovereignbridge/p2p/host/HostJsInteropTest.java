package net.sovereignbridge.p2p.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.identify.IdentifyService;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.ping.PingService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our host against js-libp2p 3 (peer.mjs) on 127.0.0.1, both directions, each test on a connection of
 * its own: TCP + multistream + Noise XX + yamux, ping, identify (with signed peer records checked by
 * both sides) and a 1 MiB echo.
 */
class HostJsInteropTest {
    static final List<String> JS_PROTOCOLS = List.of("/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0", "/ipfs/ping/1.0.0", "/sbridge/echo/1.0.0",
            "/sbridge/sink/1.0.0");
    static JsLibp2pPeer js;
    static String jsTcp; // js's TCP address without /p2p

    @BeforeAll
    static void start() throws Exception {
        js = JsLibp2pPeer.start();
        jsTcp = js.tcpAddr().substring(0, js.tcpAddr().indexOf("/p2p/"));
    }

    @AfterAll
    static void stop() {
        if (js != null) js.close();
    }

    @Test
    void weDialJsPingAndEchoOneMebibyte() throws Exception {
        try (Libp2pHost host = StreamTools.echoHost()) {
            Connection c = host.dial(Multiaddr.parse(js.tcpAddr()));
            assertTrue(c.outbound());
            assertEquals(js.peerId(), c.remotePeerId());
            assertTrue(c.inlineMuxer(), "js offers /yamux/1.0.0 in its Noise extensions, so no multistream round trip");
            for (int i = 0; i < 3; i++) {
                Duration rtt = PingService.ping(host, js.peerId());
                assertTrue(rtt.toMillis() < 5000, "rtt " + rtt);
            }
            try (P2pStream s = host.newStream(js.peerId(), List.of(StreamTools.ECHO))) {
                assertEquals(StreamTools.ECHO, s.protocol());
                StreamTools.EchoResult r = StreamTools.echoClient(s, 1 << 20, 42);
                assertEquals(1 << 20, r.received());
                assertEquals(r.sentSha256(), r.receivedSha256());
            }
        }
    }

    @Test
    void weDialJsAndBothIdentify() throws Exception {
        try (Libp2pHost host = StreamTools.echoHost()) {
            Multiaddr listen = host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection c = host.dial(Multiaddr.parse(js.tcpAddr()));
            IdentifyInfo info = c.identified().get(20, TimeUnit.SECONDS);
            assertEquals("ipfs/0.1.0", info.protocolVersion());
            assertEquals("sbridge-js-test-peer/1.0.0", info.agentVersion());
            assertEquals(JS_PROTOCOLS, info.protocols().stream().sorted().toList());
            assertEquals(List.of(jsTcp), info.listenAddrs().stream().map(Multiaddr::toString).toList());
            // js saw us come from our socket's local address
            assertEquals(c.localAddr(), info.observedAddr().withoutPeerId());
            assertNotNull(info.signedRecord(), "js sends a signed peer record");
            assertEquals(List.of(jsTcp), info.signedRecord().addresses().stream().map(Multiaddr::toString).toList());
            assertEquals(info.signedRecord().addresses(), info.addresses());
            assertTrue(info.signedRecord().seq() > 0);
            assertEquals(info, host.peerInfo(js.peerId()).orElseThrow());

            // js identified us on this (js-inbound) connection too: what it stored
            Map<String, Object> stored = awaitJsPeerInfo(host.peerId());
            assertEquals(host.protocols(), JsLibp2pPeer.strings(stored.get("protocols")));
            assertEquals(host.config().agentVersion(), stored.get("agentVersion"));
            assertEquals(true, stored.get("hasPeerRecord"));
            List<Map<String, Object>> addrs = ((List<?>) stored.get("addresses")).stream().map(JsLibp2pPeer::object).toList();
            assertEquals(List.of(listen.toString()), addrs.stream().map(a -> (String) a.get("multiaddr")).toList());
            assertEquals(true, addrs.get(0).get("isCertified"), "js took the addresses from our verified peer record");
        }
    }

    @Test
    void jsDialsUsPingsIdentifiesAndEchoesOneMebibyte() throws Exception {
        try (Libp2pHost host = StreamTools.echoHost()) {
            Multiaddr listen = host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            String ours = listen + "/p2p/" + host.peerId();
            Map<String, Object> dial = js.call("dial", "addr", ours);
            assertEquals(host.peerId(), dial.get("peerId"));

            Map<String, Object> ping = js.call("ping", "peer", host.peerId(), "count", 3);
            assertEquals(3, ((List<?>) ping.get("rttMs")).size());

            Map<String, Object> id = js.call("identify", "peer", host.peerId());
            assertEquals("ipfs/0.1.0", id.get("protocolVersion"));
            assertEquals(host.config().agentVersion(), id.get("agentVersion"));
            assertTrue(((String) id.get("agentVersion")).matches("sbridge/\\d+\\.\\d+\\.\\d+.*"), (String) id.get("agentVersion"));
            assertEquals(List.of("/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0", "/ipfs/ping/1.0.0", StreamTools.ECHO),
                    JsLibp2pPeer.strings(id.get("protocols")));
            assertEquals(List.of(listen.toString()), JsLibp2pPeer.strings(id.get("listenAddrs")));
            // our signed peer record verified in js (it throws on a bad signature) and carries our address
            Map<String, Object> rec = JsLibp2pPeer.object(id.get("signedPeerRecord"));
            assertEquals(List.of(listen.toString()), JsLibp2pPeer.strings(rec.get("addresses")));
            Connection c = host.connection(js.peerId()).orElseThrow();
            assertTrue(!c.outbound());
            assertTrue(c.inlineMuxer());
            // the observed address we told js is its socket's address as we see it
            assertEquals(c.remoteAddr().toString(), id.get("observedAddr"));

            // and we identified js on the inbound connection: js saw us at our listen address
            IdentifyInfo info = c.identified().get(20, TimeUnit.SECONDS);
            assertEquals(listen, info.observedAddr().withoutPeerId());
            assertEquals(Map.of(listen, 1), host.observedAddrs());
            assertEquals(JS_PROTOCOLS, info.protocols().stream().sorted().toList());

            Map<String, Object> echo = js.call("echo", "peer", host.peerId(), "bytes", 1 << 20);
            assertEquals((long) (1 << 20), echo.get("sentBytes"));
            assertEquals((long) (1 << 20), echo.get("receivedBytes"));
            assertEquals(echo.get("sentSha256"), echo.get("receivedSha256"));

            // and we ping js over its connection to us
            assertTrue(PingService.ping(host, js.peerId()).toMillis() < 5000);
            js.call("hangUp", "peer", host.peerId());
        }
    }

    @Test
    void withoutInlinedMuxerNegotiationJsFallsBackToMultistreamBothWays() throws Exception {
        try (Libp2pHost host = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults().withInlineMuxer(false))) {
            host.setHandler(StreamTools.ECHO, StreamTools::echo);
            Multiaddr listen = host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection out = host.dial(Multiaddr.parse(js.tcpAddr()));
            assertFalse(out.inlineMuxer());
            assertTrue(PingService.ping(host, js.peerId()).toMillis() < 5000);
            out.close();
            js.call("hangUp", "peer", host.peerId());
            js.call("dial", "addr", listen + "/p2p/" + host.peerId());
            Connection in = HostLoopbackTest.waitForConnection(host, js.peerId());
            assertFalse(in.inlineMuxer());
            Map<String, Object> echo = js.call("echo", "peer", host.peerId(), "bytes", 100_000);
            assertEquals(echo.get("sentSha256"), echo.get("receivedSha256"));
            js.call("hangUp", "peer", host.peerId());
        }
    }

    @Test
    void identifyPushBothWays() throws Exception {
        // a js peer of its own: it will serve one more protocol afterwards
        try (Libp2pHost host = StreamTools.echoHost(); JsLibp2pPeer other = JsLibp2pPeer.start()) {
            host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection c = host.dial(Multiaddr.parse(other.tcpAddr()));
            assertTrue(c.identified().get(20, TimeUnit.SECONDS).supports(IdentifyService.PUSH));
            awaitJsPeerInfo(other, host.peerId());

            // we serve a new protocol: we push to js, js stores our new list
            host.setHandler("/sbridge/pushed/1.0.0", StreamTools::echo);
            long end = System.currentTimeMillis() + 20_000;
            List<String> jsView;
            do {
                Thread.sleep(100);
                jsView = JsLibp2pPeer.strings(other.call("peerInfo", "peer", host.peerId()).get("protocols"));
            } while (!jsView.contains("/sbridge/pushed/1.0.0") && System.currentTimeMillis() < end);
            assertEquals(host.protocols(), jsView);

            // js serves a new protocol: js pushes, we store its new list
            other.call("handle", "protocol", "/sbridge/js-pushed/1.0.0");
            end = System.currentTimeMillis() + 20_000;
            while (!host.peerInfo(other.peerId()).orElseThrow().supports("/sbridge/js-pushed/1.0.0") && System.currentTimeMillis() < end) {
                Thread.sleep(100);
            }
            IdentifyInfo after = host.peerInfo(other.peerId()).orElseThrow();
            assertTrue(after.supports("/sbridge/js-pushed/1.0.0"), after.protocols().toString());
            assertTrue(after.protocols().containsAll(JS_PROTOCOLS), after.protocols().toString());
            // and the pushed protocol works
            try (P2pStream s = host.newStream(other.peerId(), List.of("/sbridge/js-pushed/1.0.0"))) {
                StreamTools.EchoResult r = StreamTools.echoClient(s, 4096, 3);
                assertEquals(r.sentSha256(), r.receivedSha256());
            }
        }
    }

    static Map<String, Object> awaitJsPeerInfo(String peer) throws Exception {
        return awaitJsPeerInfo(js, peer);
    }

    /** js stores identify results asynchronously after the connection opens. */
    static Map<String, Object> awaitJsPeerInfo(JsLibp2pPeer js, String peer) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                Map<String, Object> m = js.call("peerInfo", "peer", peer);
                if (Boolean.TRUE.equals(m.get("hasPeerRecord")) && !((List<?>) m.get("protocols")).isEmpty()) return m;
            } catch (java.io.IOException notYet) {
                // NotFoundError until identify stored it
            }
            if (System.currentTimeMillis() > end) throw new AssertionError("js never stored identify for " + peer);
            Thread.sleep(100);
        }
    }
}
