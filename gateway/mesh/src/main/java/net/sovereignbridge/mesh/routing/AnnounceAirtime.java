package net.sovereignbridge.mesh.routing;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps announces (our own and those we relay) within a share of each regulated transport's airtime budget
 * (default 2 %), so that on a duty-cycled radio routing overhead can never crowd out data: with a 1 % duty
 * cycle (36 s per hour) announces get at most 0.72 s of it per hour, the rest stays for messages.
 *
 * <p>Like the LoRa duty-cycle governor, a rolling one-hour window with conservative accounting: an announce
 * counts in full until all of it lies more than an hour back, so no one-hour window ever exceeds the share.
 * An announce that does not fit is not sent (periodic ones come again, relays are dropped): announces are
 * refreshed state, and a late one is worth no more than the next.
 */
public final class AnnounceAirtime {
    public static final double DEFAULT_SHARE = 0.02;
    public static final long WINDOW_MILLIS = 3_600_000L;

    private record Sent(long startMillis, long airtimeNanos) {}

    private static final class Window {
        final ArrayDeque<Sent> sent = new ArrayDeque<>();
        long usedNanos;
        long refused;
        long totalNanos;
    }

    private final Map<String, Window> windows = new HashMap<>();
    private volatile double share;

    public AnnounceAirtime(double share) {
        setShare(share);
    }

    public void setShare(double share) {
        if (!(share > 0 && share <= 1)) throw new IllegalArgumentException("announce airtime share must be in (0, 1], got " + share);
        this.share = share;
    }

    public double share() {
        return share;
    }

    /**
     * Records and allows an announce of {@code airtimeNanos} on {@code transportId} when it fits in the share of
     * {@code hourlyBudgetNanos}; false (nothing recorded) when it does not.
     */
    public synchronized boolean tryTake(String transportId, long airtimeNanos, long hourlyBudgetNanos, long nowMillis) {
        if (hourlyBudgetNanos == Long.MAX_VALUE) return true;
        Window w = windows.computeIfAbsent(transportId, k -> new Window());
        long horizon = nowMillis - WINDOW_MILLIS;
        while (!w.sent.isEmpty()) {
            Sent s = w.sent.peekFirst();
            if (s.startMillis() + s.airtimeNanos() / 1_000_000 + 1 > horizon) break;
            w.sent.pollFirst();
            w.usedNanos -= s.airtimeNanos();
        }
        long allowed = (long) (hourlyBudgetNanos * share);
        if (w.usedNanos + airtimeNanos > allowed) {
            w.refused++;
            return false;
        }
        w.sent.addLast(new Sent(nowMillis, airtimeNanos));
        w.usedNanos += airtimeNanos;
        w.totalNanos += airtimeNanos;
        return true;
    }

    /** Announce airtime in the last hour on a transport, in nanoseconds. */
    public synchronized long usedNanos(String transportId) {
        Window w = windows.get(transportId);
        return w == null ? 0 : w.usedNanos;
    }

    /** Announces not sent because the share was used up. */
    public synchronized long refused(String transportId) {
        Window w = windows.get(transportId);
        return w == null ? 0 : w.refused;
    }
}
