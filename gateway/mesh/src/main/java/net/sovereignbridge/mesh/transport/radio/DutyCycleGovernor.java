package net.sovereignbridge.mesh.transport.radio;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.LongSupplier;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * Keeps a radio within its sub-band's duty cycle: a rolling one-hour window of airtime (ETSI EN 300 220 averages
 * duty cycle over one hour). Before a frame goes on air the transport asks {@link #delayNanos}; a frame that does
 * not fit waits (in the queue, never on air) until enough older transmissions have left the window.
 *
 * <p>Accounting is conservative: a transmission counts in full until all of it lies more than one hour back, so
 * the airtime inside any one-hour window never exceeds the budget.
 *
 * <p>Internet cap: traffic that entered the mesh from outside ({@link TrafficOrigin#capped()}: the internet
 * overlay, or devices through CoAP and MQTT) may use at most {@code internetShare} of the budget (of the hour
 * itself where no duty cycle applies), whatever local traffic does.
 */
public final class DutyCycleGovernor {
    public static final long WINDOW_NANOS = 3_600_000_000_000L;

    private record Transmission(long startNanos, long airtimeNanos, TrafficOrigin origin) {
        long end() {
            return startNanos + airtimeNanos;
        }
    }

    private final Region.SubBand band;
    private final long budgetNanos;
    private final long internetBudgetNanos;
    private final LongSupplier clock;
    private final ArrayDeque<Transmission> window = new ArrayDeque<>();
    private long usedNanos;
    private long internetUsedNanos;
    private long totalAirtimeNanos;

    /**
     * @param internetShare 0..1: the share of the budget (of the hour where unregulated) internet traffic may use
     * @param clock monotonic nanoseconds
     */
    public DutyCycleGovernor(Region.SubBand band, double internetShare, LongSupplier clock) {
        if (internetShare < 0 || internetShare > 1) throw new IllegalArgumentException("internetShare must be 0..1");
        this.band = band;
        this.clock = clock;
        this.budgetNanos = band.hourlyBudgetNanos();
        long base = band.regulated() ? budgetNanos : WINDOW_NANOS;
        this.internetBudgetNanos = (long) (base * internetShare);
    }

    public Region.SubBand band() {
        return band;
    }

    /** True when a frame of this airtime could never go on air (longer than the whole budget). */
    public boolean neverFits(long airtimeNanos, TrafficOrigin origin) {
        return airtimeNanos > budgetNanos || (origin.capped() && airtimeNanos > internetBudgetNanos);
    }

    /** 0 when a frame of {@code airtimeNanos} may start now; otherwise how long to wait (Long.MAX_VALUE: never). */
    public synchronized long delayNanos(long airtimeNanos, TrafficOrigin origin) {
        if (neverFits(airtimeNanos, origin)) return Long.MAX_VALUE;
        long now = clock.getAsLong();
        expire(now);
        long wait = waitFor(airtimeNanos, budgetNanos, usedNanos, null, now);
        if (origin.capped()) {
            wait = Math.max(wait, waitFor(airtimeNanos, internetBudgetNanos, internetUsedNanos, TrafficOrigin.INTERNET,
                    now));
        }
        return wait;
    }

    /** Records a transmission that starts now. Call right before keying the transmitter. */
    public synchronized void record(long airtimeNanos, TrafficOrigin origin) {
        long now = clock.getAsLong();
        expire(now);
        window.addLast(new Transmission(now, airtimeNanos, origin));
        usedNanos += airtimeNanos;
        if (origin.capped()) internetUsedNanos += airtimeNanos;
        totalAirtimeNanos += airtimeNanos;
    }

    private long waitFor(long airtime, long budget, long used, TrafficOrigin only, long now) {
        if (budget == Long.MAX_VALUE || used + airtime <= budget) return 0;
        long excess = used + airtime - budget;
        for (Transmission t : window) {
            if (only != null && !t.origin().capped()) continue;
            excess -= t.airtimeNanos();
            if (excess <= 0) return Math.max(0, t.end() + WINDOW_NANOS - now);
        }
        return Long.MAX_VALUE; // cannot happen unless airtime > budget, checked before
    }

    private void expire(long now) {
        Iterator<Transmission> it = window.iterator();
        while (it.hasNext()) {
            Transmission t = it.next();
            if (t.end() + WINDOW_NANOS > now) break; // ordered by start; durations are short next to an hour
            it.remove();
            usedNanos -= t.airtimeNanos();
            if (t.origin().capped()) internetUsedNanos -= t.airtimeNanos();
        }
    }

    /** Figures for status output. Budgets are -1 where unlimited. */
    public synchronized Snapshot snapshot() {
        expire(clock.getAsLong());
        return new Snapshot(band.name(), band.dutyCycle(), usedNanos, budgetNanos == Long.MAX_VALUE ? -1 : budgetNanos,
                internetUsedNanos, internetBudgetNanos, totalAirtimeNanos);
    }

    /** Airtime figures of the last rolling hour. */
    public record Snapshot(String subBand, double dutyCycle, long usedNanos, long budgetNanos, long internetUsedNanos,
                           long internetBudgetNanos, long totalAirtimeNanos) {}
}
