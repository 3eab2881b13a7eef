package net.sovereignbridge.mesh.transport.radio;

import net.sovereignbridge.mesh.transport.TrafficOrigin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DutyCycleGovernorTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long HOUR = 3600 * SECOND;

    private record Sent(long start, long airtime, TrafficOrigin origin) {}

    /** The most airtime any one-hour window [t - 1 h, t] holds, checked at every transmission's end. */
    private static long worstHour(List<Sent> sent, TrafficOrigin only) {
        long worst = 0;
        for (Sent s : sent) {
            long windowEnd = s.start + s.airtime;
            long sum = 0;
            for (Sent o : sent) {
                if (only != null && o.origin != only) continue;
                long from = Math.max(o.start, windowEnd - HOUR);
                long to = Math.min(o.start + o.airtime, windowEnd);
                if (to > from) sum += to - from;
            }
            worst = Math.max(worst, sum);
        }
        return worst;
    }

    /** A sender that always has frames queued and sends each as soon as the governor lets it. */
    private static List<Sent> flood(Region.SubBand band, double internetShare, long airtime, long duration,
                                    TrafficOrigin[] pattern) {
        AtomicLong now = new AtomicLong();
        DutyCycleGovernor g = new DutyCycleGovernor(band, internetShare, now::get);
        List<Sent> sent = new ArrayList<>();
        int i = 0;
        while (now.get() < duration) {
            TrafficOrigin origin = pattern[i % pattern.length];
            long delay = g.delayNanos(airtime, origin);
            if (delay == 0) {
                g.record(airtime, origin);
                sent.add(new Sent(now.get(), airtime, origin));
                now.addAndGet(airtime);
                i++;
            } else if (delay == Long.MAX_VALUE) {
                throw new AssertionError("frame can never be sent");
            } else {
                // local traffic may still fit while internet traffic waits: try the other kind first
                TrafficOrigin other = origin == TrafficOrigin.LOCAL ? TrafficOrigin.INTERNET : TrafficOrigin.LOCAL;
                boolean otherQueued = pattern.length > 1;
                if (otherQueued && g.delayNanos(airtime, other) == 0) {
                    g.record(airtime, other);
                    sent.add(new Sent(now.get(), airtime, other));
                    now.addAndGet(airtime);
                } else {
                    now.addAndGet(Math.min(delay, otherQueued ? Math.max(1, g.delayNanos(airtime, other)) : delay));
                }
            }
        }
        return sent;
    }

    @Test
    void floodStaysWithinOnePercentInEveryHour() {
        Region.SubBand g1 = Region.EU868.subBands().get(0);
        List<Sent> sent = flood(g1, 0.25, 1_318_912_000L, 3 * HOUR, new TrafficOrigin[] {TrafficOrigin.LOCAL});
        long worst = worstHour(sent, null);
        assertTrue(worst <= 36 * SECOND, "worst hour " + worst / 1e9 + " s");
        // and the budget is used, not wasted: 27 frames of 1.319 s fit into 36 s, per hour, for 3 hours
        assertEquals(27 * 3, sent.size(), "frames sent in 3 hours");
    }

    @Test
    void everyRegulatedSubBandHoldsItsBudget() {
        long airtime = 370_000_000L; // SF7/125 kHz, 255 B is about 0.37 s
        for (Region r : Region.values()) {
            for (Region.SubBand band : r.subBands()) {
                if (!band.regulated()) continue;
                List<Sent> sent = flood(band, 0.5, airtime, 2 * HOUR, new TrafficOrigin[] {TrafficOrigin.LOCAL});
                long worst = worstHour(sent, null);
                assertTrue(worst <= band.hourlyBudgetNanos(), band.name() + ": " + worst / 1e9 + " s");
                assertTrue(worst > band.hourlyBudgetNanos() - airtime, band.name() + " budget unused: " + worst / 1e9);
            }
        }
    }

    @Test
    void internetTrafficGetsAtMostItsShare() {
        Region.SubBand g3 = Region.EU868.subBands().get(2); // 10 %: 360 s per hour
        List<Sent> sent = flood(g3, 0.25, SECOND, 3 * HOUR,
                new TrafficOrigin[] {TrafficOrigin.INTERNET, TrafficOrigin.INTERNET, TrafficOrigin.LOCAL});
        assertTrue(worstHour(sent, TrafficOrigin.INTERNET) <= 90 * SECOND);
        assertTrue(worstHour(sent, null) <= 360 * SECOND);
        assertTrue(worstHour(sent, TrafficOrigin.LOCAL) >= 200 * SECOND, "local traffic still flows");
    }

    @Test
    void unregulatedBandsCapOnlyTheInternet() {
        Region.SubBand us = Region.US915.subBands().get(0);
        AtomicLong now = new AtomicLong();
        DutyCycleGovernor g = new DutyCycleGovernor(us, 0.1, now::get);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, g.delayNanos(SECOND, TrafficOrigin.LOCAL));
            g.record(SECOND, TrafficOrigin.LOCAL);
        }
        for (int i = 0; i < 360; i++) g.record(SECOND, TrafficOrigin.INTERNET);
        assertTrue(g.delayNanos(SECOND, TrafficOrigin.INTERNET) > 0, "360 s of internet traffic is 10 % of the hour");
        assertEquals(-1, g.snapshot().budgetNanos());
    }

    @Test
    void framesLongerThanTheBudgetNeverFit() {
        Region.SubBand g2 = Region.EU868.subBands().get(1); // 3.6 s per hour
        DutyCycleGovernor g = new DutyCycleGovernor(g2, 0.5, () -> 0);
        assertTrue(g.neverFits(9_019_392_000L, TrafficOrigin.LOCAL)); // SF12, 255 B
        assertEquals(Long.MAX_VALUE, g.delayNanos(9_019_392_000L, TrafficOrigin.LOCAL));
        assertTrue(g.neverFits(2 * SECOND, TrafficOrigin.INTERNET)); // internet budget 1.8 s
    }
}
