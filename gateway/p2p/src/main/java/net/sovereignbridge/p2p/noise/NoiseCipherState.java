package net.sovereignbridge.p2p.noise;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Noise CipherState for ChaChaPoly: 32-byte key, 64-bit counter as the nonce (4 zero bytes + LE64).
 *
 * <p>Two equivalent implementations, chosen by speed (docs/benchmarks.md): on Java 21 and later the
 * JDK provider, whose ChaCha20 and Poly1305 have CPU intrinsics (about 475 MiB/s on 64 KiB messages
 * here); on Java 17, which has none, Bouncy Castle's, about 1.4x the JDK 17 provider. One instance per
 * direction, re-initialised per message.
 */
public final class NoiseCipherState {
    static final boolean JDK_HAS_INTRINSICS = Runtime.version().feature() >= 21;
    private static final byte[] NO_AD = new byte[0];

    private final boolean useJdk;
    private byte[] key;
    private long nonce;
    private ChaCha20Poly1305 bc;
    private Cipher jdk;
    private SecretKeySpec jdkKey;

    NoiseCipherState() {
        this(JDK_HAS_INTRINSICS);
    }

    /** For tests: force one implementation. */
    NoiseCipherState(boolean useJdk) {
        this.useJdk = useJdk;
    }

    void initializeKey(byte[] k) {
        key = k.clone();
        jdkKey = new SecretKeySpec(key, "ChaCha20");
        nonce = 0;
    }

    boolean hasKey() {
        return key != null;
    }

    public byte[] encrypt(byte[] ad, byte[] plaintext) throws NoiseException {
        byte[] out = new byte[plaintext.length + 16];
        encryptInto(ad, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /**
     * Encrypts {@code len} bytes of {@code in} (no associated data) into {@code out} at {@code outOff},
     * which must have room for len + 16 bytes; returns the ciphertext length.
     */
    public int encryptInto(byte[] in, int off, int len, byte[] out, int outOff) throws NoiseException {
        return encryptInto(null, in, off, len, out, outOff);
    }

    private int encryptInto(byte[] ad, byte[] in, int off, int len, byte[] out, int outOff) throws NoiseException {
        byte[] iv = nextIv();
        try {
            int n;
            if (useJdk) {
                Cipher c = jdk(Cipher.ENCRYPT_MODE, iv, ad);
                n = c.doFinal(in, off, len, out, outOff);
            } else {
                ChaCha20Poly1305 c = bc(true, iv, ad);
                n = c.processBytes(in, off, len, out, outOff);
                n += c.doFinal(out, outOff + n);
            }
            nonce++;
            return n;
        } catch (GeneralSecurityException | InvalidCipherTextException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    public byte[] decrypt(byte[] ad, byte[] ciphertext) throws NoiseException {
        if (ciphertext.length < 16) throw new NoiseException("ciphertext shorter than its tag");
        byte[] iv = nextIv();
        byte[] out = new byte[ciphertext.length - 16];
        try {
            if (useJdk) {
                jdk(Cipher.DECRYPT_MODE, iv, ad).doFinal(ciphertext, 0, ciphertext.length, out, 0);
            } else {
                ChaCha20Poly1305 c = bc(false, iv, ad);
                int n = c.processBytes(ciphertext, 0, ciphertext.length, out, 0);
                c.doFinal(out, n);
            }
            nonce++;
            return out;
        } catch (AEADBadTagException | InvalidCipherTextException e) {
            throw new NoiseException("authentication failed");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
        }
    }

    private byte[] nextIv() throws NoiseException {
        if (nonce == -1L) throw new NoiseException("nonce exhausted");
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) iv[4 + i] = (byte) (nonce >>> (8 * i));
        return iv;
    }

    private Cipher jdk(int mode, byte[] iv, byte[] ad) throws GeneralSecurityException {
        if (jdk == null) jdk = Cipher.getInstance("ChaCha20-Poly1305");
        jdk.init(mode, jdkKey, new IvParameterSpec(iv));
        if (ad != null && ad.length > 0) jdk.updateAAD(ad);
        return jdk;
    }

    private ChaCha20Poly1305 bc(boolean encrypt, byte[] iv, byte[] ad) {
        if (bc == null) bc = new ChaCha20Poly1305();
        bc.init(encrypt, new AEADParameters(new KeyParameter(key), 128, iv, ad == null ? NO_AD : ad));
        return bc;
    }
}
