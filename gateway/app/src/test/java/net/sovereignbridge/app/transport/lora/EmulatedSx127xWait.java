package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;

/** Waits until the air carries a frame (tests that must act while someone transmits). */
final class EmulatedSx127xWait {
    private EmulatedSx127xWait() {}

    /** @param before {@code air.framesSent()} read before the transmitter was started */
    static void untilTransmitting(SimulatedAir air, String name, long before) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (air.framesSent() == before && System.nanoTime() < deadline) Thread.sleep(1);
        if (air.framesSent() == before) throw new AssertionError(name + " never transmitted");
    }
}
