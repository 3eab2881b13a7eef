package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.encoding.Base58;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's interoperability test: a mixed loopback network of sbridge DHT nodes (KademliaDht on the
 * libp2p host's streams) and js-libp2p nodes running @libp2p/kad-dht 16.4.5 with protocol
 * {@code /sbridge/kad/1.0.0}, passthroughMapper, clientMode false, server mode set, and a validator and
 * selector for our {@code sbridge} record namespace (peer.mjs). The js nodes are chained so that queries
 * have to cross both implementations. Then our {@code /ipfs/kad/1.0.0} client profile against js nodes
 * speaking the public DHT protocol.
 */
class KadJsInteropTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Random random = new Random(6);

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        pool.shutdownNow();
    }

    record Sbridge(Libp2pHost host, KademliaDht dht) {}

    private Sbridge sbridge(NodeIdentity id, String protocol, boolean server) throws Exception {
        Libp2pHost host = net.sovereignbridge.p2p.StandardHost.create(id, HostConfig.defaults());
        open.add(host);
        host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        HostKadEndpoint t = new HostKadEndpoint(host, protocol);
        DhtPeer self = new DhtPeer(PeerId.toBytes(id.publicIdentity().publicKey()), t.listenAddrs());
        DhtNetwork net = new StreamDhtNetwork(t, protocol, pool, 10_000);
        KademliaDht dht = protocol.equals(KadStreams.IPFS)
                ? PublicRendezvous.client(self, net, System::currentTimeMillis, new Random(random.nextLong()))
                : new KademliaDht(self, DhtConfig.defaults().withServerMode(server), net, new MemoryDhtStorage(),
                        new SignedRecords(), System::currentTimeMillis, new Random(random.nextLong()));
        t.serve(dht);
        open.add(dht::close);
        return new Sbridge(host, dht);
    }

    private JsLibp2pPeer js(String protocol) throws IOException {
        JsLibp2pPeer p = JsLibp2pPeer.start(Map.of("kad", Map.of("protocol", protocol, "clientMode", false)));
        open.add(p);
        assertEquals("server", p.call("kadSetMode", "mode", "server").get("mode"));
        return p;
    }

    private static DhtPeer peerOf(JsLibp2pPeer p) throws Exception {
        Multiaddr a = Multiaddr.parse(p.tcpAddr());
        return new DhtPeer(Base58.decode(p.peerId()), List.of(a.withoutPeerId().toBytes()));
    }

    private static String addr(Sbridge s) {
        return s.host().fullListenAddrs().get(0).toString();
    }

    /** js adds a peer to its routing table after identify says it speaks the protocol: wait for that. */
    private static void awaitJsTable(JsLibp2pPeer p, int atLeast) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (((Number) p.call("kadRoutingTable").get("size")).intValue() < atLeast) {
            if (System.nanoTime() > end) throw new AssertionError("js routing table stayed below " + atLeast);
            Thread.sleep(100);
        }
    }

    private static NodeIdentity identity(int seed) {
        byte[] s = new byte[32];
        new Random(seed).nextBytes(s);
        return NodeIdentity.fromSeed(s);
    }

    private static List<String> peerIds(Object list) {
        return ((List<?>) list).stream().map(o -> (String) JsLibp2pPeer.object(o).get("peerId")).toList();
    }

    @Test
    void mixedNetworkOnSbridgeKad() throws Exception {
        // s0 <- j0 <- j1 <- j2 (each js dials the previous node), s1 bootstraps from s0 only
        Sbridge s0 = sbridge(identity(1), KadStreams.SBRIDGE, true);
        JsLibp2pPeer j0 = js(KadStreams.SBRIDGE);
        JsLibp2pPeer j1 = js(KadStreams.SBRIDGE);
        JsLibp2pPeer j2 = js(KadStreams.SBRIDGE);
        j0.call("dial", "addr", addr(s0));
        awaitJsTable(j0, 1);
        j1.call("dial", "addr", j0.tcpAddr());
        awaitJsTable(j1, 1);
        j2.call("dial", "addr", j1.tcpAddr());
        awaitJsTable(j2, 1);
        // s0 learns the js nodes as they query it (their self-lookups); make sure with a lookup of our own
        s0.dht().bootstrap(List.of(peerOf(j0)));
        Sbridge s1 = sbridge(identity(2), KadStreams.SBRIDGE, true);
        assertTrue(s1.dht().bootstrap(List.of(s0.dht().self())) >= 2, "s1 table: " + s1.dht().routingTable().size());

        // FIND_NODE crosses both ways
        KademliaDht.PeerSearch found = s1.dht().findPeer(Base58.decode(j2.peerId()));
        assertNotNull(found.peer(), "sbridge found the js peer at the far end");
        assertEquals(peerOf(j2), found.peer());
        byte[] j2Addr = peerOf(j2).addrs().get(0);
        assertTrue(found.peer().addrs().stream().anyMatch(a -> java.util.Arrays.equals(a, j2Addr)));
        Map<String, Object> jsFound = j2.call("kadFindPeer", "peer", s1.host().peerId());
        assertEquals(s1.host().peerId(), jsFound.get("peerId"));
        assertTrue(JsLibp2pPeer.strings(jsFound.get("addrs")).contains(s1.host().listenAddrs().get(0).toString()), jsFound.toString());

        // providers announced by sbridge are found from js, and the other way round
        byte[] region = RegionKeys.providerKey("u0vx");
        assertTrue(new RegionRendezvous(s1.dht()).announce("u0vxk").size() == 3);
        Map<String, Object> providers = j2.call("kadFindProviders", "multihash", HexFormat.of().formatHex(region));
        assertTrue(peerIds(providers.get("providers")).contains(s1.host().peerId()), providers.toString());
        byte[] jsKey = RegionKeys.providerKey("gcpvj");
        j2.call("kadProvide", "multihash", HexFormat.of().formatHex(jsKey));
        List<DhtPeer> fromJs = s1.dht().findProviders(jsKey, 5).providers();
        assertTrue(fromJs.stream().anyMatch(p -> p.idText().equals(j2.peerId())), "providers: " + fromJs);

        // a value put by sbridge is stored by js nodes (their validator checks our signature) and read back
        NodeIdentity owner = identity(1);
        byte[] key = SignedRecords.nodeKey(owner.publicIdentity().peerId());
        byte[] value = SignedRecords.signNodeContact(owner, 5, "u0vx", 0, List.of("overlay"), s0.dht().self().addrs());
        assertTrue(s0.dht().putValue(key, value).stored() >= 4);
        Map<String, Object> got = j2.call("kadGet", "key", HexFormat.of().formatHex(key));
        assertEquals(HexFormat.of().formatHex(value), got.get("value"));
        List<String> holders = ((List<?>) got.get("values")).stream().map(o -> (String) JsLibp2pPeer.object(o).get("from")).toList();
        assertTrue(holders.contains(j0.peerId()) || holders.contains(j1.peerId()) || holders.contains(j2.peerId()),
                "some js node answered with the value: " + holders);
        // a newer value put from js reaches sbridge nodes, which pick it by sequence number
        byte[] newer = SignedRecords.signNodeContact(owner, 6, "u0vx", 0, List.of("overlay"), List.of());
        assertTrue(((Number) j1.call("kadPut", "key", HexFormat.of().formatHex(key), "value", HexFormat.of().formatHex(newer))
                .get("stored")).intValue() >= 1);
        assertArrayEquals(newer, s1.dht().getValue(key, 3).value());
        // a forged signature: every node, sbridge or js (its sbridge validator), refuses to store it
        byte[] forged = newer.clone();
        forged[forged.length - 1] ^= 1;
        Map<String, Object> forgedPut = j0.call("kadPut", "key", HexFormat.of().formatHex(key), "value", HexFormat.of().formatHex(forged));
        assertEquals(0, ((Number) forgedPut.get("stored")).intValue(), forgedPut.toString());
        assertArrayEquals(newer, s1.dht().getValue(key, 3).value());
        assertEquals(HexFormat.of().formatHex(newer), j2.call("kadGet", "key", HexFormat.of().formatHex(key)).get("value"));
    }

    @Test
    void ipfsKadClientProfileAgainstJsNodes() throws Exception {
        JsLibp2pPeer a = js(KadStreams.IPFS);
        JsLibp2pPeer b = js(KadStreams.IPFS);
        b.call("dial", "addr", a.tcpAddr());
        awaitJsTable(b, 1);
        awaitJsTable(a, 1);
        Sbridge client = sbridge(NodeIdentity.generate(new SecureRandom()), KadStreams.IPFS, false);
        assertFalse(client.dht().serverMode());
        assertTrue(client.dht().bootstrap(List.of(peerOf(a))) >= 2, "the client found both js nodes");
        assertFalse(client.host().protocols().contains(KadStreams.IPFS), "a client does not list the kad protocol");

        List<byte[]> keys = new RegionRendezvous(client.dht()).announce("u0vxkq");
        Map<String, Object> providers = b.call("kadFindProviders", "multihash", HexFormat.of().formatHex(keys.get(2)));
        assertTrue(peerIds(providers.get("providers")).contains(client.host().peerId()), providers.toString());

        byte[] theirs = RegionKeys.providerKey("u0vxk");
        b.call("kadProvide", "multihash", HexFormat.of().formatHex(theirs));
        NodeIdentity other = NodeIdentity.generate(new SecureRandom());
        Sbridge finder = sbridge(other, KadStreams.IPFS, false);
        finder.dht().bootstrap(List.of(peerOf(b)));
        List<DhtPeer> bridges = new RegionRendezvous(finder.dht()).findBridges("u0vxkq", 5);
        List<String> ids = bridges.stream().map(DhtPeer::idText).toList();
        assertTrue(ids.contains(b.peerId()), "js provider of u0vxk found: " + ids);
        assertTrue(ids.contains(client.host().peerId()), "sbridge provider of u0vxkq found: " + ids);
    }
}
