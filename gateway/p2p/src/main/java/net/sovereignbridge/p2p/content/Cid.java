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

    /**
     * A CID from its binary form: CIDv1, codec raw or dag-pb, sha2-256 with a 32-byte digest; anything
     * else (CIDv0, other hashes or codecs, bytes left over) is refused with the reason.
     */
    public static Cid fromBytes(byte[] b) {
        if (b.length < 4) throw new IllegalArgumentException("CID of " + b.length + " bytes is too short");
        if (b[0] == 0x12 && b[1] == 0x20) throw new IllegalArgumentException("CIDv0 is not supported (only CIDv1)");
        if (b[0] != 1) throw new IllegalArgumentException("CID version " + (b[0] & 0xff) + " is not supported (only CIDv1)");
        UnsignedVarint.Decoded codec = UnsignedVarint.decode(b, 1);
        if (codec == null) throw new IllegalArgumentException("CID codec is not a valid varint");
        if (codec.value() != RAW && codec.value() != DAG_PB) {
            throw new IllegalArgumentException("CID codec 0x" + Long.toHexString(codec.value()) + " is not supported (raw 0x55 or dag-pb 0x70)");
        }
        int at = 1 + codec.length();
        if (b.length - at < 2 || b[at] != SHA2_256 || b[at + 1] != 32) {
            throw new IllegalArgumentException("CID multihash is not sha2-256 with 32 bytes");
        }
        if (b.length - at - 2 != 32) throw new IllegalArgumentException("CID digest is " + (b.length - at - 2) + " bytes, not 32");
        return new Cid((int) codec.value(), Arrays.copyOfRange(b, at + 2, b.length));
    }

    /** A CID from its text form ({@code b} + base32, as {@link #toString()} prints it). */
    public static Cid parse(String text) {
        if (text.isEmpty()) throw new IllegalArgumentException("empty CID");
        if (text.startsWith("Qm")) throw new IllegalArgumentException("'" + text + "' is a CIDv0; only CIDv1 (bafy..., bafk...) is supported");
        if (text.charAt(0) != 'b') throw new IllegalArgumentException("'" + text + "' is not a base32 CIDv1 (it must start with 'b')");
        if (text.length() > 100) throw new IllegalArgumentException("CID text of " + text.length() + " characters is too long");
        ByteArrayOutputStream out = new ByteArrayOutputStream(36);
        int buffer = 0;
        int bits = 0;
        for (int i = 1; i < text.length(); i++) {
            int v = BASE32.indexOf(Character.toLowerCase(text.charAt(i)));
            if (v < 0) throw new IllegalArgumentException("'" + text + "': character " + i + " is not base32");
            buffer = buffer << 5 | v;
            bits += 5;
            if (bits >= 8) {
                out.write(buffer >>> (bits - 8) & 0xff);
                bits -= 8;
            }
        }
        // One text per CID: what is left after the last whole byte must be fewer than 5 bits, all zero;
        // anything else (a trailing character, set padding bits) spells the same bytes a second way.
        if (bits >= 5 || (buffer & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException("'" + text + "' is not canonical base32: " + bits + " bits after the last byte"
                    + (bits >= 5 ? "" : " are not zero"));
        }
        try {
            return fromBytes(out.toByteArray());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
        }
    }

    public int codec() {
        return codec;
    }

    /** True when {@code block} hashes to this CID's digest. */
    public boolean matches(byte[] block) {
        return MessageDigest.isEqual(digest, of(codec, block).digest);
    }

    /** The bitswap 1.2.0 block prefix: version, codec, multihash code and length, each a varint. */
    public byte[] prefix() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4);
        out.write(1);
        UnsignedVarint.write(codec, out);
        out.write(SHA2_256);
        out.write(32);
        return out.toByteArray();
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
