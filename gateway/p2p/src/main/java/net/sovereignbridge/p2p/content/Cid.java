package net.sovereignbridge.p2p.content;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;

/**
 * A CIDv1 with a sha2-256 multihash: the only kind the importer makes. Binary form
 * {@code 0x01 codec-varint 0x12 0x20 digest[32]}; text form multibase base32 ({@code b} + lowercase
 * RFC 4648 base32 without padding), as the IPFS tools print CIDv1.
 */
public final class Cid {
    /** Multicodec of a raw block (a leaf that is the file's bytes as they are). */
    public static final int RAW = 0x55;
    /** Multicodec of a dag-pb block (a UnixFS node). */
    public static final int DAG_PB = 0x70;
    private static final int SHA2_256 = 0x12;
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

    private final int codec;
    private final byte[] digest;

    private Cid(int codec, byte[] digest) {
        this.codec = codec;
        this.digest = digest;
    }

    /** The CID of {@code block} stored under {@code codec}. */
    public static Cid of(int codec, byte[] block) {
        try {
            return new Cid(codec, MessageDigest.getInstance("SHA-256").digest(block));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public int codec() {
        return codec;
    }

    /** True when {@code block} hashes to this CID's digest. */
    public boolean matches(byte[] block) {
        return MessageDigest.isEqual(digest, of(codec, block).digest);
    }

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(36);
        out.write(1);
        UnsignedVarint.write(codec, out);
        out.write(SHA2_256);
        out.write(digest.length);
        out.writeBytes(digest);
        return out.toByteArray();
    }

    @Override
    public String toString() {
        byte[] b = toBytes();
        StringBuilder s = new StringBuilder(1 + (b.length * 8 + 4) / 5).append('b');
        int buffer = 0;
        int bits = 0;
        for (byte x : b) {
            buffer = buffer << 8 | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                s.append(BASE32.charAt(buffer >>> (bits - 5) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) s.append(BASE32.charAt(buffer << (5 - bits) & 31));
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cid c && c.codec == codec && Arrays.equals(c.digest, digest);
    }

    @Override
    public int hashCode() {
        return 31 * codec + Arrays.hashCode(digest);
    }
}
