package net.sovereignbridge.p2p.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import org.junit.jupiter.api.Test;

class NoiseHandshakePayloadTest {
    private final SecureRandom random = new SecureRandom();
    private final NodeIdentity alice = NodeIdentity.generate(random);
    private final NodeIdentity mallory = NodeIdentity.generate(random);

    private byte[] staticKey() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return NoiseXX.publicOf(k);
    }

    @Test
    void payloadVerifiesAndYieldsTheIdentityKey() throws Exception {
        byte[] s = staticKey();
        byte[] payload = NoiseHandshakePayload.encode(alice, s);
        byte[] expected = PeerId.toBytes(alice.publicIdentity().publicKey());
        assertArrayEquals(alice.publicIdentity().publicKey(), NoiseHandshakePayload.verify(payload, s, expected));
    }

    @Test
    void streamMuxerExtensionsRoundTripAndAreBounded() throws Exception {
        byte[] s = staticKey();
        byte[] payload = NoiseHandshakePayload.encode(alice, s, java.util.List.of("/yamux/1.0.0", "/mplex/6.7.0"));
        NoiseHandshakePayload.Verified v = NoiseHandshakePayload.verifyPayload(payload, s, null);
        assertArrayEquals(alice.publicIdentity().publicKey(), v.identityKey());
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("/yamux/1.0.0", "/mplex/6.7.0"), v.streamMuxers());
        // field 4 = NoiseExtensions{2: "/yamux/1.0.0", 2: "/mplex/6.7.0"}: 22 1c 12 0c ... 12 0c ...
        String hex = java.util.HexFormat.of().formatHex(payload);
        org.junit.jupiter.api.Assertions.assertTrue(hex.endsWith("221c120c2f79616d75782f312e302e30120c2f6d706c65782f362e372e30"), hex);
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(),
                NoiseHandshakePayload.verifyPayload(NoiseHandshakePayload.encode(alice, s), s, null).streamMuxers());

        java.util.List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i <= NoiseHandshakePayload.MAX_MUXERS; i++) many.add("/m/" + i);
        byte[] tooMany = NoiseHandshakePayload.encode(alice, s, many);
        assertThrows(NoiseException.class, () -> NoiseHandshakePayload.verifyPayload(tooMany, s, null));
    }

    @Test
    void signatureOverAnotherStaticKeyIsRejected() {
        byte[] payload = NoiseHandshakePayload.encode(alice, staticKey());
        assertThrows(NoiseException.class, () -> NoiseHandshakePayload.verify(payload, staticKey(), null));
    }

    @Test
    void flippedSignatureBitIsRejected() {
        byte[] s = staticKey();
        byte[] payload = NoiseHandshakePayload.encode(alice, s);
        payload[payload.length - 1] ^= 1;
        assertThrows(NoiseException.class, () -> NoiseHandshakePayload.verify(payload, s, null));
    }

    @Test
    void peerIdOtherThanTheDialledOneIsRejected() {
        byte[] s = staticKey();
        byte[] payload = NoiseHandshakePayload.encode(mallory, s);
        byte[] dialled = PeerId.toBytes(alice.publicIdentity().publicKey());
        assertThrows(NoiseException.class, () -> NoiseHandshakePayload.verify(payload, s, dialled));
    }

    @Property(tries = 2000)
    void randomBytesGiveTypedErrorsOnly(@ForAll byte[] bytes) {
        try {
            NoiseHandshakePayload.verify(bytes, new byte[32], null);
        } catch (NoiseException expected) {
            // typed rejection is the only allowed failure
        }
    }
}
