package net.sovereignbridge.drivers.sx127x.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator against the datasheet (Semtech SX1276/77/78/79 datasheet rev. 7), through raw SPI bytes only: no
 * driver code is involved, so the driver tests that run against this emulator test the driver against the
 * datasheet and not against itself.
 */
class EmulatedSx127xTest {
    private ManualAirClock clock;
    private SimulatedAir air;
    private EmulatedSx127x a;
    private EmulatedSx127x b;

    @BeforeEach
    void setUp() {
        clock = new ManualAirClock();
        air = new SimulatedAir(clock, 42);
        a = air.newRadio("a");
        b = air.newRadio("b");
    }

    static int read(EmulatedSx127x chip, int address) {
        return chip.transfer(new byte[] {(byte) address, 0})[1] & 0xFF;
    }

    static void write(EmulatedSx127x chip, int address, int value) {
        chip.transfer(new byte[] {(byte) (0x80 | address), (byte) value});
    }

    static void burstWrite(EmulatedSx127x chip, int address, byte[] data) {
        byte[] tx = new byte[data.length + 1];
        tx[0] = (byte) (0x80 | address);
        System.arraycopy(data, 0, tx, 1, data.length);
        chip.transfer(tx);
    }

    static byte[] burstRead(EmulatedSx127x chip, int address, int n) {
        byte[] tx = new byte[n + 1];
        tx[0] = (byte) address;
        return Arrays.copyOfRange(chip.transfer(tx), 1, n + 1);
    }

    /** LoRa standby on 868.1 MHz (Frf 0xD90666), SF7, 125 kHz, 4/5, explicit header, CRC on. */
    static void loRaStandby(EmulatedSx127x chip) {
        write(chip, 0x01, 0x00); // sleep (FSK)
        write(chip, 0x01, 0x80); // LoRa bit, still asleep
        write(chip, 0x01, 0x81); // standby
        write(chip, 0x06, 0xD9);
        write(chip, 0x07, 0x06);
        write(chip, 0x08, 0x66);
        write(chip, 0x1D, 0x72);
        write(chip, 0x1E, 0x74);
        write(chip, 0x26, 0x04);
    }

    static void send(EmulatedSx127x chip, byte[] payload) {
        write(chip, 0x40, 0x40); // DIO0 = TxDone
        write(chip, 0x0E, 0x00);
        write(chip, 0x0D, 0x00);
        burstWrite(chip, 0x00, payload);
        write(chip, 0x22, payload.length);
        write(chip, 0x01, 0x83);
    }

    static void receiveContinuously(EmulatedSx127x chip) {
        write(chip, 0x40, 0x00); // DIO0 = RxDone
        write(chip, 0x0F, 0x00);
        write(chip, 0x01, 0x85);
    }

