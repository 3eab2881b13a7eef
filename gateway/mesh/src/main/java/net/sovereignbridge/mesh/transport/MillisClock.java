package net.sovereignbridge.mesh.transport;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * A UTC clock whose time is whatever a millisecond source says: virtual time in the simulator, the emulated
 * air's time for a radio, a hand-moved value in tests. The components that keep time-outs (neighbour table,
 * custody, flood control) take a {@link Clock}, so each of those time bases needs only its source.
 */
public final class MillisClock extends Clock {
    private final LongSupplier epochMillis;

    public MillisClock(LongSupplier epochMillis) {
        this.epochMillis = epochMillis;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Time zones do not matter to time-outs; the source stays the same. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        return epochMillis.getAsLong();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
