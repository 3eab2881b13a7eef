package net.sovereignbridge.mesh.transport;

/**
 * Implemented by transports on airtime-regulated media (LoRa under a duty cycle, the simulator's radio): how
 * long a frame occupies the channel and how much airtime the law allows per rolling hour. Routing uses it to
 * keep its own overhead (announces) to a small share of that budget; the transport's duty-cycle governor
 * still enforces the whole budget.
 */
public interface AirtimeBudget {
    /** Time on air of one frame of {@code frameBytes}, in nanoseconds. */
    long airtimeNanos(int frameBytes);

    /** Airtime allowed in any rolling hour, in nanoseconds; Long.MAX_VALUE where unregulated. */
    long hourlyBudgetNanos();
}
