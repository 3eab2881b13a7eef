package net.sovereignbridge.p2p.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.p2p.connmgr.Backoff;
import net.sovereignbridge.p2p.connmgr.ConnectionLimits;
import net.sovereignbridge.p2p.connmgr.ConnectionManager;
import net.sovereignbridge.p2p.connmgr.HostBinding;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.StreamTools;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.peerstore.PeerStore;
import net.sovereignbridge.p2p.ping.PingService;
import net.sovereignbridge.p2p.storage.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * libp2p over WebSocket against js-libp2p 3 with @libp2p/websockets (peer.mjs, wsPort option): the
 * whole upgrade (multistream, Noise, yamux) inside binary messages, both directions, with ping and a
 * 1 MiB echo; and the connection manager keeping js connected as a static /ws peer.
 */
@Timeout(180)
class HostWebSocketJsInteropTest {
    static JsLibp2pPeer js;
    static String jsWs; // js's /ws address with /p2p

    @BeforeAll
    static void start() throws Exception {
        // js-libp2p refuses more than 5 inbound connections a second from one host by default; the
        // redial test opens several in quick succession.
        js = JsLibp2pPeer.start(Map.of("wsPort", 0, "connectionManager", Map.of("inboundConnectionThreshold", 100)));
        jsWs = js.addrs().stream().filter(a -> a.contains("/ws/p2p/")).findFirst()
                .orElseThrow(() -> new AssertionError("js peer has no /ws address: " + js.addrs()));
    }

    @AfterAll
    static void stop() {
        if (js != null) js.close();
    }

    @Test
    void weDialJsOverWebSocketPingAndEchoOneMebibyte() throws Exception {
        try (Libp2pHost host = StreamTools.echoHost()) {
            Connection c = host.dial(Multiaddr.parse(jsWs));
            assertEquals(js.peerId(), c.remotePeerId());
            assertTrue(c.remoteAddr().toString().endsWith("/ws"), c.remoteAddr().toString());
            for (int i = 0; i < 3; i++) assertTrue(PingService.ping(host, js.peerId()).toMillis() < 5000);
            try (P2pStream s = host.newStream(js.peerId(), List.of(StreamTools.ECHO))) {
                StreamTools.EchoResult r = StreamTools.echoClient(s, 1 << 20, 7);
                assertEquals(1 << 20, r.received());
                assertEquals(r.sentSha256(), r.receivedSha256());
            }
            js.call("hangUp", "peer", host.peerId());
        }
    }

    @Test
    void jsDialsUsOverWebSocketAndBothPing() throws Exception {
        try (Libp2pHost host = StreamTools.echoHost()) {
            Multiaddr listen = host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
            assertTrue(listen.toString().matches("/ip4/127\\.0\\.0\\.1/tcp/[1-9][0-9]*/ws"), listen.toString());
            Map<String, Object> dial = js.call("dial", "addr", listen + "/p2p/" + host.peerId());
            assertEquals(host.peerId(), dial.get("peerId"));
            Map<String, Object> ping = js.call("ping", "peer", host.peerId(), "count", 3);
            assertEquals(3, ((List<?>) ping.get("rttMs")).size());
            Connection c = host.connection(js.peerId()).orElseThrow();
            assertFalse(c.outbound());
            assertTrue(c.remoteAddr().toString().endsWith("/ws"), c.remoteAddr().toString());
            assertTrue(PingService.ping(host, js.peerId()).toMillis() < 5000);
            // identify over /ws: js sees our /ws listen address, signed, and the address it came from as /ws
            Map<String, Object> id = js.call("identify", "peer", host.peerId());
            assertEquals(List.of(listen.toString()), JsLibp2pPeer.strings(id.get("listenAddrs")));
            assertEquals(List.of(listen.toString()),
                    JsLibp2pPeer.strings(JsLibp2pPeer.object(id.get("signedPeerRecord")).get("addresses")));
            assertEquals(c.remoteAddr().toString(), id.get("observedAddr"));
            assertTrue(JsLibp2pPeer.strings(id.get("protocols")).contains(StreamTools.ECHO));
            // and we identified js on this connection: its /ws listen address among its addresses
            var info = c.identified().get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(info.listenAddrs().stream().anyMatch(a -> jsWs.startsWith(a.toString() + "/p2p/")),
                    info.listenAddrs() + " lacks " + jsWs);
            assertTrue(info.protocols().contains("/ipfs/ping/1.0.0"), info.protocols().toString());
            Map<String, Object> echo = js.call("echo", "peer", host.peerId(), "bytes", 1 << 20);
            assertEquals((long) (1 << 20), echo.get("receivedBytes"));
            assertEquals(echo.get("sentSha256"), echo.get("receivedSha256"));
            js.call("hangUp", "peer", host.peerId());
        }
    }

