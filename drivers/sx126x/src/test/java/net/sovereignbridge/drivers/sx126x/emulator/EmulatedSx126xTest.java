package net.sovereignbridge.drivers.sx126x.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.sovereignbridge.drivers.sx126x.emulator.EmulatedSx126x.RfSwitch;
import net.sovereignbridge.drivers.sx126x.emulator.EmulatedSx126x.Variant;
import net.sovereignbridge.drivers.sx127x.emulator.ManualAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import org.junit.jupiter.api.Test;

/** The emulator by itself, driven byte by byte on a manual clock, against what the datasheet says. */
class EmulatedSx126xTest {
    private final ManualAirClock clock = new ManualAirClock();
    private final SimulatedAir air = new SimulatedAir(clock, 1);

    private static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (byte) v[i];
        return r;
    }

    /** Sends a command and lets BUSY fall, as a host that honours BUSY would. */
    private static byte[] cmd(EmulatedSx126x chip, ManualAirClock clock, int... v) {
        while (chip.busy().isHigh()) clock.advance(10_000);
        return chip.transfer(b(v));
    }

    private static int status(EmulatedSx126x chip, ManualAirClock clock) {
        return cmd(chip, clock, 0xC0, 0x00)[1] & 0xFF;
    }

    private EmulatedSx126x loraChip(String name, Variant variant) {
        EmulatedSx126x c = EmulatedSx126x.attach(air, name, variant, 0x02, RfSwitch.DIO2);
        cmd(c, clock, 0x97, 0x02, 0x00, 0x01, 0x40);
        cmd(c, clock, 0x89, 0x7F);
        cmd(c, clock, 0x98, 0xD7, 0xDB);
        cmd(c, clock, 0x8A, 0x01);
        cmd(c, clock, 0x9D, 0x01);
        cmd(c, clock, 0x86, 0x36, 0x41, 0x99, 0x9A); // 868.1 MHz
        return c;
    }

    @Test
    void busyIsHighAfterResetAndDuringCalibrationAndCommandsMeanwhileAreIgnored() {
        EmulatedSx126x chip = EmulatedSx126x.sx1262(air, "a");
        chip.resetPin().set(false);
        chip.resetPin().set(true);
        assertTrue(chip.busy().isHigh(), "cold start");
        chip.transfer(b(0x8A, 0x01));
        assertEquals(1, chip.busyViolations());
        clock.advance(EmulatedSx126x.BUSY_COLD_START);
        assertFalse(chip.busy().isHigh());
        cmd(chip, clock, 0x97, 0x02, 0x00, 0x01, 0x40);
        cmd(chip, clock, 0x89, 0x7F);
        clock.advance(EmulatedSx126x.BUSY_CALIBRATE_ALL - 100_000);
        assertTrue(chip.busy().isHigh(), "calibration takes 3.5 ms");
        clock.advance(100_000);
        assertFalse(chip.busy().isHigh());
        assertEquals(0x0, cmd(chip, clock, 0x11, 0x00, 0x00)[2], "the ignored SetPacketType left GFSK");
    }

    @Test
    void theStatusByteCarriesModeAndTheLastCommandsResult() {
        EmulatedSx126x chip = EmulatedSx126x.sx1262(air, "a");
        assertEquals(0x22, status(chip, clock), "STBY_RC, ok");
        byte[] rx = cmd(chip, clock, 0x42, 0x00, 0x00);
        assertEquals(0x28, rx[1] & 0xFF, "unknown opcode: processing error already in this transaction");
        assertEquals(0x28, status(chip, clock), "and in the next one");
        assertEquals(0x22, status(chip, clock));
        cmd(chip, clock, 0x8E, 30, 0x04); // +30 dBm is beyond the PA
        assertEquals(0x28, status(chip, clock));
        cmd(chip, clock, 0x8B, 11, 0x05, 0x01, 0x00); // modulation params while the packet type is GFSK: stored
        assertEquals(0x22, status(chip, clock));
        cmd(chip, clock, 0x8A, 0x01);
        cmd(chip, clock, 0x8B, 13, 0x05, 0x01, 0x00); // SF13
        assertEquals(0x28, status(chip, clock));
        cmd(chip, clock, 0x8B, 11, 0x07, 0x01, 0x00); // bandwidth code 7 does not exist
        assertEquals(0x28, status(chip, clock));
        cmd(chip, clock, 0x8C, 0x00); // too short
        assertEquals(0x28, status(chip, clock));
    }

    @Test
    void theLlcc68RefusesItsMissingSpreadingFactors() {
        EmulatedSx126x chip = loraChip("l", Variant.LLCC68);
        cmd(chip, clock, 0x8B, 11, 0x05, 0x01, 0x00); // SF11 at 250 kHz: LongFast
        assertEquals(0x28, status(chip, clock));
        cmd(chip, clock, 0x8B, 10, 0x04, 0x01, 0x00); // SF10 at 125 kHz
        assertEquals(0x28, status(chip, clock));
        cmd(chip, clock, 0x8B, 9, 0x03, 0x01, 0x00); // 62.5 kHz
        assertEquals(0x28, status(chip, clock));
        cmd(chip, clock, 0x8B, 10, 0x05, 0x01, 0x00);
        assertEquals(0x22, status(chip, clock));
        cmd(chip, clock, 0x8B, 11, 0x06, 0x01, 0x00);
        assertEquals(0x22, status(chip, clock));
        // the SX1262 takes LongFast
        EmulatedSx126x s = loraChip("s", Variant.SX1262);
        cmd(s, clock, 0x8B, 11, 0x05, 0x01, 0x00);
        assertEquals(0x22, status(s, clock));
    }

    @Test
    void withoutTheTcxoVoltageTheOscillatorDoesNotStart() {
        EmulatedSx126x chip = EmulatedSx126x.sx1262(air, "t");
        cmd(chip, clock, 0x97, 0x00, 0x00, 0x01, 0x40); // 1.6 V for a 1.8 V TCXO
        cmd(chip, clock, 0x89, 0x7F);
        assertEquals(0x2A, status(chip, clock), "calibration: failure to execute");
        byte[] errors = cmd(chip, clock, 0x17, 0x00, 0x00, 0x00);
        assertEquals(0x20, errors[3] & 0x20, "XOSC_START_ERR");
        cmd(chip, clock, 0x07, 0x00, 0x00);
        assertEquals(0, cmd(chip, clock, 0x17, 0x00, 0x00, 0x00)[3]);
        cmd(chip, clock, 0xC1); // SetFs needs the oscillator
        assertEquals(0x2A, status(chip, clock));
    }

    @Test
    void bufferRegistersAndIrqMaskBehaveAsDocumented() {
        EmulatedSx126x chip = loraChip("b", Variant.SX1262);
        cmd(chip, clock, 0x0E, 0x10, 1, 2, 3);
        byte[] rx = cmd(chip, clock, 0x1E, 0x10, 0x00, 0, 0, 0);
        assertEquals(0x22, rx[1] & 0xFF, "status on the NOP");
        assertEquals(1, rx[3]);
        assertEquals(3, rx[5]);
        rx = cmd(chip, clock, 0x1D, 0x07, 0x40, 0x00, 0x00, 0x00);
        assertEquals(0x14, rx[4] & 0xFF, "sync word reset value (0x12, private)");
        assertEquals(0x24, rx[5] & 0xFF);
        rx = cmd(chip, clock, 0x1D, 0x03, 0x20, 0x00, 0, 0, 0, 0, 0, 0);
        assertEquals("SX1261", new String(rx, 4, 6, java.nio.charset.StandardCharsets.US_ASCII));
        // TxDone not enabled in the IRQ mask: the flag is never set and DIO1 stays low
        cmd(chip, clock, 0x08, 0x02, 0x00, 0x02, 0x00, 0, 0, 0, 0); // only Timeout enabled and routed
        cmd(chip, clock, 0x8B, 7, 0x04, 0x01, 0x00);
        cmd(chip, clock, 0x8C, 0x00, 0x08, 0x00, 0x03, 0x01, 0x00);
        cmd(chip, clock, 0x0D, 0x08, 0x89, 0x04);
        cmd(chip, clock, 0x0D, 0x08, 0xD8, 0xDE);
        cmd(chip, clock, 0x83, 0x00, 0x00, 0x00);
        assertEquals(0x60, status(chip, clock) & 0x70, "TX");
        clock.advance(100_000_000);
        assertEquals(0x20, status(chip, clock) & 0x70, "back in STDBY_RC");
        assertEquals(0, cmd(chip, clock, 0x12, 0, 0, 0)[3]);
        assertFalse(chip.dio1().isHigh());
        assertEquals(java.util.List.of(), chip.protocolViolations());
    }

    @Test
    void forgottenErrataAreReported() {
        EmulatedSx126x chip = loraChip("e", Variant.SX1262);
        cmd(chip, clock, 0x8B, 7, 0x04, 0x01, 0x00);
        cmd(chip, clock, 0x8C, 0x00, 0x08, 0x00, 0x03, 0x01, 0x00);
        cmd(chip, clock, 0x83, 0x00, 0x00, 0x00);
        assertTrue(chip.protocolViolations().stream().anyMatch(v -> v.contains("15.1")), chip.protocolViolations().toString());
        assertTrue(chip.protocolViolations().stream().anyMatch(v -> v.contains("15.2")), chip.protocolViolations().toString());
    }

    @Test
    void sleepHoldsBusyHighUntilNssWakesTheChip() {
        EmulatedSx126x chip = loraChip("s", Variant.SX1262);
        cmd(chip, clock, 0x84, 0x04);
        assertTrue(chip.asleep());
        assertTrue(chip.busy().isHigh());
        clock.advance(1_000_000_000);
        assertTrue(chip.busy().isHigh(), "no RTC wake-up configured");
        chip.transfer(b(0xC0, 0x00)); // NSS edge: wake, command lost
        assertFalse(chip.asleep());
        clock.advance(EmulatedSx126x.BUSY_WARM_START);
        assertFalse(chip.busy().isHigh());
        assertEquals(0x01, cmd(chip, clock, 0x11, 0x00, 0x00)[2], "warm start kept the LoRa packet type");
    }
}