    static byte[] bytes(int n, int seed) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) p[i] = (byte) (seed + i * 7);
        return p;
    }

    @Test
    void powerOnValuesFollowTheRegisterTable() {
        assertEquals(0x12, read(a, 0x42), "RegVersion");
        assertEquals(0x09, read(a, 0x01), "RegOpMode: FSK, LF mode, standby");
        assertEquals(0x6C, read(a, 0x06));
        assertEquals(0x80, read(a, 0x07));
        assertEquals(0x00, read(a, 0x08), "Frf 0x6C8000 = 434 MHz");
        assertEquals(0x80, read(a, 0x0E), "RegFifoTxBaseAddr");
        assertEquals(0x72, read(a, 0x1D));
        assertEquals(0x70, read(a, 0x1E));
        assertEquals(0x08, read(a, 0x21), "preamble 8");
        assertEquals(0x12, read(a, 0x39), "private sync word");
        assertEquals(0x84, read(a, 0x4D), "RegPaDac");
        assertEquals(0x2B, read(a, 0x0B), "RegOcp: on, 100 mA");
    }

    @Test
    void loRaBitChangesOnlyInSleep() {
        write(a, 0x01, 0x81); // from FSK standby: the LoRa bit is ignored, the mode is taken
        assertEquals(0x01, read(a, 0x01));
        assertFalse(a.loRaMode());
        write(a, 0x01, 0x00);
        write(a, 0x01, 0x80);
        assertEquals(0x80, read(a, 0x01));
        write(a, 0x01, 0x81);
        write(a, 0x01, 0x01); // leaving LoRa from standby is ignored too
        assertEquals(0x81, read(a, 0x01));
    }

    @Test
    void burstsAutoIncrementExceptOnTheFifo() {
        loRaStandby(a);
        write(a, 0x0D, 0x10);
        burstWrite(a, 0x00, new byte[] {1, 2, 3, 4, 5});
        assertEquals(0x15, read(a, 0x0D), "RegFifoAddrPtr advanced by the 5 FIFO bytes");
        write(a, 0x0D, 0x10);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, burstRead(a, 0x00, 5));
        assertArrayEquals(new byte[] {(byte) 0xD9, 0x06, 0x66}, burstRead(a, 0x06, 3), "Frf MSB, MID, LSB");
        // The FIFO is cleared in sleep and not accessible there
        write(a, 0x01, 0x80);
        assertEquals(0, read(a, 0x00));
        write(a, 0x01, 0x81);
        write(a, 0x0D, 0x10);
        assertArrayEquals(new byte[5], burstRead(a, 0x00, 5));
    }

    @Test
    void readOnlyRegistersIgnoreWrites() {
        write(a, 0x42, 0x55);
        write(a, 0x13, 0x55);
        assertEquals(0x12, read(a, 0x42));
        assertEquals(0x00, read(a, 0x13));
    }

    @Test
    void transmissionTakesItsTimeOnAirThenReturnsToStandby() {
        loRaStandby(a);
        AtomicInteger edges = new AtomicInteger();
        a.dio0().addRisingEdgeListener(edges::incrementAndGet);
        send(a, bytes(20, 1));
        assertEquals(0x83, read(a, 0x01));
        clock.advance(56_575_000); // AN1200.13: SF7/125 kHz/20 B = 56.576 ms
        assertEquals(0, read(a, 0x12) & 0x08, "no TxDone before the time on air");
        assertEquals(0x83, read(a, 0x01));
        clock.advance(1_000);
        assertEquals(0x08, read(a, 0x12), "TxDone");
        assertEquals(0x81, read(a, 0x01), "back to standby");
        assertTrue(a.dio0().isHigh());
        assertEquals(1, edges.get());
        write(a, 0x12, 0x08); // write 1 to clear
        assertEquals(0, read(a, 0x12));
        assertFalse(a.dio0().isHigh());
    }

    @Test
    void sf12FrameTimeMatchesAn1200_13() {
        loRaStandby(a);
        write(a, 0x1E, 0xC4); // SF12, CRC
        write(a, 0x26, 0x0C); // LowDataRateOptimize + AGC
        send(a, bytes(255, 3));
        clock.advance(9_019_391_999L);
        assertEquals(0, read(a, 0x12));
        clock.advance(1);
        assertEquals(0x08, read(a, 0x12)); // 9019.392 ms
    }

    @Test
    void maskedIrqDoesNotSetItsFlag() {
        loRaStandby(a);
        write(a, 0x11, 0x08); // mask TxDone
        send(a, bytes(10, 1));
        clock.advanceMillis(100);
        assertEquals(0, read(a, 0x12));
        assertFalse(a.dio0().isHigh());
        assertEquals(0x81, read(a, 0x01));
    }

    @Test
    void dio0FollowsTheMapping() {
        loRaStandby(a);
        send(a, bytes(10, 1));
        write(a, 0x40, 0x00); // DIO0 = RxDone while the TxDone flag will be set
        clock.advanceMillis(100);
        assertEquals(0x08, read(a, 0x12));
        assertFalse(a.dio0().isHigh());
        AtomicInteger edges = new AtomicInteger();
        a.dio0().addRisingEdgeListener(edges::incrementAndGet);
        write(a, 0x40, 0x40); // now TxDone
        assertTrue(a.dio0().isHigh());
        assertEquals(1, edges.get());
    }

    @Test
    void anotherRadioReceivesThePacketWithItsStatus() {
        loRaStandby(a);
        loRaStandby(b);
        air.setLink(a, b, new LinkConditions(-97, -5.25, 0, 0));
        receiveContinuously(b);
        byte[] p = bytes(40, 9);
        send(a, p);
        clock.advanceMillis(200);
        int flags = read(b, 0x12);
        assertEquals(0x50, flags, "RxDone + ValidHeader, no CRC error");
        assertEquals(0x85, read(b, 0x01), "still in RX continuous");
        assertEquals(40, read(b, 0x13));
        int start = read(b, 0x10);
        write(b, 0x0D, start);
        assertArrayEquals(p, burstRead(b, 0x00, 40));
        assertEquals(0x40, read(b, 0x1C) & 0x40, "CRC on payload, from the header");
        assertEquals(-5.25, ((byte) read(b, 0x19)) / 4.0);
        // datasheet 5.5.5 formula read back: -157 + PacketRssi + SNR (SNR < 0)
        assertEquals(-97, -157 + read(b, 0x1A) + ((byte) read(b, 0x19)) / 4.0, 0.5);
        assertEquals(1, read(b, 0x17), "valid packet counter");
        // a second packet lands after the first in the FIFO
        write(b, 0x12, 0xFF);
        send(a, bytes(10, 1));
        clock.advanceMillis(200);
        assertEquals(40, read(b, 0x10), "RegFifoRxCurrentAddr moved on");
    }

    @Test
    void overlappingFramesCollide() {
        EmulatedSx127x c = air.newRadio("c");
        loRaStandby(a);
        loRaStandby(b);
        loRaStandby(c);
        receiveContinuously(b);
        send(a, bytes(40, 1));
        clock.advanceMillis(20);
        send(c, bytes(40, 2));
        clock.advanceMillis(300);
        assertEquals(0, read(b, 0x12), "nothing decoded");
        assertEquals(2, b.collisionsSeen());
        // one after the other: both heard
        send(a, bytes(40, 1));
        clock.advanceMillis(150);
        send(c, bytes(40, 2));
        clock.advanceMillis(150);
        assertEquals(2, b.framesHeard());
    }

    @Test
    void differentChannelParametersHearNothing() {
        loRaStandby(a);
        loRaStandby(b);
        receiveContinuously(b);
        // spreading factor
        write(a, 0x1E, 0x84);
        send(a, bytes(10, 1));
        clock.advanceMillis(500);
        // sync word
        write(a, 0x1E, 0x74);
        write(a, 0x39, 0x34);
        send(a, bytes(10, 1));
        clock.advanceMillis(500);
        // bandwidth
        write(a, 0x39, 0x12);
        write(a, 0x1D, 0x82);
        send(a, bytes(10, 1));
        clock.advanceMillis(500);
        // frequency: 868.3 MHz
        write(a, 0x1D, 0x72);
        write(a, 0x06, 0xD9);
        write(a, 0x07, 0x13);
        write(a, 0x08, 0x33);
        send(a, bytes(10, 1));
        clock.advanceMillis(500);
        assertEquals(0, b.framesHeard());
        assertEquals(0, read(b, 0x12));
        // 10 kHz off at 125 kHz is within the receiver's tolerance (a quarter of the bandwidth)
        int frf = 0xD90666 + (int) Math.round(10_000 / EmulatedSx127x.FSTEP_HZ);
        write(a, 0x06, frf >> 16);
        write(a, 0x07, (frf >> 8) & 0xFF);
        write(a, 0x08, frf & 0xFF);
        send(a, bytes(10, 1));
        clock.advanceMillis(500);
        assertEquals(1, b.framesHeard());
    }

    @Test
    void channelActivityDetectionFindsAPreamble() {
        loRaStandby(a);
        loRaStandby(b);
        write(b, 0x40, 0x80); // DIO0 = CadDone
        write(b, 0x01, 0x87);
        clock.advanceMillis(5);
        assertEquals(0x04, read(b, 0x12), "CadDone, nothing detected");
        assertEquals(0x81, read(b, 0x01), "back to standby");
        write(b, 0x12, 0xFF);
        send(a, bytes(40, 1));
        clock.advanceMillis(1);
        write(b, 0x01, 0x87);
        clock.advanceMillis(5);
        assertEquals(0x05, read(b, 0x12), "CadDone + CadDetected");
        assertTrue(b.dio0().isHigh());
    }

    @Test
    void lossAndCorruptionAreConfigurable() {
        loRaStandby(a);
        loRaStandby(b);
        receiveContinuously(b);
        air.setLink(a, b, LinkConditions.GOOD.withLoss(1.0));
        send(a, bytes(10, 1));
        clock.advanceMillis(100);
        assertEquals(0, read(b, 0x12));
        air.setLink(a, b, LinkConditions.GOOD.withCorruption(1.0));
        send(a, bytes(10, 1));
        clock.advanceMillis(100);
        assertEquals(0x70, read(b, 0x12), "RxDone + PayloadCrcError + ValidHeader");
    }

    @Test
    void mismatchedLowDataRateOptimizeCorruptsThePayload() {
        loRaStandby(a);
        loRaStandby(b);
        write(a, 0x26, 0x0C);
        receiveContinuously(b);
        send(a, bytes(10, 1));
        clock.advanceMillis(200);
        assertEquals(0x20, read(b, 0x12) & 0x20);
    }

    @Test
    void transmitterCannotHearWhileTransmitting() {
        loRaStandby(a);
        loRaStandby(b);
        receiveContinuously(a);
        send(b, bytes(40, 1));
        clock.advanceMillis(10);
        send(a, bytes(10, 1)); // a leaves RX for TX
        clock.advanceMillis(300);
        assertEquals(0x08, read(a, 0x12), "only its own TxDone");
        assertEquals(0, a.framesHeard());
    }

    @Test
    void chipSelectOnAGpioMustBeDrivenLow() {
        var cs = a.chipSelectPin();
        cs.set(true);
        assertEquals(0x00, read(a, 0x42), "deselected: MISO idle");
        cs.set(false);
        assertEquals(0x12, read(a, 0x42));
    }

    @Test
    void resetRestoresPowerOnValues() {
        loRaStandby(a);
        var reset = a.resetPin();
        reset.set(false);
        assertEquals(0x00, read(a, 0x42), "held in reset");
        reset.set(true);
        assertEquals(0x09, read(a, 0x01));
        assertEquals(0x6C, read(a, 0x06));
    }

    @Test
    void rxSingleTimesOutAfterSymbTimeoutSymbols() {
        loRaStandby(b);
        write(b, 0x1F, 0x10); // 16 symbols of 1.024 ms
        write(b, 0x01, 0x86);
        clock.advanceMillis(16.0);
        assertEquals(0, read(b, 0x12));
        clock.advanceMillis(0.5);
        assertEquals(0x80, read(b, 0x12), "RxTimeout");
        assertEquals(0x81, read(b, 0x01));
    }
}
