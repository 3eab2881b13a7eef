package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.p2p.dht.sim.SimulatedNetwork;
import net.sovereignbridge.p2p.storage.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DHT state in a real SQLite file on disk, across closing and reopening the database. */
class SqliteDhtStorageTest {
    @TempDir
    Path dir;

    private final Random random = new Random(5);
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private byte[] randomPeerId() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return PeerId.toBytes(k);
    }

    @Test
    void recordsProvidersOwnKeysAndTableSurviveReopening() throws Exception {
        DhtPeer p1 = new DhtPeer(randomPeerId(), List.of(new byte[] {4, 127, 0, 0, 1, 6, 0x10, 0x01}, new byte[] {4, 10, 0, 0, 2}));
        DhtPeer p2 = new DhtPeer(randomPeerId(), List.of());
        try (Database db = Database.open(dir)) {
            SqliteDhtStorage s = new SqliteDhtStorage(TestStores.of(db));
            s.putRecord("k1".getBytes(), new byte[] {1, 2, 3}, 1000);
            s.putRecord("k1".getBytes(), new byte[] {4, 5}, 2000);
            s.putRecord("k2".getBytes(), new byte[] {6}, 500);
            assertTrue(s.putProvider("pk".getBytes(), p1, 100));
            assertFalse(s.putProvider("pk".getBytes(), p1, 200));
            assertTrue(s.putProvider("pk".getBytes(), p2, 300));
            s.putOwn("mine".getBytes(), true, null);
            s.putOwn("val".getBytes(), false, new byte[] {9});
            s.saveRoutingTable(List.of(p2, p1));
        }
        try (Database db = Database.open(dir)) {
            assertEquals(1, db.version(SqliteDhtStorage.COMPONENT));
            SqliteDhtStorage s = new SqliteDhtStorage(TestStores.of(db));
            assertArrayEquals(new byte[] {4, 5}, s.getRecord("k1".getBytes()).value());
            assertEquals(2000, s.getRecord("k1".getBytes()).receivedMs());
            assertEquals(2, s.recordCount());
            assertEquals(1, s.expireRecords(1000));
            assertNull(s.getRecord("k2".getBytes()));
            List<DhtStorage.Provider> providers = s.getProviders("pk".getBytes(), 10);
            assertEquals(List.of(p2, p1), providers.stream().map(DhtStorage.Provider::peer).toList());
            assertEquals(2, providers.get(1).peer().addrs().size());
            assertArrayEquals(p1.addrs().get(0), providers.get(1).peer().addrs().get(0));
            assertEquals(1, s.providerCountFrom(p1.id()));
            assertEquals(1, s.expireProviders(250));
            assertEquals(1, s.providerCount());
            assertEquals(1, s.own(true).size());
            assertArrayEquals(new byte[] {9}, s.own(false).get(0).value());
            assertEquals(List.of(p2, p1), s.loadRoutingTable());
        }
    }

    @Test
    void aRestartedNodeResumesFromItsStoredTableWithoutBootstrapAndKeepsItsRecords() throws Exception {
        SimulatedNetwork net = new SimulatedNetwork(true);
        List<KademliaDht> nodes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            DhtPeer self = new DhtPeer(randomPeerId(), List.of());
            KademliaDht n = new KademliaDht(self, DhtConfig.defaults(), net.viewOf(self, true), new MemoryDhtStorage(),
                    new SignedRecords(), clock::get, new Random(i));
            net.attach(n);
            if (!nodes.isEmpty()) n.bootstrap(List.of(nodes.get(0).self()));
            nodes.add(n);
        }
        NodeIdentity me = NodeIdentity.fromSeed(new byte[32]);
        DhtPeer self = new DhtPeer(PeerId.toBytes(me.publicIdentity().publicKey()), List.of());
        byte[] key = SignedRecords.nodeKey(me.publicIdentity().peerId());
        byte[] value = SignedRecords.signNodeContact(me, 1, "u0vx", 0, List.of("overlay"), List.of());
        int tableBefore;
        try (Database db = Database.open(dir)) {
            KademliaDht node = new KademliaDht(self, DhtConfig.defaults(), net.viewOf(self, true), new SqliteDhtStorage(TestStores.of(db)),
                    new SignedRecords(), clock::get, new Random(1));
            net.attach(node);
            node.bootstrap(List.of(nodes.get(3).self()));
            node.putValue(key, value);
            node.provide(RegionKeys.providerKey("u0v"));
            tableBefore = node.routingTable().size();
            assertTrue(tableBefore >= 20);
            node.close();
            net.detach(self);
        }
        clock.addAndGet(24 * 3_600_000L); // a day later
        try (Database db = Database.open(dir)) {
            KademliaDht node = new KademliaDht(self, DhtConfig.defaults(), net.viewOf(self, true), new SqliteDhtStorage(TestStores.of(db)),
                    new SignedRecords(), clock::get, new Random(2));
            net.attach(node);
            assertEquals(tableBefore, node.routingTable().size(), "table loaded from SQLite");
            assertTrue(node.resume(), "resumed through stored peers, no bootstrap list given");
            KademliaDht.PeerSearch s = node.findPeer(nodes.get(25).self().id());
            assertEquals(nodes.get(25).self(), s.peer());
            // what it published is republished from the stored list of its own keys
            clock.addAndGet(23 * 3_600_000L);
            node.maintain();
            assertArrayEquals(value, nodes.get(30).getValue(key, 3).value());
            assertEquals(List.of(self), nodes.get(30).findProviders(RegionKeys.providerKey("u0v"), 5).providers());
        }
    }
}
