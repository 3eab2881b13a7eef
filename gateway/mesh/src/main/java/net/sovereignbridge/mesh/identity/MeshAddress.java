package net.sovereignbridge.mesh.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A node's mesh address: the first 16 bytes of SHA-256 of its Ed25519 public key. Sixteen bytes keep
 * radio headers short while leaving 2^64 work for a birthday collision.
 */
public final class MeshAddress implements Comparable<MeshAddress> {
    public static final int LENGTH = 16;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private MeshAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static MeshAddress of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IdentifierFormatException("mesh address must be " + LENGTH + " bytes, got " + bytes.length);
        }
        return new MeshAddress(bytes.clone());
    }

    public static MeshAddress of(byte[] source, int offset) {
        return new MeshAddress(Arrays.copyOfRange(source, offset, offset + LENGTH));
    }

    public static MeshAddress fromPublicKey(byte[] ed25519PublicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ed25519PublicKey);
            return new MeshAddress(Arrays.copyOf(digest, LENGTH));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Parses 32 hex characters (either case). */
    public static MeshAddress parse(String text) {
        String t = text.trim();
        if (t.length() != LENGTH * 2) {
            throw new IdentifierFormatException(
                    "mesh address must be " + (LENGTH * 2) + " hex characters, got " + t.length() + ": '" + text + "'");
        }
        try {
            return new MeshAddress(HEX.parseHex(t));
        } catch (IllegalArgumentException e) {
            throw new IdentifierFormatException("mesh address is not hexadecimal: '" + text + "'");
        }
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, LENGTH);
    }

    public String toHex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeshAddress other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(MeshAddress o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
