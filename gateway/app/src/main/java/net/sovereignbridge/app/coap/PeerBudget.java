package net.sovereignbridge.app.coap;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Slots of one kind of per-client server state (observe relations, Block1 uploads), bounded three ways so
 * that no client can take them all: at most {@code perPeer} per {@link CoapPeer}, at most {@code total} in
 * all, and the last {@code reserve} of those only for peers that hold none yet. A slot nobody has touched
 * for {@code idleNanos} may be taken over (evicted, {@code onEvict} told) when a new one is needed and the
 * bounds are reached; a busy client is never pushed out by a newcomer.
 *
 * <p>The sizes are tens, so lookups are linear scans over an insertion-ordered map.
 */
final class PeerBudget<K> {
    private final int total;
    private final int perPeer;
    private final int reserve;
    private final long idleNanos;
    private final LongSupplier nanoClock;
    private final Consumer<K> onEvict;
    private final Map<K, Slot> slots = new LinkedHashMap<>();
    private long refused;
    private long evicted;

    private static final class Slot {
        final String peer;
        long lastActive;

        Slot(String peer, long lastActive) {
            this.peer = peer;
            this.lastActive = lastActive;
        }
    }

    PeerBudget(int total, int perPeer, int reserve, long idleNanos, LongSupplier nanoClock, Consumer<K> onEvict) {
        if (total < 1 || perPeer < 1 || reserve < 0 || reserve >= total) {
            throw new IllegalArgumentException("budget " + total + "/" + perPeer + "/" + reserve);
        }
        this.total = total;
        this.perPeer = perPeer;
        this.reserve = reserve;
        this.idleNanos = idleNanos;
        this.nanoClock = nanoClock;
        this.onEvict = onEvict;
    }

    /**
     * Whether {@code peer} may take one more slot now, evicting an idle slot when that makes room (its own
     * first, then the longest idle). A refusal is counted.
     */
    boolean makeRoom(String peer) {
        K victim = null;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            int held = held(peer);
            int limit = held == 0 ? total : total - reserve;
            if (held >= perPeer) {
                victim = idlest(now, peer);
            } else if (slots.size() >= limit) {
                victim = idlest(now, null);
            } else {
                return true;
            }
            if (victim == null) {
                refused++;
                return false;
            }
            slots.remove(victim);
            evicted++;
        }
        onEvict.accept(victim); // outside the lock: eviction may call back into release()
        return true;
    }

    /** Records a slot (after {@link #makeRoom} said yes, or as a replacement of the same key). */
    synchronized void add(K key, String peer) {
        slots.put(key, new Slot(peer, nanoClock.getAsLong()));
    }

    synchronized boolean contains(K key) {
        return slots.containsKey(key);
    }

    /** The peer that holds {@code key}, or null. */
    synchronized String holder(K key) {
        Slot s = slots.get(key);
        return s == null ? null : s.peer;
    }

    synchronized void touch(K key) {
        Slot s = slots.get(key);
        if (s != null) s.lastActive = nanoClock.getAsLong();
    }

    /** Marks every slot whose key matches as active now (e.g. all relations of one source address). */
    synchronized void touchWhere(Predicate<K> match) {
        long now = -1;
        for (Map.Entry<K, Slot> e : slots.entrySet()) {
            if (match.test(e.getKey())) {
                if (now < 0) now = nanoClock.getAsLong();
                e.getValue().lastActive = now;
            }
        }
    }

    synchronized boolean anyMatch(Predicate<K> match) {
        for (K k : slots.keySet()) if (match.test(k)) return true;
        return false;
    }

    synchronized void release(K key) {
        slots.remove(key);
    }

    synchronized int size() {
        return slots.size();
    }

    synchronized int held(String peer) {
        int n = 0;
        for (Slot s : slots.values()) if (s.peer.equals(peer)) n++;
        return n;
    }

    synchronized long refused() {
        return refused;
    }

    synchronized long evicted() {
        return evicted;
    }

    /** The slot idle longest beyond the threshold (of {@code peer} only, when not null), or null. */
    private K idlest(long now, String peer) {
        K best = null;
        long bestIdle = idleNanos - 1;
        for (Iterator<Map.Entry<K, Slot>> it = slots.entrySet().iterator(); it.hasNext();) {
            Map.Entry<K, Slot> e = it.next();
            if (peer != null && !e.getValue().peer.equals(peer)) continue;
            long idle = now - e.getValue().lastActive;
            if (idle > bestIdle) {
                bestIdle = idle;
                best = e.getKey();
            }
        }
        return best;
    }
}
