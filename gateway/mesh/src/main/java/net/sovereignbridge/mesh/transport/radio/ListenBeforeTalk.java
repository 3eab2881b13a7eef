package net.sovereignbridge.mesh.transport.radio;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * Listen before talk for a shared half-duplex channel: sense the channel before every transmission; while it is
 * busy, wait a random number of slots (binary exponential backoff, at most 32 slots) and sense again. After
 * {@code maxAttempts} busy results in a row the frame goes anyway: LBT must not starve a node beside a chatty
 * neighbour for ever (the duty cycle still holds).
 */
public final class ListenBeforeTalk {
    /** Senses the channel once (LoRa CAD, an audio modem's carrier detect). */
    @FunctionalInterface
    public interface ChannelSensor<E extends Exception> {
        boolean activityDetected() throws E;
    }

    private final long slotNanos;
    private final int maxAttempts;
    private final Random random;
    private final LongUnaryOperator wallNanos;
    private final AtomicLong busy = new AtomicLong();

    /**
     * @param slotNanos one backoff slot in the medium's time
     * @param wallNanos converts the medium's time to wall-clock nanoseconds
     */
    public ListenBeforeTalk(long slotNanos, int maxAttempts, Random random, LongUnaryOperator wallNanos) {
        if (slotNanos <= 0 || maxAttempts < 0) throw new IllegalArgumentException("slot must be positive, attempts >= 0");
        this.slotNanos = slotNanos;
        this.maxAttempts = maxAttempts;
        this.random = random;
        this.wallNanos = wallNanos;
    }

    /** Returns true once the channel was sensed clear, false when it stayed busy for every attempt. */
    public <E extends Exception> boolean awaitClear(ChannelSensor<E> sensor) throws E, InterruptedException {
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            if (!sensor.activityDetected()) return true;
            busy.incrementAndGet();
            int slots = 1 + random.nextInt(1 << Math.min(attempt + 1, 5));
            TimeUnit.NANOSECONDS.sleep(wallNanos.applyAsLong(slots * slotNanos));
        }
        return false;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Busy results so far. */
    public long busyCount() {
        return busy.get();
    }
}
