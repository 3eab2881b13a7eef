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
}
