package net.sovereignbridge.mesh.envelope;

import java.util.LinkedHashMap;
import java.util.Map;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * Detects replayed frames: a frame is fresh when its timestamp lies inside the window around our clock and
 * its (source, message id, timestamp) was not accepted before. Frames older than the window are refused
 * as STALE, so remembering ids for the window's length suffices; memory is capped at {@code maxEntries}
 * (the oldest ids are forgotten first, and the window shrinks to what is remembered: anything older than
 * the oldest remembered id is refused as STALE).
 *
 * <p>The window is long (hours, default 7 days) because store-and-forward delivers late on purpose.
 */
public final class ReplayGuard {
    private final long pastSeconds;
    private final long futureSeconds;
    private final int maxEntries;
    private final LinkedHashMap<Seen, Long> seen;
    private long forgottenBefore = Long.MIN_VALUE;

    public ReplayGuard(long pastSeconds, long futureSeconds, int maxEntries) {
        this.pastSeconds = pastSeconds;
        this.futureSeconds = futureSeconds;
        this.maxEntries = maxEntries;
        this.seen = new LinkedHashMap<>(1024, 0.75f, false);
    }

    public static ReplayGuard withDefaults() {
        return new ReplayGuard(7 * 24 * 3600, 300, 200_000);
    }

    /** Returns null when fresh (and records it), otherwise why it is refused. */
    public synchronized DecodeError check(MeshAddress source, int messageId, long unixSeconds, long nowSeconds) {
        DecodeError refused = peek(source, messageId, unixSeconds, nowSeconds);
        if (refused == null) record(source, messageId, unixSeconds);
        return refused;
    }

    /**
     * As {@link #check} without recording: for a frame whose effect must be committed first (a message is
     * remembered only once it is in the inbox, so one that could not be stored is fresh when it comes again).
     */
    public synchronized DecodeError peek(MeshAddress source, int messageId, long unixSeconds, long nowSeconds) {
        if (unixSeconds > nowSeconds + futureSeconds) return DecodeError.STALE;
        if (unixSeconds < nowSeconds - pastSeconds || unixSeconds < forgottenBefore) return DecodeError.STALE;
        return seen.containsKey(new Seen(source, messageId, unixSeconds)) ? DecodeError.REPLAY : null;
    }

    /** Remembers a frame that {@link #peek} found fresh and whose effect is now committed. */
    public synchronized void record(MeshAddress source, int messageId, long unixSeconds) {
        seen.put(new Seen(source, messageId, unixSeconds), unixSeconds);
        while (seen.size() > maxEntries) {
            Map.Entry<Seen, Long> eldest = seen.entrySet().iterator().next();
            forgottenBefore = Math.max(forgottenBefore, eldest.getValue() + 1);
            seen.remove(eldest.getKey());
        }
    }

    public synchronized int size() {
        return seen.size();
    }

    private record Seen(MeshAddress source, int messageId, long unixSeconds) {}
}
