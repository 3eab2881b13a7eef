package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The share's accounting window: one hour where an announce fits in an hour's share, longer where it does not. */
class AnnounceAirtimeWindowTest {
    static final long MS = 1_000_000L;
    static final long HOUR = AnnounceAirtime.WINDOW_MILLIS;

    @Test
    void withinAnHoursShareTheWindowIsOneHour() {
        AnnounceAirtime a = new AnnounceAirtime(0.02);
        long budget = 36_000 * MS; // 1 % duty cycle: 36 s per hour, 2 % of it = 720 ms
        int taken = 0;
        while (a.tryTake("lora0", 100 * MS, budget, 1_000 + taken)) taken++;
        assertEquals(7, taken, "seven 100 ms announces fit in 720 ms");
        assertFalse(a.tryTake("lora0", 100 * MS, budget, HOUR - 1), "still inside the hour");
        assertTrue(a.tryTake("lora0", 100 * MS, budget, 1_000 + HOUR + 200), "the first ones left the window");
        assertEquals(2, a.refused("lora0"));
    }

    @Test
    void anAnnounceLongerThanAnHoursShareGetsTheFewestHoursThatHoldIt() {
        AnnounceAirtime a = new AnnounceAirtime(0.02);
        long budget = 3_600 * MS; // EU868 g2, 0.1 %: 3.6 s per hour, 2 % of it = 72 ms
        long announce = 150 * MS; // needs three hours' share (216 ms)
        assertTrue(a.tryTake("lora0", announce, budget, 0), "the start-up announce goes out");
        assertFalse(a.tryTake("lora0", announce, budget, HOUR + 1_000), "one hour later: still within three hours");
        assertFalse(a.tryTake("lora0", announce, budget, 3 * HOUR - 1_000), "just under three hours");
        assertTrue(a.tryTake("lora0", announce, budget, 3 * HOUR + 1_000), "after three hours");
        assertEquals(announce, a.usedNanos("lora0"), "the first left the window");
    }

    @Test
    void anAnnounceThatFitsInNoWindowUpToADayIsNeverSent() {
        AnnounceAirtime a = new AnnounceAirtime(0.02);
        long budget = 3_600 * MS;
        long tooLong = 72 * MS * AnnounceAirtime.MAX_WINDOW_HOURS + MS;
        assertFalse(a.tryTake("lora0", tooLong, budget, 0));
        assertFalse(a.tryTake("lora0", tooLong, budget, 30 * HOUR));
        assertEquals(0, a.usedNanos("lora0"));
        assertTrue(a.tryTake("lora0", 72 * MS, budget, 30 * HOUR), "an announce that fits an hour's share still goes");
    }
}
