package net.sovereignbridge.p2p.noise;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Noise CipherState for ChaChaPoly: 32-byte key, 64-bit counter as the nonce (4 zero bytes + LE64). */
public final class NoiseCipherState {
    private byte[] key;
    private long nonce;

    void initializeKey(byte[] k) {
        key = k.clone();
        nonce = 0;
    }

    boolean hasKey() {
        return key != null;
    }

    public byte[] encrypt(byte[] ad, byte[] plaintext) throws NoiseException {
        return crypt(Cipher.ENCRYPT_MODE, ad, plaintext);
    }

    public byte[] decrypt(byte[] ad, byte[] ciphertext) throws NoiseException {
        if (ciphertext.length < 16) throw new NoiseException("ciphertext shorter than its tag");
        return crypt(Cipher.DECRYPT_MODE, ad, ciphertext);
    }

    private byte[] crypt(int mode, byte[] ad, byte[] in) throws NoiseException {
        if (nonce == -1L) throw new NoiseException("nonce exhausted");
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) iv[4 + i] = (byte) (nonce >>> (8 * i));
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(iv));
            if (ad != null && ad.length > 0) c.updateAAD(ad);
            byte[] out = c.doFinal(in);
            nonce++;
            return out;
        } catch (javax.crypto.AEADBadTagException e) {
            throw new NoiseException("authentication failed");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 unavailable", e);
        }
    }
}
