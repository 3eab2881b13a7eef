package net.sovereignbridge.p2p.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import org.junit.jupiter.api.Test;

/**
 * Signed peer record envelopes. The vector (seed 01..20, seq 1, /ip4/127.0.0.1/tcp/4001) is
 * byte-identical to what js-libp2p's @libp2p/peer-record seals with the same key, and js opens ours
 * (checked with a one-off script against the test peer's node_modules; docs/p2p.md).
 */
class SignedPeerRecordTest {
    static final HexFormat HEX = HexFormat.of();
    static final String RECORD = "0a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966410011a0a0a08047f000001060fa1";
    static final String SIGNING = "126c69627032702d706565722d7265636f7264020301360a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966410011a0a0a08047f000001060fa1";
    static final String ENVELOPE = "0a240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664120203011a36" + RECORD
            + "2a40e01b9dc0cf1028df12435a969b39ca536325fe7c1c5ede9acdec85a9cec0f6f55c214b6c879b281db25ddcd06e3ec3225a15ccbc89cb3cfd55f0b76758bcdf0c";

    static NodeIdentity vectorIdentity() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) (i + 1);
        return NodeIdentity.fromSeed(seed);
    }

    @Test
    void vectorMatchesJsLibp2p() throws Exception {
        NodeIdentity id = vectorIdentity();
        assertEquals("12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf", PeerId.encode(id.publicIdentity().publicKey()));
        List<Multiaddr> addrs = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));
        PeerRecord rec = new PeerRecord(PeerId.toBytes(id.publicIdentity().publicKey()), 1, addrs);
        assertEquals(RECORD, HEX.formatHex(rec.encode()));
        assertEquals(SIGNING, HEX.formatHex(SignedEnvelope.signingPayload(PeerRecord.DOMAIN, PeerRecord.PAYLOAD_TYPE, rec.encode())));
        assertEquals(ENVELOPE, HEX.formatHex(PeerRecord.seal(id, 1, addrs).encode()));

        PeerRecord opened = PeerRecord.open(HEX.parseHex(ENVELOPE), id.publicIdentity().publicKey());
        assertEquals(1, opened.seq());
        assertEquals(addrs, opened.addresses());
    }

    @Test
    void aFlippedBitAnywhereInThePayloadOrSignatureIsRejected() {
        byte[] key = vectorIdentity().publicIdentity().publicKey();
        byte[] env = HEX.parseHex(ENVELOPE);
        int payloadStart = 38 + 4 + 2; // key field (2 + 36), type field (4), payload tag and length (2)
        for (int i = payloadStart; i < env.length; i++) {
            byte[] bad = env.clone();
            bad[i] ^= 0x01;
            final int at = i;
            assertThrows(ProtoException.class, () -> PeerRecord.open(bad, key), () -> "flip at " + at + " accepted");
        }
    }

    @Test
    void aRecordForAnotherDomainOrTypeOrSignerIsRejected() throws Exception {
        NodeIdentity id = vectorIdentity();
        NodeIdentity other = NodeIdentity.generate(new SecureRandom());
        byte[] payload = HEX.parseHex(RECORD);
        byte[] otherDomain = SignedEnvelope.seal(id, "libp2p-routing-state", PeerRecord.PAYLOAD_TYPE, payload).encode();
        ProtoException e = assertThrows(ProtoException.class, () -> PeerRecord.open(otherDomain, id.publicIdentity().publicKey()));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());

        byte[] otherType = SignedEnvelope.seal(id, PeerRecord.DOMAIN, new byte[] {0x03, 0x02}, payload).encode();
        assertThrows(ProtoException.class, () -> PeerRecord.open(otherType, id.publicIdentity().publicKey()));

        // a valid envelope by someone else carrying our peer_id
        byte[] foreign = SignedEnvelope.seal(other, PeerRecord.DOMAIN, PeerRecord.PAYLOAD_TYPE, payload).encode();
        e = assertThrows(ProtoException.class, () -> PeerRecord.open(foreign, id.publicIdentity().publicKey()));
        assertTrue(e.getMessage().contains("not the signer"), e.getMessage());

        // someone else's honest record, offered on our connection
        byte[] theirs = PeerRecord.seal(other, 5, List.of()).encode();
        e = assertThrows(ProtoException.class, () -> PeerRecord.open(theirs, id.publicIdentity().publicKey()));
        assertTrue(e.getMessage().contains("another peer"), e.getMessage());
        assertArrayEquals(other.publicIdentity().publicKey(), SignedEnvelope.decode(theirs).verify(PeerRecord.DOMAIN, PeerRecord.PAYLOAD_TYPE));
    }

    @Property(tries = 3000)
    void decodersGiveTypedErrorsOnly(@ForAll byte[] bytes) {
        try {
            SignedEnvelope.decode(bytes);
        } catch (ProtoException expected) {
            // the only allowed failure
        }
        try {
            PeerRecord.decode(bytes);
        } catch (ProtoException expected) {
            // the only allowed failure
        }
    }
}
