package net.sovereignbridge.p2p.peerstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.peerstore.PeerStore.AddressRecord;
import net.sovereignbridge.p2p.peerstore.PeerStore.PeerRecord;
import net.sovereignbridge.p2p.peerstore.PeerStore.Source;
import net.sovereignbridge.p2p.storage.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer store on a SQLite file in a temporary state directory. */
class PeerStoreTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_000_000);

    private static byte[] newPeer() {
        return PeerId.toBytes(NodeIdentity.generate(RANDOM).publicIdentity().publicKey());
    }

    private static Multiaddr addr(String s) throws Exception {
        return Multiaddr.parse(s);
    }

    private PeerStore open(Database db, PeerStore.Limits limits) throws Exception {
        return new PeerStore(TestStores.of(db), limits, clock::get);
    }

    @Test
    void everythingSurvivesARestartOnAFile() throws Exception {
        byte[] peer = newPeer();
        try (Database db = Database.open(dir)) {
            PeerStore store = open(db, PeerStore.Limits.DEFAULT);
            assertTrue(store.addAddresses(peer, List.of(addr("/ip4/192.0.2.1/tcp/4001")), Source.CONFIG));
            clock.addAndGet(10);
            store.addAddresses(peer, List.of(addr("/ip4/192.0.2.1/tcp/4002/ws/p2p/" + PeerId.encode(PeerId.fromBytes(peer)))),
                    Source.IDENTIFY);
            store.setProtocols(peer, List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/sbridge/mesh/1.0.0"));
            clock.addAndGet(10);
            store.recordConnected(peer);
            store.recordFailure(peer);
            assertEquals(2, store.recordFailure(peer));
        }
        assertTrue(Files.size(dir.resolve(Database.FILE_NAME)) > 0);
        try (Database db = Database.open(dir)) {
            PeerStore store = open(db, PeerStore.Limits.DEFAULT);
            PeerRecord r = store.get(peer).orElseThrow();
            assertArrayEquals(peer, r.peerId());
            // Newest first; the /p2p suffix is not stored (the PeerId is the key).
            assertEquals(List.of(new AddressRecord(addr("/ip4/192.0.2.1/tcp/4002/ws"), Source.IDENTIFY, 1_000_010),
                    new AddressRecord(addr("/ip4/192.0.2.1/tcp/4001"), Source.CONFIG, 1_000_000)), r.addresses());
            assertEquals(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/sbridge/mesh/1.0.0"), r.protocols());
            assertEquals(1_000_020, r.lastConnectedMs());
            assertEquals(2, r.failures());
            assertEquals(1, store.peerCount());
            assertEquals(PeerId.encode(PeerId.fromBytes(peer)), r.peerIdText());
        }
    }

    @Test
    void connectingResetsFailuresAndAStrongerSourceIsKept() throws Exception {
        try (Database db = Database.open(dir)) {
            PeerStore store = open(db, PeerStore.Limits.DEFAULT);
            byte[] peer = newPeer();
            Multiaddr a = addr("/dns4/bridge.example/tcp/4001");
            store.addAddresses(peer, List.of(a), Source.CONFIG);
            clock.addAndGet(5);
            store.addAddresses(peer, List.of(a), Source.DHT); // seen again via the DHT: still a configured address
            AddressRecord r = store.get(peer).orElseThrow().addresses().get(0);
            assertEquals(Source.CONFIG, r.source());
            assertEquals(1_000_005, r.lastSeenMs());
            store.recordFailure(peer);
            store.recordConnected(peer);
            assertEquals(0, store.get(peer).orElseThrow().failures());
            assertEquals(0, store.recordFailure(newPeer())); // unknown peer: nothing stored
            assertEquals(1, store.peerCount());
            assertTrue(store.remove(peer));
            assertEquals(0, store.peerCount());
        }
    }

    @Test
    void addressesPerPeerAreBoundedOldestWeakestFirst() throws Exception {
        try (Database db = Database.open(dir)) {
            PeerStore store = open(db, new PeerStore.Limits(10, 3, 8));
            byte[] peer = newPeer();
            store.addAddresses(peer, List.of(addr("/ip4/10.0.0.1/tcp/1")), Source.CONFIG);
            for (int i = 2; i <= 6; i++) {
                clock.addAndGet(1);
                store.addAddresses(peer, List.of(addr("/ip4/10.0.0.1/tcp/" + i)), Source.IDENTIFY);
            }
            List<String> kept = store.get(peer).orElseThrow().addresses().stream().map(x -> x.address().toString()).toList();
            // The configured address is the oldest but outranks the identify ones; the newest two of those stay.
            assertEquals(List.of("/ip4/10.0.0.1/tcp/6", "/ip4/10.0.0.1/tcp/5", "/ip4/10.0.0.1/tcp/1"), kept);
            // One report with many addresses (identify's listenAddrs) is cut to the limit too.
            byte[] chatty = newPeer();
            List<Multiaddr> many = new ArrayList<>();
            for (int i = 1; i <= 100; i++) many.add(addr("/ip4/10.0.2.1/tcp/" + i));
            store.addAddresses(chatty, many, Source.IDENTIFY);
            assertEquals(3, store.get(chatty).orElseThrow().addresses().size());
        }
    }

    @Test
    void peersAreBoundedAndConfiguredPeersAreNeverEvicted() throws Exception {
        try (Database db = Database.open(dir)) {
            PeerStore store = open(db, new PeerStore.Limits(3, 4, 8));
            byte[] configured = newPeer();
            store.addAddresses(configured, List.of(addr("/ip4/10.0.0.1/tcp/1")), Source.CONFIG);
            List<byte[]> others = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                clock.addAndGet(1);
                byte[] p = newPeer();
                others.add(p);
                assertTrue(store.addAddresses(p, List.of(addr("/ip4/10.0.1." + i + "/tcp/1")), Source.DHT));
            }
            assertEquals(3, store.peerCount());
            assertTrue(store.get(configured).isPresent());
            assertTrue(store.get(others.get(4)).isPresent());
            assertTrue(store.get(others.get(3)).isPresent());
            assertFalse(store.get(others.get(0)).isPresent());
            // A store full of configured peers refuses a newcomer instead of dropping one.
            PeerStore small = open(db, new PeerStore.Limits(3, 4, 8));
            for (byte[] p : others) small.remove(p);
            small.addAddresses(newPeer(), List.of(addr("/ip4/10.0.0.2/tcp/1")), Source.CONFIG);
            small.addAddresses(newPeer(), List.of(addr("/ip4/10.0.0.3/tcp/1")), Source.CONFIG);
            assertFalse(small.addAddresses(newPeer(), List.of(addr("/ip4/10.0.0.4/tcp/1")), Source.IDENTIFY));
            assertEquals(3, small.peerCount());
        }
    }

    @Test
    void protocolListsAreReplacedCleanedAndBounded() throws Exception {
        try (Database db = Database.open(dir)) {
            PeerStore store = open(db, new PeerStore.Limits(10, 4, 3));
            byte[] peer = newPeer();
            store.setProtocols(peer, List.of("/a", "/b"));
            store.setProtocols(peer, List.of("/c", "", "/bad\nline", "/x".repeat(200), "/d", "/c", "/e", "/f", "/g"));
            assertEquals(List.of("/c", "/d", "/e"), store.get(peer).orElseThrow().protocols());
        }
    }

    @Test
    void somethingThatIsNotAPeerIdIsRefused() throws Exception {
        try (Database db = Database.open(dir)) {
            PeerStore store = open(db, PeerStore.Limits.DEFAULT);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.addAddresses(new byte[] {0x00, 0x05, 1, 2}, List.of(), Source.DHT));
            assertTrue(e.getMessage().startsWith("not a PeerId"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.setProtocols(new byte[0], List.of("/a")));
            assertEquals(0, store.peerCount());
        }
    }

    @Test
    void allListsMostRecentlyActiveFirst() throws Exception {
        try (Database db = Database.open(dir)) {
            PeerStore store = open(db, PeerStore.Limits.DEFAULT);
            byte[] a = newPeer();
            byte[] b = newPeer();
            store.addAddresses(a, List.of(addr("/ip4/10.0.0.1/tcp/1")), Source.DHT);
            clock.addAndGet(1);
            store.addAddresses(b, List.of(addr("/ip4/10.0.0.2/tcp/1")), Source.DHT);
            clock.addAndGet(1);
            store.recordConnected(a);
            List<PeerRecord> all = store.all();
            assertEquals(2, all.size());
            assertArrayEquals(a, all.get(0).peerId());
            assertArrayEquals(b, all.get(1).peerId());
        }
    }
}
