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
