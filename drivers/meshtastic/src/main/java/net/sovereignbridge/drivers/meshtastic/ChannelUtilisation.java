package net.sovereignbridge.drivers.meshtastic;

import java.util.function.LongSupplier;

/**
 * How busy the channel was over the last minute, as a Meshtastic node measures it (firmware AirTime: six periods of
 * 10 s): the time on air of every packet heard (ours included), divided by the minute. A node holds back while the
 * channel is this busy: optional traffic (periodic broadcasts) from {@link #POLITE_PERCENT}, everything from
 * {@link #MAX_PERCENT}.
 *
 * <p>Fixed memory (six counters) whatever the air brings; a frame's airtime counts in the period it ended in.
 */
public final class ChannelUtilisation {
    public static final long PERIOD_NANOS = 10_000_000_000L;
    public static final int PERIODS = 6;
    public static final long WINDOW_NANOS = PERIOD_NANOS * PERIODS;
    /** Optional traffic waits from this utilisation on. */
    public static final double POLITE_PERCENT = 25;
    /** Nothing is sent from this utilisation on. */
    public static final double MAX_PERCENT = 40;

    private final LongSupplier clock;
    private final long[] busy = new long[PERIODS];
    /** The number of the current period (clock / PERIOD_NANOS); busy[current % PERIODS] is its counter. */
    private long current;

    public ChannelUtilisation(LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.current = Math.floorDiv(nanoClock.getAsLong(), PERIOD_NANOS);
    }

    /** The channel was busy for {@code airtimeNanos} (a packet heard or sent), ending now. */
    public synchronized void record(long airtimeNanos) {
        if (airtimeNanos <= 0) return;
        roll();
        int i = (int) Math.floorMod(current, PERIODS);
        busy[i] = Math.min(WINDOW_NANOS, busy[i] + airtimeNanos);
    }

    /** Busy share of the last minute, 0..100. */
    public synchronized double percent() {
        roll();
        return sum(0) * 100.0 / WINDOW_NANOS;
    }

    /**
     * 0 when the utilisation is below {@code limitPercent}; else how long until enough of the busy minute has rolled
     * out of the window (if nothing more is heard meanwhile).
     */
    public synchronized long nanosUntilBelow(double limitPercent) {
        roll();
        if (sum(0) * 100.0 / WINDOW_NANOS < limitPercent) return 0;
        long now = clock.getAsLong();
        long nextBoundary = (current + 1) * PERIOD_NANOS;
        for (int k = 1; k <= PERIODS; k++) {
            if (sum(k) * 100.0 / WINDOW_NANOS < limitPercent) return nextBoundary + (k - 1) * PERIOD_NANOS - now;
        }
        return nextBoundary + (PERIODS - 1) * PERIOD_NANOS - now; // not reached: after six rolls the sum is 0
    }

    /** The busy time still in the window after {@code rolls} more period boundaries. */
    private long sum(int rolls) {
        long s = 0;
        for (int age = 0; age < PERIODS - rolls; age++) s += busy[(int) Math.floorMod(current - age, PERIODS)];
        return s;
    }

    private void roll() {
        long now = Math.floorDiv(clock.getAsLong(), PERIOD_NANOS);
        if (now <= current) return;
        for (long p = current + 1; p <= Math.min(now, current + PERIODS); p++) busy[(int) Math.floorMod(p, PERIODS)] = 0;
        current = now;
    }
}
