package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;

/** Waits until the air carries a frame (tests that must act while someone transmits). */
final class EmulatedSx127xWait {
    private EmulatedSx127xWait() {}

    static void untilTransmitting(SimulatedAir air, String name) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long before = air.framesSent();
        while (air.framesSent() == before && System.nanoTime() < deadline) Thread.sleep(1);
        if (air.framesSent() == before) throw new AssertionError(name + " never transmitted");
    }
}
