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
 *
 * <p>Where one announce is longer than an hour's share (EU868 g2, 0.1 %: 3.6 s per hour, 2 % of it is 72 ms,
 * while an announce at SF7 takes well over 100 ms), a one-hour window would silence the node for good and
 * nobody could ever route to it. The window then stretches to the fewest whole hours whose share holds the
 * announce (at most {@value #MAX_WINDOW_HOURS}): the share over that window is still kept, the node announces
 * every few hours instead of never.
 */
public final class AnnounceAirtime {
    public static final double DEFAULT_SHARE = 0.02;
    public static final long WINDOW_MILLIS = 3_600_000L;
    /** The longest window an announce may need to fit in; one that fits in none is never sent. */
    public static final int MAX_WINDOW_HOURS = 24;

    private record Sent(long startMillis, long airtimeNanos) {}

    private static final class Window {
        final ArrayDeque<Sent> sent = new ArrayDeque<>();
        long usedNanos;
        /** The longest window (hours) any announce on this transport needed: entries are kept that long. */
        int windowHours = 1;
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
        long allowedPerHour = (long) (hourlyBudgetNanos * share);
        long hoursNeeded = allowedPerHour <= 0 ? Long.MAX_VALUE : (airtimeNanos + allowedPerHour - 1) / allowedPerHour;
        if (hoursNeeded > MAX_WINDOW_HOURS) {
            w.refused++;
            return false;
        }
        int hours = (int) Math.max(1, hoursNeeded);
        w.windowHours = Math.max(w.windowHours, hours);
        evictBefore(w, nowMillis - w.windowHours * WINDOW_MILLIS);
        long used = w.windowHours == 1 ? w.usedNanos : usedSince(w, nowMillis - hours * WINDOW_MILLIS);
        if (used + airtimeNanos > allowedPerHour * hours) {
            w.refused++;
            return false;
        }
        w.sent.addLast(new Sent(nowMillis, airtimeNanos));
        w.usedNanos += airtimeNanos;
        w.totalNanos += airtimeNanos;
        return true;
    }

    /** Drops entries that lie wholly before {@code horizon}. */
    private static void evictBefore(Window w, long horizon) {
        while (!w.sent.isEmpty()) {
            Sent s = w.sent.peekFirst();
            if (endMillis(s) > horizon) break;
            w.sent.pollFirst();
            w.usedNanos -= s.airtimeNanos();
        }
    }

    /** Airtime of the entries not wholly before {@code horizon}; the deque is short when windows are long. */
    private static long usedSince(Window w, long horizon) {
        long used = 0;
        for (Sent s : w.sent) {
            if (endMillis(s) > horizon) used += s.airtimeNanos();
        }
        return used;
    }

    /** The end of an entry, rounded up: it counts until all of it lies outside the window. */
    private static long endMillis(Sent s) {
        return s.startMillis() + s.airtimeNanos() / 1_000_000 + 1;
    }

    /** Announce airtime kept in the window on a transport (the last hour, or longer where announces need it), in nanoseconds. */
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
