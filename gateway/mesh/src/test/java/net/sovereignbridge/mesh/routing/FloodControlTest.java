package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import net.sovereignbridge.mesh.identity.MeshAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FloodControlTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final MeshAddress source = MeshAddress.of(new byte[16]);

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private FloodControl control() {
        return new FloodControl(timers, java.time.Clock.systemUTC(), new Random(1), 50, 400, 10_000, 100);
    }

    @Test
    void thirdCopyFromNearerNodesCancelsThePendingRelay() throws Exception {
        FloodControl f = control();
        AtomicInteger sent = new AtomicInteger();
        assertTrue(f.firstSighting(source, 7, 1, 2));
        f.scheduleRebroadcast(source, 7, 1, 1.0, sent::incrementAndGet);
        assertFalse(f.firstSighting(source, 7, 1, 2));
        assertFalse(f.firstSighting(source, 7, 1, 1));
        Thread.sleep(600);
        assertEquals(0, sent.get());
        assertEquals(1, f.cancelled());
    }

    @Test
    void secondCopyFromANearerNodeDoesNotCancel() throws Exception {
        FloodControl f = control();
        AtomicInteger sent = new AtomicInteger();
        assertTrue(f.firstSighting(source, 8, 1, 2));
        f.scheduleRebroadcast(source, 8, 1, 1.0, sent::incrementAndGet);
        assertFalse(f.firstSighting(source, 8, 1, 2));
        Thread.sleep(600);
        assertEquals(1, sent.get());
        assertEquals(0, f.cancelled());
    }

    @Test
    void copyFromAFartherNodeCancels() throws Exception {
        FloodControl f = control();
        AtomicInteger sent = new AtomicInteger();
        assertTrue(f.firstSighting(source, 9, 1, 2));
        f.scheduleRebroadcast(source, 9, 1, 1.0, sent::incrementAndGet);
        assertFalse(f.firstSighting(source, 9, 1, 3));
        Thread.sleep(600);
        assertEquals(0, sent.get());
    }

    @Test
    void aCopyHeardStronglyCancelsAWeakOneDoesNot() throws Exception {
        FloodControl f = control();
        AtomicInteger sent = new AtomicInteger();
        assertTrue(f.firstSighting(source, 10, 1, 2, 0.2));
        f.scheduleRebroadcast(source, 10, 1, 1.0, sent::incrementAndGet);
        assertFalse(f.firstSighting(source, 10, 1, 2, 0.5)); // a nearer-level relay, heard at -5 dB: no
        assertTrue(f.firstSighting(source, 11, 1, 2, 0.2));
        f.scheduleRebroadcast(source, 11, 1, 1.0, sent::incrementAndGet);
        assertFalse(f.firstSighting(source, 11, 1, 2, 0.8)); // heard at +4 dB: a neighbour next to us relayed
        Thread.sleep(600);
        assertEquals(1, sent.get(), "only the weakly heard one is relayed");
        assertEquals(1, f.cancelled());
    }

    @Test
    void announcesAreRememberedLongerThanOtherFrames() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        java.time.Clock clock = new java.time.Clock() {
            public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            public java.time.Clock withZone(java.time.ZoneId z) { return this; }
            public java.time.Instant instant() { return java.time.Instant.ofEpochMilli(now.get()); }
        };
        FloodControl f = new FloodControl(timers, clock, new Random(1), 50, 400, 1_000, 100);
        f.rememberLonger(3, 10_000);
        assertTrue(f.firstSighting(source, 1, 3, 0));
        assertTrue(f.firstSighting(source, 1, 1, 0));
        now.addAndGet(5_000);
        assertFalse(f.firstSighting(source, 1, 3, 4), "a late announce copy is still a duplicate");
        assertTrue(f.firstSighting(source, 1, 1, 0), "a DATA retry after the short memory is relayed again");
    }
}
