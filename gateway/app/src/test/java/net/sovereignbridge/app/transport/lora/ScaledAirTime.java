package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.drivers.sx127x.emulator.AirClock;

/** The transport's time source on an emulated air that runs {@code speedup} times faster than the wall clock. */
public final class ScaledAirTime {
    private ScaledAirTime() {}

    public static LoraTransport.TimeSource of(AirClock clock, double speedup) {
        return new LoraTransport.TimeSource() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public long wallNanos(long nanos) {
                return (long) (nanos / speedup);
            }
        };
    }
}
