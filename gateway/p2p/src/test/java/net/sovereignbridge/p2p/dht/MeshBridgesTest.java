package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.dht.sim.SimulatedNetwork;
import org.junit.jupiter.api.Test;

/** The overlay-bridge lookup: provider key per mesh address, answer checked against the signed contact record. */
class MeshBridgesTest {
    private final Random random = new Random(5);
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final SimulatedNetwork net = new SimulatedNetwork(true);
    private final List<KademliaDht> nodes = new ArrayList<>();

    private KademliaDht join(NodeIdentity id) {
        DhtPeer self = new DhtPeer(PeerId.toBytes(id.publicIdentity().publicKey()), List.of(new byte[] {4, 127, 0, 0, 1}));
        KademliaDht n = new KademliaDht(self, DhtConfig.defaults(), net.viewOf(self, true), new MemoryDhtStorage(),
                new SignedRecords(), clock::get, new Random(random.nextLong()));
        net.attach(n);
        if (!nodes.isEmpty()) n.bootstrap(List.of(nodes.get(0).self()));
        nodes.add(n);
        return n;
    }

    private NodeIdentity identity(int seed) {
        byte[] s = new byte[32];
        new Random(seed).nextBytes(s);
        return NodeIdentity.fromSeed(s);
    }

    @Test
    void providerKeyVector() {
        MeshAddress a = MeshAddress.parse("00112233445566778899aabbccddeeff");
        byte[] k = MeshBridges.providerKey(a);
        assertEquals(34, k.length);
        assertArrayEquals(HexFormat.of().parseHex("1220"), java.util.Arrays.copyOf(k, 2));
        assertArrayEquals(KadId.sha256("sbridge/mesh-addr/00112233445566778899aabbccddeeff".getBytes()),
                java.util.Arrays.copyOfRange(k, 2, 34));
    }

