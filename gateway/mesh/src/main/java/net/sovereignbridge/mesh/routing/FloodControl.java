package net.sovereignbridge.mesh.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * Controlled ("managed") flooding: every flooded frame is rebroadcast at most once per node, after a delay
 * that is shorter for nodes that heard it badly (they are likely far from the sender and extend coverage
 * most), and not at all when a neighbour's rebroadcast of the same frame is heard first (it already
 * covered our area). Remembers frames seen for {@code memoryMillis}, at most {@code maxEntries}: long
 * enough for a flood to die out, shorter than the sender's first retry, so a retransmission of the same
 * message (same id) is relayed again rather than taken for an echo.
 */
public final class FloodControl {
    /**
     * Copies heard (the first included) before a pending rebroadcast is cancelled. 2 (Meshtastic's rule:
     * one neighbour's rebroadcast suffices) left lasting holes in simulated grids, where each node has two
     * neighbours nearer the source and so always cancelled: the flood died after a few hops. 3 keeps
     * coverage; it saves transmissions where nodes have many neighbours (docs/benchmarks.md).
     */
    static final int SUPPRESS_AFTER_COPIES = 3;

    private final ScheduledExecutorService scheduler;
    private final Random random;
    private final long minDelayMillis;
    private final long maxDelayMillis;
    private final int maxEntries;
    private final long memoryMillis;
    private final LinkedHashMap<Key, Entry> seen = new LinkedHashMap<>();

    private record Key(MeshAddress source, int messageId, int type) {}

    private static final class Entry {
        ScheduledFuture<?> pending;
        int heard;
        long firstSeenMillis;
    }

    public FloodControl(ScheduledExecutorService scheduler, Random random, long minDelayMillis, long maxDelayMillis,
            long memoryMillis, int maxEntries) {
        this.memoryMillis = memoryMillis;
        this.scheduler = scheduler;
        this.random = random;
        this.minDelayMillis = minDelayMillis;
        this.maxDelayMillis = maxDelayMillis;
        this.maxEntries = maxEntries;
    }

    /** True the first time this frame is seen; later copies only count as "a neighbour rebroadcast it". */
    public synchronized boolean firstSighting(MeshAddress source, int messageId, int type) {
        long now = System.currentTimeMillis();
        var it = seen.values().iterator();
        while (it.hasNext()) {
            Entry old = it.next();
            if (now - old.firstSeenMillis < memoryMillis) break; // insertion order = time order
            if (old.pending == null) it.remove();
            else break;
        }
        Key k = new Key(source, messageId, type);
        Entry e = seen.get(k);
        if (e != null) {
            e.heard++;
            // Neighbours around us already rebroadcast it: our copy would add little. Cancel ours.
            if (e.pending != null && e.heard >= SUPPRESS_AFTER_COPIES) {
                e.pending.cancel(false);
                e.pending = null;
                cancelled++;
            }
            return false;
        }
        e = new Entry();
        e.heard = 1;
        e.firstSeenMillis = now;
        seen.put(k, e);
        while (seen.size() > maxEntries) seen.remove(seen.keySet().iterator().next());
        return true;
    }

    /** Marks a frame as seen without scheduling (our own frames). */
    public synchronized void remember(MeshAddress source, int messageId, int type) {
        firstSighting(source, messageId, type);
    }

    /**
     * Schedules the rebroadcast of a first-seen frame. {@code quality} 0..1 is how well we heard it
     * (1 = strong): strong receivers wait longer, so the edge of coverage speaks first.
     */
    public synchronized void scheduleRebroadcast(MeshAddress source, int messageId, int type, double quality,
            Runnable rebroadcast) {
        Entry e = seen.get(new Key(source, messageId, type));
        if (e == null) return;
        double q = Math.min(Math.max(quality, 0), 1);
        long span = maxDelayMillis - minDelayMillis;
        long delay = minDelayMillis + (long) (span * (0.5 * q + 0.5 * random.nextDouble()));
        e.pending = scheduler.schedule(() -> {
            synchronized (FloodControl.this) {
                if (e.pending == null) return;
                e.pending = null;
            }
            rebroadcasts++;
            rebroadcast.run();
        }, delay, TimeUnit.MILLISECONDS);
    }

    private long cancelled;
    private long rebroadcasts;

    public synchronized long cancelled() {
        return cancelled;
    }

    public synchronized long rebroadcasts() {
        return rebroadcasts;
    }

    public synchronized int size() {
        return seen.size();
    }

    /** For tests and status. */
    public synchronized Map<String, Long> counters() {
        return Map.of("rebroadcasts", rebroadcasts, "suppressed", cancelled);
    }
}
