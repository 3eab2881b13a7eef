package net.sovereignbridge.p2p.dht;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A point in the Kademlia key space: SHA-256 of a peer's binary PeerId or of a record/provider key
 * (libp2p kad-dht: "the distance between two keys is the XOR of their SHA-256 hashes").
 *
 * <p>Held as four longs rather than a byte array: the simulation keeps millions of routing entries, and
 * comparing distances is the hottest loop of every lookup.
 */
public final class KadId {
    public static final int BITS = 256;

    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;

    private KadId(long w0, long w1, long w2, long w3) {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /** The position of a key (or binary PeerId) in the key space. */
    public static KadId of(byte[] key) {
        return fromHash(sha256(key));
    }

    /** Wraps 32 bytes that already are a point in the key space (no hashing). */
    public static KadId fromHash(byte[] hash32) {
        if (hash32.length != 32) throw new IllegalArgumentException("key-space point must be 32 bytes");
        ByteBuffer b = ByteBuffer.wrap(hash32);
        return new KadId(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(32).putLong(w0).putLong(w1).putLong(w2).putLong(w3).array();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** Number of leading bits this id shares with the other: 256 for equal ids. */
    public int commonPrefixLength(KadId o) {
        long x = w0 ^ o.w0;
        if (x != 0) return Long.numberOfLeadingZeros(x);
        x = w1 ^ o.w1;
        if (x != 0) return 64 + Long.numberOfLeadingZeros(x);
        x = w2 ^ o.w2;
        if (x != 0) return 128 + Long.numberOfLeadingZeros(x);
        x = w3 ^ o.w3;
        if (x != 0) return 192 + Long.numberOfLeadingZeros(x);
        return BITS;
    }

    /** Compares the XOR distances of a and b to this id: negative when a is closer. */
    public int compareDistance(KadId a, KadId b) {
        int c = Long.compareUnsigned(a.w0 ^ w0, b.w0 ^ w0);
        if (c != 0) return c;
        c = Long.compareUnsigned(a.w1 ^ w1, b.w1 ^ w1);
        if (c != 0) return c;
        c = Long.compareUnsigned(a.w2 ^ w2, b.w2 ^ w2);
        if (c != 0) return c;
        return Long.compareUnsigned(a.w3 ^ w3, b.w3 ^ w3);
    }

    /** The XOR distance as 32 bytes, for display and tests. */
    public byte[] distance(KadId o) {
        return ByteBuffer.allocate(32).putLong(w0 ^ o.w0).putLong(w1 ^ o.w1).putLong(w2 ^ o.w2).putLong(w3 ^ o.w3).array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadId k && k.w0 == w0 && k.w1 == w1 && k.w2 == w2 && k.w3 == w3;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(w0 ^ w3);
    }

    @Override
    public String toString() {
        return String.format("KadId[%016x...]", w0);
    }
}
