package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.Reachability;
import net.sovereignbridge.p2p.identify.IdentifyService;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** sbridge-to-sbridge kad over the libp2p host on 127.0.0.1: joining, PeerId checks, server/client switch. */
class HostKadEndpointTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        pool.shutdownNow();
    }

    record Node(Libp2pHost host, HostKadEndpoint kad, KademliaDht dht) {}

    private Node node(int seed) throws Exception {
        return node(seed, false);
    }

    /** @param followReachability the daemon's "auto" mode: serve exactly while the host is PUBLIC */
    private Node node(int seed, boolean followReachability) throws Exception {
        byte[] s = new byte[32];
        new Random(seed).nextBytes(s);
        NodeIdentity id = NodeIdentity.fromSeed(s);
        Libp2pHost host = net.sovereignbridge.p2p.StandardHost.create(id, HostConfig.defaults());
        open.add(host);
        host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        HostKadEndpoint t = new HostKadEndpoint(host, KadStreams.SBRIDGE);
        DhtPeer self = new DhtPeer(PeerId.toBytes(id.publicIdentity().publicKey()), t.listenAddrs());
        KademliaDht dht = new KademliaDht(self, DhtConfig.defaults(), new StreamDhtNetwork(t, KadStreams.SBRIDGE, pool, 5000),
                new MemoryDhtStorage(), new SignedRecords(), System::currentTimeMillis, new Random(seed));
        if (followReachability) {
            t.followReachability(dht);
        } else {
            t.serve(dht);
        }
        return new Node(host, t, dht);
    }

    @Test
    void nodesJoinThroughOneSeedAndTheSeedLearnsThemFromIdentify() throws Exception {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Node n = node(i);
            if (!nodes.isEmpty()) n.dht().bootstrap(List.of(nodes.get(0).dht().self()));
            nodes.add(n);
        }
        // requesters entered the seed's table because their identify lists the kad protocol
        assertTrue(nodes.get(0).dht().routingTable().size() >= 4, "seed table " + nodes.get(0).dht().routingTable().size());
        assertEquals(nodes.get(1).dht().self(), nodes.get(5).dht().findPeer(nodes.get(1).dht().self().id()).peer());
        byte[] region = RegionKeys.providerKey("u0vx");
        nodes.get(2).dht().provide(region);
        assertEquals(List.of(nodes.get(2).dht().self()), nodes.get(5).dht().findProviders(region, 3).providers());
    }

    @Test
    void aDialledAddressAnsweredByAnotherKeyIsRefused() throws Exception {
        Node a = node(10);
        Node b = node(11);
        byte[] impostor = new byte[32];
        new Random(12).nextBytes(impostor);
        DhtPeer wrong = new DhtPeer(PeerId.toBytes(NodeIdentity.fromSeed(impostor).publicIdentity().publicKey()),
                b.dht().self().addrs());
        assertFalse(a.dht().ping(wrong), "the Noise handshake proves b's key, not the one we dialled for");
        assertTrue(a.dht().ping(b.dht().self()));
    }

    @Test
    void aClientNeitherAnswersNorListsTheProtocolAndCanTurnServerAgain() throws Exception {
        Node a = node(20);
        Node b = node(21);
        assertTrue(a.dht().ping(b.dht().self()));
        b.kad().setServerMode(b.dht(), false);
        assertFalse(b.host().protocols().contains(KadStreams.SBRIDGE));
        assertFalse(a.dht().ping(b.dht().self()), "a client does not answer");
        b.kad().setServerMode(b.dht(), true);
        assertTrue(b.host().protocols().contains(KadStreams.SBRIDGE));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean back = false;
        while (!back && System.nanoTime() < end) back = a.dht().ping(b.dht().self());
        assertTrue(back, "serving again");
    }

    @Test
    void serverModeFollowsReachabilityBothWaysAndPeersHearItThroughIdentifyPush() throws Exception {
        Node a = node(30);
        Node b = node(31, true);
        String bId = b.host().peerId();
        assertFalse(b.dht().serverMode(), "reachability UNKNOWN: a client");
        assertFalse(b.host().protocols().contains(KadStreams.SBRIDGE));
        assertTrue(b.dht().ping(a.dht().self()), "a client still asks servers");
        try (JsLibp2pPeer js = JsLibp2pPeer.start()) {
            js.call("dial", "addr", b.host().fullListenAddrs().get(0).toString());
            waitFor(() -> a.host().peerInfo(bId).isPresent() && protocolsOf(js, bId).contains(IdentifyService.PUSH),
                    "a and js identified b");
            assertFalse(a.host().peerInfo(bId).orElseThrow().supports(KadStreams.SBRIDGE));
            assertFalse(a.dht().ping(b.dht().self()), "a client does not answer");

            b.host().setReachability(Reachability.PUBLIC, "test: a dial-back succeeded");
            assertTrue(b.dht().serverMode());
            assertTrue(b.host().protocols().contains(KadStreams.SBRIDGE));
            // the identify push tells connected peers, ours and js-libp2p's peer store, without a new connection
            waitFor(() -> a.host().peerInfo(bId).orElseThrow().supports(KadStreams.SBRIDGE), "a heard b serve kad");
            waitFor(() -> protocolsOf(js, bId).contains(KadStreams.SBRIDGE), "js heard b serve kad");
            assertTrue(a.dht().ping(b.dht().self()), "a server answers");

            b.host().setReachability(Reachability.PRIVATE, "test: behind a NAT after all");
            assertFalse(b.dht().serverMode());
            assertFalse(b.host().protocols().contains(KadStreams.SBRIDGE));
            waitFor(() -> !a.host().peerInfo(bId).orElseThrow().supports(KadStreams.SBRIDGE), "a heard b stop");
            waitFor(() -> !protocolsOf(js, bId).contains(KadStreams.SBRIDGE), "js heard b stop");
            assertFalse(a.dht().ping(b.dht().self()), "a client again");

            b.host().setReachability(Reachability.PUBLIC, "test: mapped a port");
            waitFor(() -> a.dht().ping(b.dht().self()), "serving again");
        }
        b.kad().close();
        b.host().setReachability(Reachability.PRIVATE, "test: after close");
        b.host().setReachability(Reachability.PUBLIC, "test: after close");
        assertFalse(b.host().protocols().contains(KadStreams.SBRIDGE), "a closed DHT transport follows no more");
    }

    static List<String> protocolsOf(JsLibp2pPeer js, String peer) {
        try {
            return JsLibp2pPeer.strings(js.call("peerInfo", "peer", peer).get("protocols"));
        } catch (java.io.IOException e) {
            return List.of(); // not in js's peer store yet
        }
    }

    /** Waits up to 30 s: a js peer's identify push handling took over 10 s once on a machine at load 20. */
    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(50);
        }
    }
}
