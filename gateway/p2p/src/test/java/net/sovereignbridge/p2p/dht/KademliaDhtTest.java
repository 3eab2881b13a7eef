package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.dht.sim.SimulatedNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The query and serving rules over a small simulated network that round-trips every message through the codec. */
class KademliaDhtTest {
    private final Random random = new Random(11);
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private SimulatedNetwork net;
    private List<KademliaDht> nodes;

    @BeforeEach
    void network() {
        net = new SimulatedNetwork(true);
        nodes = new ArrayList<>();
        for (int i = 0; i < 60; i++) nodes.add(join(randomPeerId(), DhtConfig.defaults()));
    }

    private byte[] randomPeerId() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return PeerId.toBytes(k);
    }

    private KademliaDht join(byte[] peerId, DhtConfig cfg) {
        DhtPeer self = new DhtPeer(peerId, List.of(new byte[] {4, 127, 0, 0, 1}));
        KademliaDht n = new KademliaDht(self, cfg, net.viewOf(self, cfg.serverMode()), new MemoryDhtStorage(),
                new SignedRecords(), clock::get, new Random(random.nextLong()));
        net.attach(n);
        if (nodes != null && !nodes.isEmpty()) n.bootstrap(List.of(nodes.get(0).self()));
        return n;
    }

    @Test
    void findPeerAndClosestPeers() {
        KademliaDht a = nodes.get(59);
        KademliaDht target = nodes.get(17);
        KademliaDht.PeerSearch s = a.findPeer(target.self().id());
        assertEquals(target.self(), s.peer());
        assertEquals(1, s.peer().addrs().size());
        KademliaDht.Lookup l = a.closestPeers("some key".getBytes());
        assertEquals(20, l.closest().size());
        // the lookup's answer is the true 20 closest of the whole network (minus the asker)
        List<DhtPeer> all = new ArrayList<>(nodes.stream().map(KademliaDht::self).filter(p -> !p.equals(a.self())).toList());
        KadId t = KadId.of("some key".getBytes());
        all.sort((x, y) -> t.compareDistance(x.kadId(), y.kadId()));
        assertEquals(all.subList(0, 20), l.closest());
    }

    @Test
    void clientModeNodesQueryButNeverEnterTables() {
        KademliaDht client = join(randomPeerId(), DhtConfig.defaults().withServerMode(false));
        assertTrue(client.routingTable().size() > 0);
        byte[] key = RegionKeys.providerKey("u0vx");
        nodes.get(3).provide(key);
        assertEquals(List.of(nodes.get(3).self()), client.findProviders(key, 5).providers());
        for (KademliaDht n : nodes) assertFalse(n.routingTable().contains(client.self()));
        // and a client does not answer queries
        assertNull(client.handle(nodes.get(0).self(), true, DhtMessage.request(DhtMessage.Type.PING, new byte[0])));
    }

    @Test
    void putGetWithQuorumCorrectsStalePeers() {
        NodeIdentity owner = NodeIdentity.fromSeed(new byte[32]);
        KademliaDht publisher = join(PeerId.toBytes(owner.publicIdentity().publicKey()), DhtConfig.defaults());
        byte[] key = SignedRecords.nodeKey(owner.publicIdentity().peerId());
        byte[] v1 = SignedRecords.signNodeContact(owner, 1, "u0vx", 0, List.of("overlay"), List.of());
        KademliaDht.PutResult put = publisher.putValue(key, v1);
        assertEquals(20, put.stored());
        // a newer value reaches only 5 of the 20 holders
        byte[] v2 = SignedRecords.signNodeContact(owner, 2, "u0vx", 0, List.of("overlay"), List.of());
        List<DhtPeer> holders = put.lookup().closest();
        for (int i = 0; i < 5; i++) {
            assertNotNull(byName(holders.get(i)).handle(publisher.self(), true, DhtMessage.putValue(key, v2)));
        }
        KademliaDht reader = nodes.get(40);
        KademliaDht.GetResult r = reader.getValue(key, 20);
        assertArrayEquals(v2, r.value());
        assertTrue(r.corrected() > 0, "stale holders corrected");
        // every holder the reader heard from now has the new value
        int newer = 0;
        for (DhtPeer h : holders) {
            KademliaDht n = byName(h);
            DhtMessage resp = n.handle(reader.self(), true, DhtMessage.request(DhtMessage.Type.GET_VALUE, key));
            if (resp.record() != null && java.util.Arrays.equals(resp.record().value(), v2)) newer++;
        }
        assertEquals(5 + r.corrected() + (holders.contains(reader.self()) ? 1 : 0), newer);
        // an older value is refused by a holder that has the newer one
        assertNull(byName(holders.get(0)).handle(publisher.self(), true, DhtMessage.putValue(key, v1)));
    }

    @Test
    void badRecordsAreRefusedAndNeverReturned() {
        NodeIdentity owner = NodeIdentity.fromSeed(new byte[32]);
        byte[] key = SignedRecords.nodeKey(owner.publicIdentity().peerId());
        byte[] good = SignedRecords.signNodeContact(owner, 1, "u0vx", 0, List.of(), List.of());
        byte[] forged = good.clone();
        forged[forged.length - 3] ^= 4;
        KademliaDht n = nodes.get(5);
        DhtPeer attacker = nodes.get(6).self();
        assertNull(n.handle(attacker, true, DhtMessage.putValue(key, forged)));
        assertNull(n.handle(attacker, true, DhtMessage.putValue("/other/ns".getBytes(), good)));
        assertNull(n.handle(attacker, true, new DhtMessage(DhtMessage.Type.PUT_VALUE, key,
                new DhtMessage.Record("/sbridge/node/x".getBytes(), good, ""), List.of(), List.of())));
        assertEquals(3, n.counters().recordsRefused());
        DhtMessage get = n.handle(attacker, true, DhtMessage.request(DhtMessage.Type.GET_VALUE, key));
        assertNull(get.record());
        assertThrows(IllegalArgumentException.class, () -> n.putValue(key, forged));
        assertNotNull(n.handle(attacker, true, DhtMessage.putValue(key, good)));
    }

    @Test
    void providerFloodsHitThePerPeerAndTotalQuotas() {
        KademliaDht victim = join(randomPeerId(), DhtConfig.defaults().withQuotas(100, 50, 10));
        DhtPeer flooder = nodes.get(1).self();
        for (int i = 0; i < 1000; i++) {
            byte[] key = RegionKeys.providerKey("u" + "0123456789bcdefg".charAt(i % 16) + "x" + "bcdefghjkmnpqrst".charAt((i / 16) % 16) + (char) ('b' + i / 256));
            victim.handle(flooder, true, new DhtMessage(DhtMessage.Type.ADD_PROVIDER, key, null, List.of(),
                    List.of(DhtMessage.Peer.of(flooder))));
        }
        assertEquals(990, victim.counters().providersRefused());
        // a provider record naming somebody else is ignored
        DhtPeer other = nodes.get(2).self();
        byte[] key = RegionKeys.providerKey("zzz");
        victim.handle(flooder, true, new DhtMessage(DhtMessage.Type.ADD_PROVIDER, key, null, List.of(), List.of(DhtMessage.Peer.of(other))));
        DhtMessage resp = victim.handle(flooder, true, DhtMessage.request(DhtMessage.Type.GET_PROVIDERS, key));
        assertTrue(resp.providerPeers().isEmpty());
        // the total quota: 5 more peers x 10 = 50 total
        for (int p = 2; p < 10; p++) {
            DhtPeer peer = nodes.get(p).self();
            for (int i = 0; i < 10; i++) {
                victim.handle(peer, true, new DhtMessage(DhtMessage.Type.ADD_PROVIDER, RegionKeys.providerKey("b" + "0123456789"
                        .charAt(i)), null, List.of(), List.of(DhtMessage.Peer.of(peer))));
            }
        }
        DhtMessage any = victim.handle(flooder, true, DhtMessage.request(DhtMessage.Type.GET_PROVIDERS, RegionKeys.providerKey("b0")));
        assertEquals(4, any.providerPeers().size()); // peers 2..5 fit before the total of 50
    }

    @Test
    void providersExpireAfter48HoursAndOwnersRepublishEvery22() {
        byte[] key = RegionKeys.providerKey("u0vxk");
        KademliaDht bridge = nodes.get(8);
        KademliaDht gone = nodes.get(9);
        bridge.provide(key);
        gone.provide(key);
        net.detach(gone.self());
        KademliaDht gateway = nodes.get(30);
        assertEquals(2, gateway.findProviders(key, 10).providers().size());
        for (int hour = 0; hour < 50; hour++) {
            clock.addAndGet(3_600_000L);
            for (KademliaDht n : nodes) if (n != gone) n.maintain();
        }
        List<DhtPeer> after = gateway.findProviders(key, 10).providers();
        assertEquals(List.of(bridge.self()), after, "the departed provider expired, the live one republished");
    }

    @Test
    void pingAddsLivePeersAndDropsDeadOnes() {
        KademliaDht a = nodes.get(0);
        KademliaDht b = nodes.get(1);
        assertTrue(a.ping(b.self()));
        assertTrue(a.routingTable().contains(b.self()));
        net.detach(b.self());
        assertFalse(a.ping(b.self()));
        assertFalse(a.routingTable().contains(b.self()));
    }

    @Test
    void regionRendezvousFindsTheNearestBridgesFirst() {
        RegionRendezvous near = new RegionRendezvous(nodes.get(12));
        RegionRendezvous sameCity = new RegionRendezvous(nodes.get(13));
        RegionRendezvous elsewhere = new RegionRendezvous(nodes.get(14));
        assertEquals(3, near.announce("u0vxkq").size());
        sameCity.announce("u0vzzz");
        elsewhere.announce("9q8yyk");
        RegionRendezvous gateway = new RegionRendezvous(nodes.get(50));
        assertEquals(List.of(nodes.get(12).self(), nodes.get(13).self()), gateway.findBridges("u0vxkr", 5));
        assertEquals(List.of(nodes.get(12).self()), gateway.findBridges("u0vxk", 1));
        assertEquals(List.of(nodes.get(14).self()), gateway.findBridges("9q8", 5));
        assertTrue(gateway.findBridges("s00000", 5).isEmpty());
    }

    @Test
    void publicRendezvousClientsExchangeProviderRecordsOnly() {
        DhtPeer a = new DhtPeer(randomPeerId(), List.of(new byte[] {4, 127, 0, 0, 1}));
        DhtPeer b = new DhtPeer(randomPeerId(), List.of());
        KademliaDht ca = PublicRendezvous.client(a, net.viewOf(a, false), clock::get, new Random(1));
        KademliaDht cb = PublicRendezvous.client(b, net.viewOf(b, false), clock::get, new Random(2));
        net.attach(ca);
        net.attach(cb);
        ca.bootstrap(List.of(nodes.get(0).self()));
        cb.bootstrap(List.of(nodes.get(1).self()));
        new RegionRendezvous(ca).announce("u0vxkq");
        assertEquals(List.of(a), new RegionRendezvous(cb).findBridges("u0vxkq", 3));
        assertThrows(IllegalArgumentException.class, () -> ca.putValue("/x/y".getBytes(), new byte[] {1}));
        for (KademliaDht n : nodes) assertFalse(n.routingTable().contains(a));
    }

    @Test
    void switchingToClientModeStopsServing() {
        KademliaDht n = nodes.get(20);
        DhtMessage ping = DhtMessage.request(DhtMessage.Type.PING, new byte[0]);
        assertNotNull(n.handle(nodes.get(21).self(), true, ping));
        n.setServerMode(false);
        assertNull(n.handle(nodes.get(21).self(), true, ping));
        n.setServerMode(true);
        assertNotNull(n.handle(nodes.get(21).self(), true, ping));
    }

    @Test
    void aDeadPeerInAFullBucketIsReplacedAfterAFailedPing() {
        KademliaDht n = nodes.get(0);
        RoutingTable t = n.routingTable();
        // fill bucket 0 of node 0 to K with fresh joiners, then take one of them offline
        int added = 0;
        List<KademliaDht> extra = new ArrayList<>();
        while (t.bucketSize(0) < 20 && added < 400) {
            byte[] id = randomPeerId();
            DhtPeer p = new DhtPeer(id, List.of());
            if (n.self().kadId().commonPrefixLength(p.kadId()) != 0) continue;
            KademliaDht e = new KademliaDht(p, DhtConfig.defaults(), net.viewOf(p, true), new MemoryDhtStorage(),
                    new SignedRecords(), clock::get, new Random(added));
            net.attach(e);
            n.handle(p, true, DhtMessage.request(DhtMessage.Type.PING, new byte[0]));
            extra.add(e);
            added++;
        }
        assertEquals(20, t.bucketSize(0));
        List<DhtPeer> bucket = t.all().stream().filter(p -> n.self().kadId().commonPrefixLength(p.kadId()) == 0).toList();
        DhtPeer dead = bucket.get(0);
        net.detach(dead);
        clock.addAndGet(120_000);
        DhtPeer newcomer;
        do {
            newcomer = new DhtPeer(randomPeerId(), List.of());
        } while (n.self().kadId().commonPrefixLength(newcomer.kadId()) != 0);
        // the least recently seen entries are pinged one by one; the dead one is dropped for the newcomer
        for (int i = 0; i < 25 && !t.contains(newcomer); i++) n.handle(newcomer, true, DhtMessage.request(DhtMessage.Type.PING, new byte[0]));
        assertTrue(t.contains(newcomer));
        assertFalse(t.contains(dead));
        assertEquals(20, t.bucketSize(0));
    }

    private KademliaDht byName(DhtPeer p) {
        return nodes.stream().filter(n -> n.self().equals(p)).findFirst().orElseThrow();
    }
}
