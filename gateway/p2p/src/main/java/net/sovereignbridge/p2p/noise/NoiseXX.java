package net.sovereignbridge.p2p.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Noise_XX_25519_ChaChaPoly_SHA256 handshake state (Noise spec revision 34), empty prologue.
 *
 * <p>Pattern: -> e; <- e, ee, s, es; -> s, se. Each message carries a payload (for libp2p the
 * NoiseHandshakePayload); the caller verifies the remote static key's payload before trusting it.
 * Not yet checked against a foreign implementation: see docs/p2p.md.
 */
public final class NoiseXX {
    private static final byte[] NAME = "Noise_XX_25519_ChaChaPoly_SHA256".getBytes(StandardCharsets.US_ASCII);

    private final boolean initiator;
    private final byte[] s; // static private
    private final byte[] sPub;
    private byte[] e;
    private byte[] ePub;
    private byte[] rs;
    private byte[] re;
    private byte[] ck;
    private byte[] h;
    private final NoiseCipherState cipher = new NoiseCipherState();
    private int step;

    public NoiseXX(boolean initiator, byte[] staticPrivate, SecureRandom random) {
        this.initiator = initiator;
        this.s = staticPrivate.clone();
        this.sPub = publicOf(s);
        this.e = new byte[32];
        random.nextBytes(e);
        this.ePub = publicOf(e);
        h = NAME.clone(); // exactly 32 bytes = HASHLEN, so used as is
        ck = h.clone();
        mixHash(new byte[0]);
    }

    public static byte[] publicOf(byte[] priv) {
        byte[] pub = new byte[32];
        X25519.scalarMultBase(priv, 0, pub, 0);
        return pub;
    }

    public byte[] localStaticPublic() {
        return sPub.clone();
    }

    /** Remote static public key, known after message 2 (initiator) or 3 (responder). */
    public byte[] remoteStaticPublic() {
        return rs == null ? null : rs.clone();
    }

    public boolean isComplete() {
        return step == 3;
    }

    public byte[] writeMessage(byte[] payload) throws NoiseException {
        boolean myTurn = (step % 2 == 0) == initiator;
        if (!myTurn || step >= 3) throw new NoiseException("not our turn to write");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (step == 0) {
            out.writeBytes(ePub);
            mixHash(ePub);
        } else if (step == 1) {
            out.writeBytes(ePub);
            mixHash(ePub);
            mixKey(dh(e, re));
            out.writeBytes(encryptAndHash(sPub));
            mixKey(dh(s, re)); // es from the responder's side
        } else {
            out.writeBytes(encryptAndHash(sPub));
            mixKey(dh(s, re)); // se from the initiator's side
        }
        out.writeBytes(encryptAndHash(payload));
        step++;
        return out.toByteArray();
    }

    public byte[] readMessage(byte[] message) throws NoiseException {
        boolean theirTurn = (step % 2 == 0) != initiator;
        if (!theirTurn || step >= 3) throw new NoiseException("not their turn to write");
        int pos = 0;
        if (step == 0 || step == 1) {
            if (message.length < 32) throw new NoiseException("message too short");
            re = Arrays.copyOfRange(message, 0, 32);
            pos = 32;
            mixHash(re);
        }
        if (step == 1) {
            mixKey(dh(e, re));
            if (message.length < pos + 48) throw new NoiseException("message too short");
            rs = decryptAndHash(Arrays.copyOfRange(message, pos, pos + 48));
            pos += 48;
            mixKey(dh(e, rs)); // es
        } else if (step == 2) {
            if (message.length < 48) throw new NoiseException("message too short");
            rs = decryptAndHash(Arrays.copyOfRange(message, 0, 48));
            pos = 48;
            mixKey(dh(e, rs)); // se
        }
        byte[] payload = decryptAndHash(Arrays.copyOfRange(message, pos, message.length));
        step++;
        return payload;
    }

    /** After the third message: [0] initiator-to-responder, [1] responder-to-initiator. */
    public NoiseCipherState[] split() throws NoiseException {
        if (!isComplete()) throw new NoiseException("handshake not complete");
        byte[][] keys = hkdf(ck, new byte[0]);
        NoiseCipherState c1 = new NoiseCipherState();
        NoiseCipherState c2 = new NoiseCipherState();
        c1.initializeKey(keys[0]);
        c2.initializeKey(keys[1]);
        Arrays.fill(e, (byte) 0);
        return new NoiseCipherState[] {c1, c2};
    }

    private byte[] dh(byte[] priv, byte[] pub) throws NoiseException {
        byte[] out = new byte[32];
        if (!X25519.calculateAgreement(priv, 0, pub, 0, out, 0)) {
            throw new NoiseException("low-order X25519 public key");
        }
        return out;
    }

    private void mixHash(byte[] data) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(h);
            d.update(data);
            h = d.digest();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private void mixKey(byte[] ikm) {
        byte[][] keys = hkdf(ck, ikm);
        ck = keys[0];
        cipher.initializeKey(keys[1]);
    }

    private byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] out = cipher.hasKey() ? cipher.encrypt(h, plaintext) : plaintext.clone();
        mixHash(out);
        return out;
    }

    private byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
        byte[] out = cipher.hasKey() ? cipher.decrypt(h, ciphertext) : ciphertext.clone();
        mixHash(ciphertext);
        return out;
    }

    private static byte[][] hkdf(byte[] chainingKey, byte[] ikm) {
        byte[] temp = hmac(chainingKey, ikm);
        byte[] out1 = hmac(temp, new byte[] {1});
        byte[] in2 = Arrays.copyOf(out1, 33);
        in2[32] = 2;
        byte[] out2 = hmac(temp, in2);
        return new byte[][] {out1, out2};
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
