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
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** sbridge-to-sbridge kad over the libp2p host on 127.0.0.1: joining, PeerId checks, server/client switch. */
class HostKadTransportTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        pool.shutdownNow();
    }

    record Node(Libp2pHost host, HostKadTransport transport, KademliaDht dht) {}

    private Node node(int seed) throws Exception {
        byte[] s = new byte[32];
        new Random(seed).nextBytes(s);
        NodeIdentity id = NodeIdentity.fromSeed(s);
        Libp2pHost host = net.sovereignbridge.p2p.StandardHost.create(id, HostConfig.defaults());
        open.add(host);
        host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        HostKadTransport t = new HostKadTransport(host, KadStreams.SBRIDGE);
        DhtPeer self = new DhtPeer(PeerId.toBytes(id.publicIdentity().publicKey()), t.listenAddrs());
        KademliaDht dht = new KademliaDht(self, DhtConfig.defaults(), new StreamDhtNetwork(t, KadStreams.SBRIDGE, pool, 5000),
                new MemoryDhtStorage(), new SignedRecords(), System::currentTimeMillis, new Random(seed));
        t.serve(dht);
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
        b.transport().setServerMode(b.dht(), false);
        assertFalse(b.host().protocols().contains(KadStreams.SBRIDGE));
        assertFalse(a.dht().ping(b.dht().self()), "a client does not answer");
        b.transport().setServerMode(b.dht(), true);
        assertTrue(b.host().protocols().contains(KadStreams.SBRIDGE));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean back = false;
        while (!back && System.nanoTime() < end) back = a.dht().ping(b.dht().self());
        assertTrue(back, "serving again");
    }
}