    @Test
    void contactRecordWithMeshAddressesVector() throws Exception {
        NodeIdentity id = NodeIdentity.fromSeed(HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"));
        byte[] v = SignedRecords.signNodeContact(id, 7, "u0vx", SignedRecords.NodeContact.RELAY, List.of("overlay", "lora"),
                List.of(HexFormat.of().parseHex("047f00000106a4b3")), List.of(HexFormat.of().parseHex("00112233445566778899aabbccddeeff")));
        String expected = "53424e010000000000000007"
                + "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664"
                + "0475307678" + "01" + "02076f7665726c6179046c6f7261" + "010008047f00000106a4b3"
                + "0100112233445566778899aabbccddeeff"
                + "c06ed8949ba3d631c6b886de01e1a7c4792c5386fad474148e012b9fa23d6560"
                + "236ada0a073cacb01a65781e9b6e6f36382041da292fb02ae1fae708abe6110c";
        assertEquals(expected, HexFormat.of().formatHex(v)); // docs/dht.md, "Mesh-address section"
        assertEquals("1220093f69c37758dafa12e7120922212dcafc956e7e858e3dd9883a136349a2296a",
                HexFormat.of().formatHex(MeshBridges.providerKey(MeshAddress.parse("00112233445566778899aabbccddeeff"))));
        // the signature verifies with the JDK's own Ed25519 (X.509 SubjectPublicKeyInfo of the raw key)
        byte[] key = SignedRecords.nodeKey(id.publicIdentity().peerId());
        byte[] spki = java.util.Arrays.copyOf(HexFormat.of().parseHex("302a300506032b6570032100"), 44);
        System.arraycopy(id.publicIdentity().publicKey(), 0, spki, 12, 32);
        var pub = java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
        java.security.Signature s = java.security.Signature.getInstance("Ed25519");
        s.initVerify(pub);
        s.update(SignedRecords.SIGNING_CONTEXT);
        s.update(key);
        s.update(v, 0, v.length - 64);
        assertTrue(s.verify(java.util.Arrays.copyOfRange(v, v.length - 64, v.length)));
    }

    @Test
    void aBridgeIsFoundOnlyWhileItsSignedRecordListsTheAddress() {
        for (int i = 0; i < 40; i++) join(identity(100 + i));
        NodeIdentity bridgeId = identity(1);
        NodeIdentity liarId = identity(2);
        KademliaDht bridge = join(bridgeId);
        KademliaDht liar = join(liarId);
        MeshAddress x = identity(3).address();
        MeshAddress y = identity(4).address();
        byte[] tcp = HexFormat.of().parseHex("047f00000106a4b3");

        bridge.putValue(SignedRecords.nodeKey(bridgeId.publicIdentity().peerId()), SignedRecords.signNodeContact(bridgeId,
                1, "u0vx", SignedRecords.NodeContact.RELAY, List.of("lora"), List.of(tcp), List.of(x.toBytes(), y.toBytes())));
        assertEquals(2, new MeshBridges(bridge).announce(List.of(x, y)));
        // the liar provides x's key but its own signed record does not list x
        liar.putValue(SignedRecords.nodeKey(liarId.publicIdentity().peerId()),
                SignedRecords.signNodeContact(liarId, 1, "u0vx", 0, List.of(), List.of(tcp)));
        new MeshBridges(liar).announce(List.of(x));

        KademliaDht asker = nodes.get(7);
        List<MeshBridges.Bridge> found = new MeshBridges(asker).find(x, 3);
        assertEquals(List.of(bridge.self()), found.stream().map(MeshBridges.Bridge::peer).toList());
        assertArrayEquals(tcp, found.get(0).peer().addrs().get(0), "the overlay address comes from the signed record");
        assertTrue(found.get(0).contact().relay());

        // the bridge loses y: a newer record without it; the stale provider entry no longer leads there
        bridge.putValue(SignedRecords.nodeKey(bridgeId.publicIdentity().peerId()), SignedRecords.signNodeContact(bridgeId,
                2, "u0vx", SignedRecords.NodeContact.RELAY, List.of("lora"), List.of(tcp), List.of(x.toBytes())));
        assertTrue(new MeshBridges(asker).find(y, 3).isEmpty());
        assertEquals(1, new MeshBridges(asker).find(x, 3).size());
        // a node is always reachable through itself: its own address needs no listing
        new MeshBridges(bridge).announce(List.of(bridgeId.address()));
        assertEquals(1, new MeshBridges(asker).find(bridgeId.address(), 3).size());
    }

    @Test
    void meshAddressSectionIsOptionalCanonicalAndBounded() {
        NodeIdentity id = identity(9);
        byte[] key = SignedRecords.nodeKey(id.publicIdentity().peerId());
        SignedRecords v = new SignedRecords();
        byte[] without = SignedRecords.signNodeContact(id, 1, "u0", 0, List.of(), List.of());
        assertTrue(SignedRecords.parseNodeContact(without).meshAddrs().isEmpty());
        byte[] with = SignedRecords.signNodeContact(id, 1, "u0", 0, List.of(), List.of(), List.of(new byte[16]));
        assertEquals(without.length + 17, with.length);
        assertNull(v.validate(key, with));
        assertEquals(1, SignedRecords.parseNodeContact(with).meshAddrs().size());
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < SignedRecords.MAX_MESH_ADDRS; i++) many.add(new byte[16]);
        assertNull(v.validate(key, SignedRecords.signNodeContact(id, 1, "u0", 0, List.of(), List.of(), many)));
        many.add(new byte[16]);
        assertThrows(IllegalArgumentException.class, () -> SignedRecords.signNodeContact(id, 1, "u0", 0, List.of(), List.of(), many));
        assertThrows(IllegalArgumentException.class,
                () -> SignedRecords.signNodeContact(id, 1, "u0", 0, List.of(), List.of(), List.of(new byte[15])));
        // a present section with a count of 0, or a truncated one, is malformed
        byte[] body = java.util.Arrays.copyOf(without, without.length - 64);
        byte[] zero = java.util.Arrays.copyOf(body, body.length + 1);
        assertEquals("malformed node contact record", v.validate(key, resign(id, key, zero)));
        byte[] truncated = java.util.Arrays.copyOf(body, body.length + 5);
        truncated[body.length] = 1;
        assertEquals("malformed node contact record", v.validate(key, resign(id, key, truncated)));
    }

    private static byte[] resign(NodeIdentity id, byte[] key, byte[] body) {
        byte[] in = new byte[SignedRecords.SIGNING_CONTEXT.length + key.length + body.length];
        System.arraycopy(SignedRecords.SIGNING_CONTEXT, 0, in, 0, SignedRecords.SIGNING_CONTEXT.length);
        System.arraycopy(key, 0, in, SignedRecords.SIGNING_CONTEXT.length, key.length);
        System.arraycopy(body, 0, in, SignedRecords.SIGNING_CONTEXT.length + key.length, body.length);
        byte[] sig = id.sign(in);
        byte[] out = java.util.Arrays.copyOf(body, body.length + 64);
        System.arraycopy(sig, 0, out, body.length, 64);
        return out;
    }
}
