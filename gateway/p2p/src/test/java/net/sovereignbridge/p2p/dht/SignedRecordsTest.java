package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import org.junit.jupiter.api.Test;

class SignedRecordsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String NODE_VECTOR = "53424e01000000000000000779b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966404753076780102076f7665726c6179046c6f7261010008047f00000106a4b3fceec68f15b713fb0af979791a745071f1045948834408d8b15dfa04dc126b505b2aff251f11f0c751d1ff09025079d08fdbdeae58ffa326a8a37a57c2a81d05";
    private static final String PROFILE_VECTOR = "53425001000000000000000379b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966400000004001122339d5ce2611b34aa91be6d6e786478a2f02c968ae2ba9f6b0b9431de4961ec40bcad919fd34a896ea745c1b90466efbf1a1233db73b6dc70db5cc9a79661b61c01";
    private final SignedRecords validator = new SignedRecords();

    static NodeIdentity vectorIdentity() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) (i + 1);
        return NodeIdentity.fromSeed(seed);
    }

    @Test
    void nodeContactTestVector() throws Exception {
        NodeIdentity id = vectorIdentity();
        assertEquals("12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf", id.publicIdentity().peerId());
        byte[] key = SignedRecords.nodeKey(id.publicIdentity().peerId());
        byte[] value = SignedRecords.signNodeContact(id, 7, "u0vx", SignedRecords.NodeContact.RELAY,
                List.of("overlay", "lora"), List.of(HEX.parseHex("047f00000106a4b3")));
        assertEquals(NODE_VECTOR, HEX.formatHex(value));
        assertNull(validator.validate(key, value));
        SignedRecords.NodeContact c = SignedRecords.parseNodeContact(value);
        assertEquals(7, c.sequence());
        assertEquals("u0vx", c.region());
        assertTrue(c.relay());
        assertEquals(List.of("overlay", "lora"), c.transports());
        // the signature verifies with the JDK's own Ed25519, independent of the BouncyCastle signer
        assertTrue(jdkVerify(id.publicIdentity().publicKey(), key, value));
    }

    @Test
    void profileTestVector() throws Exception {
        NodeIdentity id = vectorIdentity();
        byte[] key = SignedRecords.profileKey(id.publicIdentity().did());
        assertEquals("/sbridge/profile/did:key:z6MkneMkZqwqRiU5mJzSG3kDwzt9P8C59N4NGTfBLfSGE7c7",
                new String(key, StandardCharsets.US_ASCII));
        byte[] value = SignedRecords.signProfile(id, 3, HEX.parseHex("00112233"));
        assertEquals(PROFILE_VECTOR, HEX.formatHex(value));
        assertNull(validator.validate(key, value));
        assertArrayEquals(HEX.parseHex("00112233"), SignedRecords.parseProfile(value).blob());
        assertTrue(jdkVerify(id.publicIdentity().publicKey(), key, value));
    }

    @Test
    void refusals() {
        NodeIdentity id = vectorIdentity();
        byte[] key = SignedRecords.nodeKey(id.publicIdentity().peerId());
        byte[] value = HEX.parseHex(NODE_VECTOR);
        byte[] badSig = value.clone();
        badSig[badSig.length - 1] ^= 1;
        assertEquals("bad signature", validator.validate(key, badSig));
        byte[] badBody = value.clone();
        badBody[20] ^= 1; // inside the public key: no longer the key's owner
        assertNotNull(validator.validate(key, badBody));
        byte[] badSeq = value.clone();
        badSeq[11] = 8; // sequence 7 -> 8 without re-signing
        assertEquals("bad signature", validator.validate(key, badSeq));

        NodeIdentity other = NodeIdentity.fromSeed(new byte[32]);
        assertEquals("node record key belongs to another PeerId",
                validator.validate(SignedRecords.nodeKey(other.publicIdentity().peerId()), value));
        assertEquals("key is not in an sbridge namespace", validator.validate("/ipns/x".getBytes(), value));
        assertEquals("key is not in an sbridge namespace", validator.validate(new byte[] {0, 1, 2}, value));
        assertEquals("node key does not name an Ed25519 PeerId", validator.validate("/sbridge/node/xyz".getBytes(), value));
        assertNotNull(validator.validate(key, new byte[SignedRecords.MAX_VALUE_BYTES + 1]));
        assertNotNull(validator.validate(key, new byte[10]));
        assertNotNull(validator.validate(key, new byte[0]));
        // a profile value under a node key and the reverse
        byte[] profile = SignedRecords.signProfile(id, 1, new byte[] {1});
        assertNotNull(validator.validate(key, profile));
        assertNotNull(validator.validate(SignedRecords.profileKey(id.publicIdentity().did()), value));
        assertThrows(IllegalArgumentException.class, () -> SignedRecords.signProfile(id, 1, new byte[SignedRecords.MAX_PROFILE_BLOB + 1]));
    }

    @Test
    void newerSequenceWins() {
        NodeIdentity id = vectorIdentity();
        byte[] key = SignedRecords.nodeKey(id.publicIdentity().peerId());
        byte[] v1 = SignedRecords.signNodeContact(id, 1, "u0", 0, List.of(), List.of());
        byte[] v9 = SignedRecords.signNodeContact(id, 9, "u0", 0, List.of(), List.of());
        byte[] v5 = SignedRecords.signNodeContact(id, 5, "u0", 0, List.of(), List.of());
        assertEquals(1, validator.select(key, List.of(v1, v9, v5)));
        assertEquals(0, validator.select(key, List.of(v9, v1)));
    }

    @Test
    void hostileValuesNeverThrow() {
        java.util.Random r = new java.util.Random(3);
        byte[] key = SignedRecords.nodeKey(vectorIdentity().publicIdentity().peerId());
        byte[] good = HEX.parseHex(NODE_VECTOR);
        for (int i = 0; i < 20_000; i++) {
            byte[] v = Arrays.copyOf(good, r.nextInt(good.length + 20));
            for (int j = 0; j < 3; j++) if (v.length > 0) v[r.nextInt(v.length)] = (byte) r.nextInt();
            String why = validator.validate(key, v);
            if (!Arrays.equals(v, good)) assertNotNull(why);
        }
    }

    private static boolean jdkVerify(byte[] publicKey, byte[] key, byte[] value) throws Exception {
        // RFC 8032 public key: little-endian y with the x parity in the top bit
        byte[] le = publicKey.clone();
        boolean xOdd = (le[31] & 0x80) != 0;
        le[31] &= 0x7F;
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) be[i] = le[31 - i];
        var spec = new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be)));
        var pub = KeyFactory.getInstance("Ed25519").generatePublic(spec);
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(pub);
        s.update("sbridge-dht-record:".getBytes(StandardCharsets.US_ASCII));
        s.update(key);
        s.update(value, 0, value.length - 64);
        return s.verify(Arrays.copyOfRange(value, value.length - 64, value.length));
    }
}
