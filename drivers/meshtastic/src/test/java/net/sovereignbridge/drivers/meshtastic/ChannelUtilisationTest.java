package net.sovereignbridge.drivers.meshtastic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The busy share of the last minute in six 10 s periods, and how long a polite sender waits. */
class ChannelUtilisationTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1000 * S);
    private final ChannelUtilisation u = new ChannelUtilisation(now::get);

    @Test
    void busyTimeOverTheMinuteIsTheUtilisation() {
        assertEquals(0, u.percent());
        u.record(6 * S);
        assertEquals(10.0, u.percent(), 1e-9);
        now.addAndGet(25 * S);
        u.record(9 * S);
        assertEquals(25.0, u.percent(), 1e-9);
        // the first 6 s were recorded in the period 1000..1010 s; it leaves the window at 1060 s
        now.set(1059 * S);
        assertEquals(25.0, u.percent(), 1e-9);
        now.set(1060 * S);
        assertEquals(15.0, u.percent(), 1e-9);
        now.set(1080 * S);
        assertEquals(0, u.percent());
    }

    @Test
    void aPoliteSenderWaitsUntilEnoughOfTheBusyMinuteHasRolledOut() {
        u.record(12 * S);            // period 1000..1010: 20 %
        now.set(1031 * S);
        u.record(6 * S);             // period 1030..1040: 10 %, 30 % in all
        assertEquals(0, u.nanosUntilBelow(ChannelUtilisation.MAX_PERCENT), "below 40 %: anything may go");
        // at or above 25 %: optional traffic waits until the first period leaves, at 1060 s
        assertEquals(29 * S, u.nanosUntilBelow(ChannelUtilisation.POLITE_PERCENT));
        assertEquals(59 * S, u.nanosUntilBelow(5), "5 % needs both periods gone: 1090 s");
        now.set(1060 * S);
        assertEquals(0, u.nanosUntilBelow(ChannelUtilisation.POLITE_PERCENT));
    }

    @Test
    void aLongSilenceClearsEveryPeriodAndAFloodIsCappedAtTheWindow() {
        for (int i = 0; i < 10_000; i++) u.record(S); // more than the minute can hold
        assertEquals(100.0, u.percent(), 1e-9);
        now.addAndGet(3600 * S);
        assertEquals(0, u.percent());
        u.record(3 * S);
        assertEquals(5.0, u.percent(), 1e-9);
    }
}
