package net.sovereignbridge.drivers.sx127x;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.LinkConditions;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver against the register-level emulator. Air time runs at wall-clock speed here: back-to-back packets
 * must be read by the driver within one packet's time on air, as on hardware, and a loaded build machine must
 * not make the test fail where a Pi would not.
 */
class Sx127xTest {
    private static final Duration POLL = Duration.ofMillis(20);
    private ScaledAirClock clock;
    private SimulatedAir air;
    private final List<Sx127x> drivers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new ScaledAirClock(1);
        air = new SimulatedAir(clock, 7);
    }

    @AfterEach
    void tearDown() {
        drivers.forEach(Sx127x::close);
        clock.close();
    }

    private Sx127x driver(EmulatedSx127x chip) {
        Sx127x d = new Sx127x(RadioBus.of(chip, chip.dio0(), chip.resetPin(), null), POLL, chip.name());
        drivers.add(d);
        return d;
    }

    private static LoRaSettings.Builder sf7() {
        return LoRaSettings.builder().frequencyHz(868_100_000L).spreadingFactor(7);
    }

    private static int[] writesTo(EmulatedSx127x chip, int address) {
        return chip.writeLog().stream().filter(w -> w[0] == address).mapToInt(w -> w[1]).toArray();
    }

    @Test
    void beginResetsChecksTheVersionAndEntersLoRaStandby() throws Exception {
        EmulatedSx127x chip = air.newRadio("a");
        Sx127x d = driver(chip);
        assertEquals(0x12, d.begin());
        assertTrue(chip.loRaMode());
        assertEquals(1, chip.mode(), "standby");
        // the LoRa bit was written while the chip slept: sleep (FSK), sleep (LoRa), standby (LoRa)
        assertArrayEquals(new int[] {0x08, 0x80, 0x81}, writesTo(chip, 0x01));
    }

    @Test
    void silentBusSaysCheckWiringAndChipSelect() {
        for (int floating : new int[] {0x00, 0xFF}) {
            EmulatedSx127x chip = air.newRadio("silent" + floating);
            chip.disconnectMiso(floating);
            var e = assertThrows(Sx127xException.ChipNotResponding.class, () -> driver(chip).begin());
            assertTrue(e.getMessage().contains("check wiring / chip select"), e.getMessage());
        }
    }

    @Test
    void otherVersionsAreNamedErrors() {
        EmulatedSx127x chip = air.newRadio("sx1272");
        chip.setVersion(0x22);
        var e = assertThrows(Sx127xException.UnsupportedChipVersion.class, () -> driver(chip).begin());
        assertEquals(0x22, e.version());
        assertTrue(e.getMessage().contains("0x22") && e.getMessage().contains("SX1272"), e.getMessage());
    }

    @Test
    void softwareChipSelectIsDrivenAroundEveryTransfer() throws Exception {
        EmulatedSx127x chip = air.newRadio("dragino");
        var cs = chip.chipSelectPin();
        Sx127x withCs = new Sx127x(RadioBus.of(chip, chip.dio0(), chip.resetPin(), cs), POLL, "dragino");
        drivers.add(withCs);
        assertEquals(0x12, withCs.begin());
        // the same chip without the CS GPIO driven: nothing answers
        Sx127x without = driver(chip);
        assertThrows(Sx127xException.ChipNotResponding.class, without::begin);
    }

    @Test
    void frequenciesFollowFrfFormula() {
        assertEquals(0xE4C000, Sx127x.frfFor(915_000_000L));
        assertEquals(0xD90666, Sx127x.frfFor(868_100_000L));
        assertEquals(0x6C4B33, Sx127x.frfFor(433_175_000L));
        assertEquals(0x6C8000, Sx127x.frfFor(434_000_000L));
    }

    @Test
    void configureWritesTheModemRegisters() throws Exception {
        EmulatedSx127x chip = air.newRadio("a");
        Sx127x d = driver(chip);
        d.begin();
        d.configure(LoRaSettings.builder().frequencyHz(868_100_000L).spreadingFactor(11).bandwidth(Bandwidth.BW_125)
                .codingRate(CodingRate.CR_4_8).preambleLength(16).syncWord(0x2B).txPowerDbm(14).build());
        assertEquals(0xD9, chip.peek(0x06));
        assertEquals(0x06, chip.peek(0x07));
        assertEquals(0x66, chip.peek(0x08));
        assertEquals(0x78, chip.peek(0x1D), "125 kHz, 4/8, explicit");
        assertEquals(0xB4, chip.peek(0x1E), "SF11, CRC on");
        assertEquals(0x0C, chip.peek(0x26), "LowDataRateOptimize (16.384 ms symbols) + AGC");
        assertEquals(16, chip.peek(0x21));
        assertEquals(0x2B, chip.peek(0x39));
        assertEquals(0x03, chip.peek(0x31) & 0x07);
        assertEquals(0x0A, chip.peek(0x37));
        assertEquals(0x8C, chip.peek(0x09), "PA_BOOST, 14 dBm = 2 + 12");
        assertEquals(0x84, chip.peek(0x4D));
        assertEquals(0x2B, chip.peek(0x0B), "OCP on, 100 mA: trim (100 - 45) / 5 = 11");
        // the LSB of Frf is written last: it is the write that applies the frequency
        List<int[]> log = chip.writeLog();
        int lsb = -1, msb = -1;
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i)[0] == 0x06) msb = i;
            if (log.get(i)[0] == 0x08) lsb = i;
        }
        assertTrue(msb < lsb);

        d.configure(sf7().spreadingFactor(10).bandwidth(Bandwidth.BW_125).txPowerDbm(20).build());
        assertEquals(0x04, chip.peek(0x26), "SF10/125: 8.192 ms symbols, no LDRO");
        assertEquals(0x87, chip.peek(0x4D), "PaDac +20 dBm");
        assertEquals(0x8F, chip.peek(0x09), "20 dBm = 5 + 15");
        assertEquals(0x31, chip.peek(0x0B), "OCP 140 mA: trim (140 + 30) / 10 = 17");

        d.configure(sf7().spreadingFactor(6).implicitHeader(true).implicitPayloadLength(12)
                .bandwidth(Bandwidth.BW_500).build());
        assertEquals(0x05, chip.peek(0x31) & 0x07, "SF6 detection optimize");
        assertEquals(0x0C, chip.peek(0x37), "SF6 detection threshold");
        assertEquals(0x93, chip.peek(0x1D), "500 kHz, 4/5, implicit");
        assertEquals(12, chip.peek(0x22));
    }

    @Test
    void overCurrentTrimFollowsTheDatasheet() {
        assertEquals(0, Sx127x.overCurrentTrim(45));
        assertEquals(11, Sx127x.overCurrentTrim(100));
        assertEquals(15, Sx127x.overCurrentTrim(120));
        assertEquals(27, Sx127x.overCurrentTrim(240));
    }

    private record Link(Sx127x tx, Sx127x rx, EmulatedSx127x txChip, EmulatedSx127x rxChip,
                        LinkedBlockingQueue<ReceivedPacket> received) {}

    private Link link(LoRaSettings settings) throws Exception {
        EmulatedSx127x a = air.newRadio("a" + drivers.size());
        EmulatedSx127x b = air.newRadio("b" + drivers.size());
        Sx127x tx = driver(a);
        Sx127x rx = driver(b);
        tx.begin();
        rx.begin();
        tx.configure(settings);
        rx.configure(settings);
        LinkedBlockingQueue<ReceivedPacket> q = new LinkedBlockingQueue<>();
        rx.startReceiving(q::add);
        return new Link(tx, rx, a, b, q);
    }

    @Test
    void packetsTravelBetweenTwoEmulatedRadios() throws Exception {
        Link l = link(sf7().build());
        air.setLink(l.txChip, l.rxChip, new LinkConditions(-101, -3.5, 0, 0));
        byte[] payload = "hello over the simulated air".getBytes();
        l.tx.transmit(payload);
        assertEquals(1, l.txChip.mode(), "standby after TxDone");
        ReceivedPacket p = l.received.poll(5, TimeUnit.SECONDS);
        assertNotNull(p);
        assertArrayEquals(payload, p.payload());
        assertEquals(-3.5, p.snrDb());
        assertEquals(-101, p.rssiDbm(), 0.5);
        assertTrue(p.crcChecked());
        // several in a row, in both directions, with the receiver still listening
        l.rx.transmit(new byte[] {1, 2, 3});
        for (int i = 0; i < 5; i++) l.tx.transmit(new byte[] {(byte) i});
        for (int i = 0; i < 5; i++) assertArrayEquals(new byte[] {(byte) i}, l.received.poll(5, TimeUnit.SECONDS).payload());
        assertEquals(6, l.rx.statistics().packetsReceived());
        assertEquals(0, l.rx.statistics().rxOverruns());
        assertEquals(5, l.rxChip.mode(), "receiver back in RX continuous after its own transmission");
    }

    @Test
    void implicitHeaderSf6Link() throws Exception {
        Link l = link(sf7().spreadingFactor(6).bandwidth(Bandwidth.BW_500).implicitHeader(true)
                .implicitPayloadLength(8).build());
        l.tx.transmit(new byte[] {8, 7, 6, 5, 4, 3, 2, 1});
        ReceivedPacket p = l.received.poll(5, TimeUnit.SECONDS);
        assertNotNull(p);
        assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, p.payload());
        assertThrows(IllegalArgumentException.class, () -> l.tx.transmit(new byte[3]));
    }

    @Test
    void corruptedPacketsAreDroppedAndCounted() throws Exception {
        Link l = link(sf7().build());
        air.setLink(l.txChip, l.rxChip, LinkConditions.GOOD.withCorruption(1.0));
        l.tx.transmit(new byte[] {1, 2, 3, 4});
        assertNull(l.received.poll(500, TimeUnit.MILLISECONDS));
        assertEquals(1, l.rx.statistics().crcErrors());
    }

    @Test
    void packetsWithoutCrcAreRefusedWhenCrcIsRequired() throws Exception {
        Link l = link(sf7().build());
        l.tx.configure(sf7().crc(false).build());
        l.tx.transmit(new byte[] {1, 2, 3, 4});
        assertNull(l.received.poll(500, TimeUnit.MILLISECONDS));
        assertEquals(1, l.rx.statistics().packetsWithoutCrc());
    }

    @Test
    void channelActivityDetectionSeesAnotherTransmitter() throws Exception {
        Link l = link(sf7().spreadingFactor(9).preambleLength(64).build());
        assertFalse(l.rx.channelActivityDetected());
        Thread sender = new Thread(() -> {
            try {
                l.tx.transmit(new byte[200]);
            } catch (Sx127xException e) {
                throw new AssertionError(e);
            }
        });
        sender.start();
        // wait until the frame is on the air (the emulator's chip is in TX), then listen
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (l.txChip.mode() != 3 && System.nanoTime() < deadline) Thread.onSpinWait();
        assertTrue(l.rx.channelActivityDetected(), "a 64-symbol preamble is on the air");
        sender.join();
        assertEquals(5, l.rxChip.mode(), "reception resumed after CAD");
    }

    @Test
    void missedDio0EdgesAreRecoveredByPolling() throws Exception {
        Link l = link(sf7().build());
        l.txChip.dropNextDio0Edges(1);
        l.rxChip.dropNextDio0Edges(1);
        l.tx.transmit(new byte[] {42});
        ReceivedPacket p = l.received.poll(5, TimeUnit.SECONDS);
        assertNotNull(p, "the packet arrived although its RxDone edge was lost");
        assertEquals(1, l.txChip.edgesDropped());
        assertEquals(1, l.rxChip.edgesDropped());
        assertEquals(1, l.tx.statistics().missedEdgeRecoveries());
        assertEquals(1, l.rx.statistics().missedEdgeRecoveries());
        // and the next packet flows through the DIO0 edge as usual
        l.tx.transmit(new byte[] {43});
        assertNotNull(l.received.poll(5, TimeUnit.SECONDS));
        assertEquals(1, l.rx.statistics().missedEdgeRecoveries());
    }

    @Test
    void receiverRecoversFromABrownOut() throws Exception {
        Link l = link(sf7().build());
        l.rxChip.brownOut();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (l.rxChip.mode() != 5 && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(l.rxChip.loRaMode());
        assertEquals(5, l.rxChip.mode());
        assertEquals(1, l.rx.statistics().receiverRestarts());
        assertEquals(0x74, l.rxChip.peek(0x1E), "modem settings written again");
        l.tx.transmit(new byte[] {1});
        assertNotNull(l.received.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void transmitWithoutTxDoneTimesOut() throws Exception {
        EmulatedSx127x chip = air.newRadio("deaf");
        Sx127x d = driver(chip);
        d.begin();
        d.configure(sf7().build());
        chip.disconnectMiso(0x00); // the IRQ register now always reads 0
        var e = assertThrows(Sx127xException.Timeout.class, () -> d.transmit(new byte[1]));
        assertTrue(e.getMessage().contains("TxDone"));
    }

    /** The transmit sequence of the datasheet (4.1.2.3 "Data Transmission Sequence"), register by register. */
    @Test
    void transmitFollowsTheDatasheetSequence() throws Exception {
        EmulatedSx127x chip = air.newRadio("seq");
        Sx127x d = driver(chip);
        d.begin();
        d.configure(sf7().build());
        chip.clearWriteLog();
        d.transmit(new byte[] {(byte) 0xCA, (byte) 0xFE});
        List<String> writes = chip.writeLog().stream().map(w -> String.format("%02X=%02X", w[0], w[1])).toList();
        assertEquals(List.of(
                "01=81",        // standby
                "40=40",        // DIO0 = TxDone
                "12=FF",        // clear all IRQ flags
                "0E=00",        // RegFifoTxBaseAddr
                "0D=00",        // RegFifoAddrPtr
                "00=CA", "00=FE", // payload into the FIFO (one burst)
                "22=02",        // RegPayloadLength
                "01=83",        // TX
                "12=FF"),       // TxDone seen: clear
                writes);
        assertEquals(1, chip.mode(), "the chip went back to standby by itself");
    }

    /** A host that reads too late loses the earlier packet (only the latest packet's status is kept): counted. */
    @Test
    void packetsOverwrittenBeforeTheyAreReadAreCounted() throws Exception {
        Link l = link(sf7().build());
        l.rx.stopReceiving();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        LinkedBlockingQueue<ReceivedPacket> got = new LinkedBlockingQueue<>();
        l.rx.startReceiving(p -> {
            got.add(p);
            if (p.payload()[0] == 1) {
                try {
                    release.await(); // a slow host: the receive thread is busy elsewhere
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        l.tx.transmit(new byte[] {1});
        assertArrayEquals(new byte[] {1}, got.poll(5, TimeUnit.SECONDS).payload());
        l.tx.transmit(new byte[] {2});
        l.tx.transmit(new byte[] {3}); // overwrites packet 2's status registers before anyone read them
        // the sender's TxDone comes a moment before the receiver's RxDone: wait until the receiver has it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (l.rxChip.framesHeard() < 3 && System.nanoTime() < deadline) Thread.sleep(1);
        release.countDown();
        assertArrayEquals(new byte[] {3}, got.poll(5, TimeUnit.SECONDS).payload());
        assertEquals(1, l.rx.statistics().rxOverruns());
        assertEquals(2, l.rx.statistics().packetsReceived());
    }
}
