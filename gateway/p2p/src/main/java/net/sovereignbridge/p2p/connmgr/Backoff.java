package net.sovereignbridge.p2p.connmgr;

/**
 * Exponential backoff with jitter for redialling static peers: after n failures the wait is
 * min(max, initial * 2^(n-1)) scaled by a uniform factor in [0.8, 1.2), then clamped to [initial, max].
 * The jitter keeps gateways that lost the same peer at once from redialling in step.
 *
 * @param stableMs a connection that lasted at least this long was a success: when it ends the peer
 *                 is redialled after {@code initialMs}. One that ended sooner counts as a flap, and
 *                 consecutive flaps back off like failures, so a peer that accepts and drops at once
 *                 is not redialled every second.
 */
public record Backoff(long initialMs, long maxMs, long stableMs) {
    public static final Backoff DEFAULT = new Backoff(1_000, 300_000, 30_000);

    public Backoff {
        if (initialMs < 1 || maxMs < initialMs) throw new IllegalArgumentException("backoff needs 1 <= initial <= max");
        if (stableMs < 0) throw new IllegalArgumentException("negative stable time");
    }

    public Backoff(long initialMs, long maxMs) {
        this(initialMs, maxMs, 30_000);
    }

    /** The wait before the next dial after {@code failures} consecutive failures (at least 1); random in [0, 1). */
    public long delayMs(int failures, double random) {
        int doublings = Math.max(0, Math.min(failures - 1, 40));
        double base = Math.min((double) maxMs, (double) initialMs * Math.pow(2, doublings));
        long jittered = Math.round(base * (0.8 + 0.4 * random));
        return Math.max(initialMs, Math.min(maxMs, jittered));
    }
}
