package net.sovereignbridge.p2p.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Both ChaCha20-Poly1305 implementations (JDK provider, Bouncy Castle) give the same bytes. */
class NoiseCipherStateTest {

    @Test
    void eachImplementationDecryptsTheOthersAndRejectsTampering() throws Exception {
        byte[] key = HexFormat.of().parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] ad = HexFormat.of().parseHex("50515253c0c1c2c3c4c5c6c7");
        byte[] pt = "Ladies and Gentlemen of the class of '99".getBytes();
        for (boolean jdk : new boolean[] {true, false}) {
            NoiseCipherState enc = new NoiseCipherState(jdk);
            NoiseCipherState dec = new NoiseCipherState(!jdk);
            enc.initializeKey(key);
            dec.initializeKey(key);
            byte[] first = enc.encrypt(ad, pt);
            assertEquals(pt.length + 16, first.length);
            assertArrayEquals(pt, dec.decrypt(ad, first));
            byte[] second = enc.encrypt(ad, pt); // nonce 1: another ciphertext for the same plaintext
            assertEquals(false, java.util.Arrays.equals(first, second));
            second[3] ^= 1;
            assertThrows(NoiseException.class, () -> dec.decrypt(ad, second));
        }
    }

    @Property(tries = 200)
    void jdkAndBouncyCastleAgree(@ForAll @Size(max = 3000) byte[] plaintext, @ForAll @Size(32) byte[] key) throws Exception {
        NoiseCipherState a = new NoiseCipherState(true);
        NoiseCipherState b = new NoiseCipherState(false);
        a.initializeKey(key);
        b.initializeKey(key);
        for (int i = 0; i < 3; i++) { // successive nonces
            byte[] ca = new byte[plaintext.length + 16];
            byte[] cb = new byte[plaintext.length + 16];
            a.encryptInto(plaintext, 0, plaintext.length, ca, 0);
            b.encryptInto(plaintext, 0, plaintext.length, cb, 0);
            assertArrayEquals(ca, cb);
        }
    }
}
