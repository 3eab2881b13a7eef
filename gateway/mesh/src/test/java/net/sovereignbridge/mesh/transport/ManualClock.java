package net.sovereignbridge.mesh.transport;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told: virtual time for transports that run on real threads. */
public final class ManualClock {
    private final AtomicLong millis;
    private final Clock clock;

    public ManualClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
        this.clock = new MillisClock(millis::get);
    }

    public void advance(Duration d) {
        millis.addAndGet(d.toMillis());
    }

    /** The clock to hand to the component under test. */
    public Clock clock() {
        return clock;
    }
}
