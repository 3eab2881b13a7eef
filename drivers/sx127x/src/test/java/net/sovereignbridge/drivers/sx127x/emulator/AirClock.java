package net.sovereignbridge.drivers.sx127x.emulator;

/**
 * Time of the simulated air, in nanoseconds, and a way to run something at a later instant of it. Two kinds:
 * {@link ManualAirClock} (tests advance time explicitly: fast and deterministic) and {@link ScaledAirClock} (air
 * time runs N times faster than wall time, for code such as a driver that blocks waiting for interrupts).
 */
public interface AirClock {
    long nanoTime();

    /** Runs {@code task} once air time reaches {@code atNanos}; tasks due at the same instant run in order. */
    void schedule(long atNanos, Runnable task);
}