    @Test
    void connectionManagerKeepsTheStaticWebSocketPeerAndThePeerStoreLearnsItsProtocols(@TempDir Path dir) throws Exception {
        byte[] jsPeer = PeerId.toBytes(PeerId.decode(js.peerId()));
        try (Database db = Database.open(dir);
                Libp2pHost host = StreamTools.echoHost();
                ConnectionManager manager = new ConnectionManager(ConnectionLimits.DEFAULT, new Backoff(200, 2000),
                        new PeerStore(TestStores.of(db)), new Random(3))) {
            PeerStore store = new PeerStore(TestStores.of(db));
            HostBinding binding = HostBinding.attach(host, manager, store);
            manager.addStaticPeer(Multiaddr.parse(jsWs));
            manager.start();
            Connection first = awaitConnection(host, null);
            assertTrue(first.outbound());
            long end = System.currentTimeMillis() + 5_000; // the host publishes the connection before telling listeners
            while (binding.accountOf(first) == null && System.currentTimeMillis() < end) Thread.sleep(20);
            assertTrue(binding.accountOf(first) != null, "admitted by the manager");
            assertTrue(PingService.ping(host, js.peerId()).toMillis() < 5000);
            PeerStore.PeerRecord r = awaitProtocols(store, jsPeer);
            assertTrue(r.protocols().contains("/ipfs/ping/1.0.0"), r.protocols().toString());
            assertTrue(r.lastConnectedMs() > 0);

            // js hangs up: the manager redials the static peer over /ws.
            js.call("hangUp", "peer", host.peerId());
            Connection second = awaitConnection(host, first);
            assertTrue(second.outbound());
            assertTrue(PingService.ping(host, js.peerId()).toMillis() < 5000);
            assertEquals(0, manager.failures(jsPeer));
            js.call("hangUp", "peer", host.peerId());
        }
    }

    @Test
    void anInboundWebSocketConnectionPastTheLimitIsClosed() throws Exception {
        try (Libp2pHost host = StreamTools.echoHost();
                ConnectionManager manager = new ConnectionManager(new ConnectionLimits(0, 4, 2, 4, 16, 1 << 20, 1 << 20),
                        Backoff.DEFAULT, null, new Random(1))) {
            HostBinding.attach(host, manager, null);
            Multiaddr listen = host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
            try {
                js.call("dial", "addr", listen + "/p2p/" + host.peerId());
            } catch (java.io.IOException closedDuringOrAfterTheUpgrade) {
                // Either way is fine: what matters is that we do not keep the connection.
            }
            long end = System.currentTimeMillis() + 10_000;
            while (!host.connections().isEmpty() && System.currentTimeMillis() < end) Thread.sleep(50);
            assertTrue(host.connections().isEmpty(), "refused connection closed: " + host.connections());
            assertTrue(manager.connections().isEmpty());
        }
    }

    private static Connection awaitConnection(Libp2pHost host, Connection not) throws Exception {
        long end = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < end) {
            var c = host.connection(js.peerId());
            if (c.isPresent() && c.get() != not && c.get().isOpen()) return c.get();
            Thread.sleep(50);
        }
        throw new AssertionError("no connection with js within 30 s");
    }

    private static PeerStore.PeerRecord awaitProtocols(PeerStore store, byte[] peer) throws Exception {
        long end = System.currentTimeMillis() + Duration.ofSeconds(20).toMillis();
        while (System.currentTimeMillis() < end) {
            var r = store.get(peer);
            if (r.isPresent() && !r.get().protocols().isEmpty()) return r.get();
            Thread.sleep(50);
        }
        throw new AssertionError("identify of js never reached the peer store");
    }
}
