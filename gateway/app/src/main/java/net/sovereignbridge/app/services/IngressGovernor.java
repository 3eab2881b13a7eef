package net.sovereignbridge.app.services;

import java.util.function.LongSupplier;

/**
 * Caps how fast local services (CoAP, MQTT) may inject messages into the mesh: a token bucket of
 * {@code burst} messages refilled at {@code perMinute}. A broker full of chatty sensors must never flood
 * a radio mesh; this is the first gate. The second is the radio's own airtime governor, which counts
 * every local-service message ({@code TrafficOrigin.DEVICE}) against its internet share (docs/services.md,
 * "Airtime").
 */
public final class IngressGovernor {
    private final double perNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    public IngressGovernor(int perMinute, int burst, LongSupplier nanoClock) {
        this.perNano = perMinute / 60e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    public static IngressGovernor of(int perMinute, int burst) {
        return new IngressGovernor(perMinute, burst, System::nanoTime);
    }

    /**
     * Takes one token.
     *
     * @return 0 when the message may go now, otherwise the whole seconds (at least 1) until it could
     */
    public synchronized long tryAcquire() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        if (perNano <= 0) return 60;
        return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9));
    }
}
