package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.sovereignbridge.mesh.identity.PeerId;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    private final Random random = new Random(7);

    private DhtPeer randomPeer() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return new DhtPeer(PeerId.toBytes(key), List.of());
    }

    @Test
    void kadIdIsSha256OfTheKeyAndDistanceIsXor() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1
        KadId abc = KadId.of("abc".getBytes());
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(abc.toBytes()));
        KadId zero = KadId.fromHash(new byte[32]);
        byte[] one = new byte[32];
        one[31] = 1;
        byte[] top = new byte[32];
        top[0] = (byte) 0x80;
        assertEquals(255, zero.commonPrefixLength(KadId.fromHash(one)));
        assertEquals(0, zero.commonPrefixLength(KadId.fromHash(top)));
        assertEquals(256, abc.commonPrefixLength(abc));
        assertTrue(zero.compareDistance(KadId.fromHash(one), KadId.fromHash(top)) < 0);
        assertArrayEquals(abc.toBytes(), abc.distance(zero));
    }

    @Test
    void closestIsOrderedByXorDistanceAgainstABruteForceSort() {
        DhtPeer self = randomPeer();
        RoutingTable table = new RoutingTable(self.kadId(), 20);
        List<DhtPeer> added = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            DhtPeer p = randomPeer();
            if (table.add(p, i) == RoutingTable.AddResult.ADDED) added.add(p);
        }
        assertEquals(added.size(), table.size());
        KadId target = KadId.of("target".getBytes());
        List<DhtPeer> expected = new ArrayList<>(added);
        expected.sort((a, b) -> new java.math.BigInteger(1, a.kadId().distance(target))
                .compareTo(new java.math.BigInteger(1, b.kadId().distance(target))));
        assertEquals(expected.subList(0, 20), table.closest(target, 20));
    }

    @Test
    void aFullBucketKeepsItsOldPeersUntilOneFails() {
        DhtPeer self = randomPeer();
        RoutingTable table = new RoutingTable(self.kadId(), 20);
        List<DhtPeer> inBucket0 = new ArrayList<>();
        while (inBucket0.size() < 21) {
            DhtPeer p = randomPeer();
            if (self.kadId().commonPrefixLength(p.kadId()) == 0) inBucket0.add(p);
        }
        for (int i = 0; i < 20; i++) assertEquals(RoutingTable.AddResult.ADDED, table.add(inBucket0.get(i), i));
        assertEquals(RoutingTable.AddResult.BUCKET_FULL, table.add(inBucket0.get(20), 100));
        assertEquals(RoutingTable.AddResult.UPDATED, table.add(inBucket0.get(3), 101));
        assertEquals(20, table.bucketSize(0));
        assertTrue(table.remove(inBucket0.get(5)));
        assertEquals(RoutingTable.AddResult.ADDED, table.add(inBucket0.get(20), 102));
        assertTrue(table.contains(inBucket0.get(20)));
        assertFalse(table.contains(inBucket0.get(5)));
        assertEquals(RoutingTable.AddResult.SELF, table.add(self, 0));
        assertEquals(inBucket0.get(0), table.staleSince(1).get(0));
    }
}
