package net.sovereignbridge.p2p.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Handshake between two of our own states; foreign interop (js-libp2p) is still to do. */
class NoiseXXTest {
    private final SecureRandom random = new SecureRandom();

    private byte[] key() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return k;
    }

    @Test
    void handshakeAuthenticatesBothStaticKeysAndSplitsMatchingCiphers() throws Exception {
        NoiseXX a = new NoiseXX(true, key(), random);
        NoiseXX b = new NoiseXX(false, key(), random);
        byte[] m1 = a.writeMessage(new byte[0]);
        b.readMessage(m1);
        byte[] m2 = b.writeMessage("payload-b".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("payload-b".getBytes(StandardCharsets.UTF_8), a.readMessage(m2));
        byte[] m3 = a.writeMessage("payload-a".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("payload-a".getBytes(StandardCharsets.UTF_8), b.readMessage(m3));
        assertTrue(a.isComplete() && b.isComplete());
        assertArrayEquals(b.localStaticPublic(), a.remoteStaticPublic());
        assertArrayEquals(a.localStaticPublic(), b.remoteStaticPublic());
        // message sizes per the pattern: e = 32; e + enc(s) + enc(payload) = 32 + 48 + 9 + 16
        assertTrue(m1.length == 32 && m2.length == 32 + 48 + 25 && m3.length == 48 + 25);
        NoiseCipherState[] ca = a.split();
        NoiseCipherState[] cb = b.split();
        byte[] ct = ca[0].encrypt(null, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, cb[0].decrypt(null, ct));
        byte[] back = cb[1].encrypt(null, new byte[] {4});
        assertArrayEquals(new byte[] {4}, ca[1].decrypt(null, back));
    }

    @Test
    void tamperedSecondMessageFailsAuthentication() throws Exception {
        NoiseXX a = new NoiseXX(true, key(), random);
        NoiseXX b = new NoiseXX(false, key(), random);
        b.readMessage(a.writeMessage(new byte[0]));
        byte[] m2 = b.writeMessage(new byte[0]);
        m2[40] ^= 1;
        assertThrows(NoiseException.class, () -> a.readMessage(m2));
    }

    @Test
    void shortMessagesAreTypedErrors() {
        NoiseXX b = new NoiseXX(false, key(), random);
        assertThrows(NoiseException.class, () -> b.readMessage(new byte[5]));
    }
}
