package net.sovereignbridge.mesh.transport;

/**
 * Airtime accounting of a medium whose time on air is scarce: LoRa under a duty cycle, a shared acoustic
 * channel, the simulator's radio. Routing keeps its own overhead (announces) to a small share of the hourly
 * budget; the transport itself still enforces the whole budget (the LoRa duty-cycle governor, for example).
 */
public interface AirtimeBudget {
    long HOUR_NANOS = 3_600_000_000_000L;

    /** Time on air of one frame of {@code frameBytes}, in nanoseconds. */
    long airtimeNanos(int frameBytes);

    /**
     * Airtime this medium may use in any rolling hour, in nanoseconds: the legal duty cycle on a regulated
     * band, the whole hour (or a configured share of it) on a channel that is merely scarce.
     */
    long hourlyBudgetNanos();

    /** A medium of {@code bitsPerSecond} with a duty cycle of {@code share} (0..1] of every hour. */
    static AirtimeBudget ofBitrate(long bitsPerSecond, double share) {
        if (bitsPerSecond <= 0) throw new IllegalArgumentException("bitsPerSecond must be positive");
        if (!(share > 0 && share <= 1)) throw new IllegalArgumentException("share must be in (0, 1], got " + share);
        long budget = (long) (HOUR_NANOS * share);
        return new AirtimeBudget() {
            @Override
            public long airtimeNanos(int frameBytes) {
                return frameBytes * 8L * 1_000_000_000L / bitsPerSecond;
            }

            @Override
            public long hourlyBudgetNanos() {
                return budget;
            }
        };
    }
}
