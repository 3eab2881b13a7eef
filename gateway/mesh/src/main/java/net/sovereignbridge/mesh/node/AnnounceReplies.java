package net.sovereignbridge.mesh.node;

import java.util.HashMap;
import java.util.Map;
import net.sovereignbridge.mesh.transport.Endpoint;

/**
 * The one limit on announces sent to a single endpoint because of something it sent (the greeting of a new
 * neighbour, the answer to a newcomer's announce): at most one per endpoint per {@link #GAP_MS}, and in total
 * at most {@link #BURST} at once and {@link #PER_SECOND} a second after that. Whatever a stranger sends, from
 * however many source addresses, it cannot make this node send more replies than that: a reflection through us
 * is bounded by our rate, not by the attacker's.
 *
 * <p>Only replies that were allowed are remembered per endpoint, so the memory holds at most
 * {@code BURST + PER_SECOND * GAP_MS / 1000} live entries; older ones are dropped when it grows. Thread-safe.
 */
public final class AnnounceReplies {
    /** At most one reply per endpoint in this time, so a peer that reconnects in a loop gets no storm. */
    static final long GAP_MS = 10_000;
    /** Replies that may leave at once in total (a LAN of that many gateways restarting together). */
    static final int BURST = 32;
    /** Replies per second in total once the burst is used up. */
    static final int PER_SECOND = 8;
    private static final int PRUNE_ABOVE = 2 * (BURST + (int) (PER_SECOND * GAP_MS / 1000));

    /** Replies sent and refused (by either limit) since the start. */
    public record Counters(long sent, long refused) {}

    AnnounceReplies() {}

    private final Map<Endpoint, Long> lastReply = new HashMap<>();
    private double tokens = BURST;
    private long refilledAt;
    private boolean started;
    private long sent;
    private long refused;

    /** True (and counted against both limits) when a reply to {@code to} may leave at {@code nowMillis}. */
    synchronized boolean tryTake(Endpoint to, long nowMillis) {
        refill(nowMillis);
        Long last = lastReply.get(to);
        if ((last != null && nowMillis - last < GAP_MS) || tokens < 1) {
            refused++;
            return false;
        }
        tokens -= 1;
        if (lastReply.size() >= PRUNE_ABOVE) lastReply.values().removeIf(t -> nowMillis - t >= GAP_MS);
        lastReply.put(to, nowMillis);
        sent++;
        return true;
    }

    private void refill(long nowMillis) {
        if (!started) {
            started = true;
            refilledAt = nowMillis;
            return;
        }
        long elapsed = nowMillis - refilledAt;
        if (elapsed <= 0) return; // a clock that went back refills nothing
        tokens = Math.min(BURST, tokens + elapsed * PER_SECOND / 1000.0);
        refilledAt = nowMillis;
    }

    synchronized Counters counters() {
        return new Counters(sent, refused);
    }

    /** Endpoints remembered (for tests of the bound). */
    synchronized int remembered() {
        return lastReply.size();
    }
}
