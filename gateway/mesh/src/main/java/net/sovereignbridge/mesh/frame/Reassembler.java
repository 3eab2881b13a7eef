package net.sovereignbridge.mesh.frame;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Rebuilds frames from {@link Fragmenter} fragments with bounded memory: a peer can hold at most
 * {@code maxSetsPerSource} incomplete frames (its oldest is dropped for a new one) and all peers together
 * at most {@code maxSets} and {@code maxBytes}; incomplete sets expire after {@code timeoutMillis}.
 * Not thread-safe: one instance per transport receive loop.
 */
public final class Reassembler {
    private final int maxSets;
    private final int maxSetsPerSource;
    private final long maxBytes;
    private final long timeoutMillis;
    private final LinkedHashMap<Key, PartialFrame> sets = new LinkedHashMap<>();
    private final Map<Object, ArrayDeque<Key>> bySource = new HashMap<>();
    /** Sets completed within the timeout: late duplicates of their fragments are ignored, not restarted. */
    private final LinkedHashMap<Key, Long> completed = new LinkedHashMap<>();
    private long bytesHeld;
    private long evictedSets;
    private long expiredSets;

    public Reassembler(int maxSets, int maxSetsPerSource, long maxBytes, long timeoutMillis) {
        this.maxSets = maxSets;
        this.maxSetsPerSource = maxSetsPerSource;
        this.maxBytes = maxBytes;
        this.timeoutMillis = timeoutMillis;
    }

    public static Reassembler withDefaults() {
        return new Reassembler(64, 8, 256 * 1024, 30_000);
    }

    /**
     * Offers one fragment from {@code source} (any value with equals/hashCode, e.g. an Endpoint).
     *
     * @return Ok(frame) when this fragment completed a frame, Ok(empty) while incomplete or for a
     *     duplicate, Error for a malformed or inconsistent fragment or when limits refuse it
     */
    public Decoded<Optional<byte[]>> accept(Object source, byte[] fragment, long nowMillis) {
        expire(nowMillis);
        if (fragment.length < Fragmenter.HEADER_LENGTH + 1) {
            return Decoded.error(DecodeError.TRUNCATED, "fragment of " + fragment.length + " bytes");
        }
        int version = (fragment[0] >>> 4) & 0x0F;
        if (version != MeshFrame.VERSION) return Decoded.error(DecodeError.UNKNOWN_VERSION, "fragment version " + version);
        if ((fragment[0] & 0x0F) != FrameType.FRAGMENT.code) {
            return Decoded.error(DecodeError.UNKNOWN_TYPE, "not a fragment");
        }
        int setId = ((fragment[1] & 0xFF) << 8) | (fragment[2] & 0xFF);
        int index = fragment[3] & 0xFF;
        int count = fragment[4] & 0xFF;
        if (count < 2 || index >= count) {
            return Decoded.error(DecodeError.FRAGMENT_INCONSISTENT, "fragment " + index + " of " + count);
        }
        int chunkLength = fragment.length - Fragmenter.HEADER_LENGTH;
        Key key = new Key(source, setId);
        if (completed.containsKey(key)) return Decoded.ok(Optional.empty());
        PartialFrame set = sets.get(key);
        if (set == null) {
            if (bytesHeld + chunkLength > maxBytes || sets.size() >= maxSets) {
                ArrayDeque<Key> own = bySource.get(source);
                if (own == null || own.isEmpty()) {
                    return Decoded.error(DecodeError.REASSEMBLY_LIMIT, "reassembly buffers full (" + sets.size()
                            + " frames, " + bytesHeld + " bytes)");
                }
                evict(own.peekFirst());
            }
            ArrayDeque<Key> own = bySource.computeIfAbsent(source, s -> new ArrayDeque<>());
            if (own.size() >= maxSetsPerSource) evict(own.peekFirst());
            set = new PartialFrame(count, nowMillis + timeoutMillis);
            sets.put(key, set);
            bySource.computeIfAbsent(source, s -> new ArrayDeque<>()).addLast(key);
        } else if (set.count != count) {
            drop(key);
            return Decoded.error(DecodeError.FRAGMENT_INCONSISTENT,
                    "fragment set " + setId + " changed its count from " + set.count + " to " + count);
        }
        if (set.chunks[index] != null) return Decoded.ok(Optional.empty());
        if (bytesHeld + chunkLength > maxBytes) {
            drop(key);
            return Decoded.error(DecodeError.REASSEMBLY_LIMIT, "reassembly byte limit " + maxBytes + " reached");
        }
        byte[] chunk = new byte[chunkLength];
        System.arraycopy(fragment, Fragmenter.HEADER_LENGTH, chunk, 0, chunkLength);
        set.chunks[index] = chunk;
        set.received++;
        set.length += chunkLength;
        bytesHeld += chunkLength;
        if (set.received < count) return Decoded.ok(Optional.empty());
        byte[] frame = new byte[set.length];
        int p = 0;
        for (byte[] c : set.chunks) {
            System.arraycopy(c, 0, frame, p, c.length);
            p += c.length;
        }
        drop(key);
        completed.put(key, nowMillis + timeoutMillis);
        if (completed.size() > maxSets * 4) completed.remove(completed.keySet().iterator().next());
        return Decoded.ok(Optional.of(frame));
    }

    public int pendingFrames() {
        return sets.size();
    }

    public long bytesHeld() {
        return bytesHeld;
    }

    /**
     * Incomplete sets dropped for newer ones since this reassembler was made: a steady rise means a sender
     * (or an attacker) opens more sets than it finishes, or the link loses fragments.
     */
    public long evictedSets() {
        return evictedSets;
    }

    /** Incomplete sets that timed out since this reassembler was made. */
    public long expiredSets() {
        return expiredSets;
    }

    private void expire(long nowMillis) {
        completed.values().removeIf(deadline -> deadline <= nowMillis);
        Iterator<Map.Entry<Key, PartialFrame>> it = sets.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, PartialFrame> e = it.next();
            if (e.getValue().deadline > nowMillis) break; // insertion order = deadline order
            bytesHeld -= e.getValue().length;
            ArrayDeque<Key> own = bySource.get(e.getKey().source);
            if (own != null) {
                own.remove(e.getKey());
                if (own.isEmpty()) bySource.remove(e.getKey().source);
            }
            it.remove();
            expiredSets++;
        }
    }

    private void evict(Key key) {
        if (sets.containsKey(key)) evictedSets++;
        drop(key);
    }

    private void drop(Key key) {
        PartialFrame set = sets.remove(key);
        if (set == null) return;
        bytesHeld -= set.length;
        ArrayDeque<Key> own = bySource.get(key.source);
        if (own != null) {
            own.remove(key);
            if (own.isEmpty()) bySource.remove(key.source);
        }
    }

    private record Key(Object source, int setId) {}

    private static final class PartialFrame {
        final int count;
        final long deadline;
        final byte[][] chunks;
        int received;
        int length;

        PartialFrame(int count, long deadline) {
            this.count = count;
            this.deadline = deadline;
            this.chunks = new byte[count][];
        }
    }
}
