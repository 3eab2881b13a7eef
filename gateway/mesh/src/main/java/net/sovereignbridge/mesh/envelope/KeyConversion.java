package net.sovereignbridge.mesh.envelope;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Ed25519 keys used for X25519 key agreement, so a node has one key pair (RFC 7748 section 4.1 gives
 * the birational map between edwards25519 and curve25519: u = (1 + y) / (1 - y)). The private scalar is
 * the first half of SHA-512(seed), the same scalar Ed25519 signs with (RFC 8032 section 5.1.5); X25519
 * clamps it.
 */
public final class KeyConversion {
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    private KeyConversion() {}

    public static byte[] x25519PrivateKey(byte[] ed25519Seed) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-512").digest(ed25519Seed);
            byte[] scalar = Arrays.copyOf(h, 32);
            Arrays.fill(h, (byte) 0);
            scalar[0] &= (byte) 248;
            scalar[31] &= 127;
            scalar[31] |= 64;
            return scalar;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this JVM", e);
        }
    }

    /** Maps an Ed25519 public key to its X25519 u-coordinate; the key is public, so BigInteger timing is fine. */
    public static byte[] x25519PublicKey(byte[] ed25519PublicKey) {
        if (ed25519PublicKey.length != 32) throw new IllegalArgumentException("Ed25519 public key must be 32 bytes");
        byte[] le = ed25519PublicKey.clone();
        le[31] &= 0x7F; // the top bit is the sign of x, not part of y
        BigInteger y = new BigInteger(1, reverse(le));
        BigInteger denominator = BigInteger.ONE.subtract(y).mod(P);
        if (denominator.signum() == 0) throw new IllegalArgumentException("Ed25519 public key has y = 1");
        BigInteger u = BigInteger.ONE.add(y).multiply(denominator.modInverse(P)).mod(P);
        byte[] be = u.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    private static byte[] reverse(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) out[i] = in[in.length - 1 - i];
        return out;
    }
}
