package net.sovereignbridge.drivers.sx126x;

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
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.sx126x.emulator.EmulatedSx126x;
import net.sovereignbridge.drivers.sx126x.emulator.EmulatedSx126x.RfSwitch;
import net.sovereignbridge.drivers.sx126x.emulator.EmulatedSx126x.Variant;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.DigitalInput;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import net.sovereignbridge.drivers.sx127x.emulator.LinkConditions;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The driver against the command-level emulator, air time at wall-clock speed (the driver waits on BUSY and DIO1
 * as on hardware). Every test also asserts that the emulator saw no protocol violation: no command while BUSY was
 * high, every erratum applied, image calibration done.
 */
class Sx126xTest {
    private static final Duration POLL = Duration.ofMillis(20);
    private ScaledAirClock clock;
    private SimulatedAir air;
    private final List<Sx126x> drivers = new ArrayList<>();
    private final List<EmulatedSx126x> chips = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new ScaledAirClock(1);
        air = new SimulatedAir(clock, 7);
    }

    @AfterEach
    void tearDown() {
        drivers.forEach(Sx126x::close);
        clock.close();
        for (EmulatedSx126x c : chips) assertEquals(List.of(), c.protocolViolations());
    }

    private EmulatedSx126x chip(String name, Variant variant, Integer tcxo, RfSwitch rf) {
        EmulatedSx126x c = EmulatedSx126x.attach(air, name, variant, tcxo, rf);
        chips.add(c);
        return c;
    }

    private EmulatedSx126x sx1262(String name) {
        return chip(name, Variant.SX1262, 0x02, RfSwitch.DIO2);
    }

    private Sx126x driver(EmulatedSx126x chip, Sx126xHardware hw) {
        Sx126x d = new Sx126x(Sx126xBus.of(chip, chip.busy(), chip.dio1(), chip.resetPin(), null, null, null), hw,
                POLL, chip.name());
        drivers.add(d);
        return d;
    }

    private static Sx126xSettings.Builder longFast() {
        // Meshtastic LongFast in EU_868
        return Sx126xSettings.builder().frequencyHz(869_525_000L).spreadingFactor(11).bandwidth(Bandwidth.BW_250)
                .preambleLength(16).syncWord(0x2B);
    }

    private static Sx126xSettings.Builder sf7() {
        return Sx126xSettings.builder().frequencyHz(868_100_000L).spreadingFactor(7);
    }

    private static boolean sent(EmulatedSx126x chip, int... prefix) {
        for (byte[] c : chip.commandLog()) {
            if (c.length < prefix.length) continue;
            boolean match = true;
            for (int i = 0; i < prefix.length; i++) match &= (c[i] & 0xFF) == prefix[i];
            if (match) return true;
        }
        return false;
    }

    @Test
    void beginResetsReadsTheVersionAndBringsTheChipUp() throws Exception {
        EmulatedSx126x chip = sx1262("a");
        Sx126x d = driver(chip, Sx126xHardware.typicalSx1262());
        assertEquals("SX1261 V2D 2D02", d.begin());
        assertEquals(2, chip.chipMode(), "STBY_RC");
        assertEquals(0, chip.deviceErrors());
        assertTrue(sent(chip, 0x97, 0x02, 0x00, 0x01, 0x40), "DIO3 TCXO 1.8 V, 5 ms = 320 RTC steps");
        assertTrue(sent(chip, 0x89, 0x7F), "calibrate all");
        assertTrue(sent(chip, 0x8A, 0x01), "LoRa");
        assertTrue(sent(chip, 0x9D, 0x01), "DIO2 as RF switch");
        assertTrue(sent(chip, 0x96, 0x01), "DC-DC");
        assertEquals(0xDE, chip.register(0x08D8), "erratum 15.2: 0xC0 | 0x1E");
        Sx126xStatus st = d.status();
        assertEquals(Sx126xStatus.MODE_STBY_RC, st.chipMode());
        assertFalse(st.commandFailed());
        assertEquals(0, chip.busyViolations());
    }

    @Test
    void silentBusSaysCheckWiringAndChipSelect() {
        for (int floating : new int[] {0x00, 0xFF}) {
            EmulatedSx126x chip = sx1262("silent" + floating);
            chip.disconnectMiso(floating);
            var e = assertThrows(Sx126xException.ChipNotResponding.class,
                    () -> driver(chip, Sx126xHardware.typicalSx1262()).begin());
            assertTrue(e.getMessage().contains("check wiring / chip select"), e.getMessage());
        }
    }

    @Test
    void anotherChipIsNamed() {
        EmulatedSx126x chip = sx1262("other");
        chip.setVersionString("SX1280 V3B");
        var e = assertThrows(Sx126xException.UnsupportedChip.class,
                () -> driver(chip, Sx126xHardware.typicalSx1262()).begin());
        assertEquals("SX1280 V3B", e.versionString());
    }

    @Test
    void aModuleWithATcxoButNoneConfiguredFailsCalibrationWithAHint() {
        EmulatedSx126x chip = sx1262("notcxo");
        Sx126x d = driver(chip, Sx126xHardware.typicalSx1262().withTcxo(Optional.empty()));
        Sx126xException e = assertThrows(Sx126xException.class, d::begin);
        assertTrue(e instanceof Sx126xException.CommandFailed || e instanceof Sx126xException.DeviceErrors, e.toString());
        assertTrue(e.getMessage().contains("DIO3_TCXO_VOLTAGE"), e.getMessage());
        assertTrue(e.getMessage().contains("Calibrate") || e.getMessage().contains("calibration"), e.getMessage());
    }

    @Test
    void aBusyLineThatNeverFallsIsATimeoutNamingThePin() {
        EmulatedSx126x chip = sx1262("stuck");
        DigitalInput stuckHigh = new DigitalInput() {
            @Override
            public boolean isHigh() {
                return true;
            }

            @Override
            public void addRisingEdgeListener(Runnable listener) {}
        };
        Sx126x d = new Sx126x(Sx126xBus.of(chip, stuckHigh, chip.dio1(), chip.resetPin(), null, null, null),
                Sx126xHardware.typicalSx1262(), POLL, "stuck");
        drivers.add(d);
        var e = assertThrows(Sx126xException.BusyTimeout.class, d::begin);
        assertTrue(e.getMessage().contains("Busy pin"), e.getMessage());
    }

    @Test
    void configureWritesFrequencyModulationSyncWordAndPower() throws Exception {
        EmulatedSx126x chip = sx1262("a");
        Sx126x d = driver(chip, Sx126xHardware.typicalSx1262());
        d.begin();
        d.configure(longFast().txPowerDbm(22).build());
        assertEquals(869_525_000.0, chip.frequencyHz(), 1.0);
        assertTrue(sent(chip, 0x98, 0xD7, 0xDB), "image calibration for 863-870 MHz");
        assertTrue(sent(chip, 0x8B, 11, 0x05, 0x01, 0x00), "SF11, 250 kHz, 4/5, LDRO off (8.2 ms symbols)");
        assertTrue(sent(chip, 0x8C, 0x00, 16, 0x00, 0xFF, 0x01, 0x00), "preamble 16, explicit, 255, CRC, IQ std");
        assertEquals(0x24, chip.register(0x0740), "sync word 0x2B in the SX126x form");
        assertEquals(0xB4, chip.register(0x0741));
        assertEquals(0x04, chip.register(0x0736) & 0x04, "erratum 15.4: standard IQ sets bit 2");
        assertTrue(sent(chip, 0x95, 0x04, 0x07, 0x00, 0x01), "PA config for +22 dBm");
        assertTrue(sent(chip, 0x8E, 22, 0x04), "22 dBm, 200 us ramp");
        assertEquals(56, chip.register(0x08E7), "OCP 140 mA / 2.5");
        assertEquals(0x39300000L, Sx126xCommands.frfFor(915_000_000L));
        // a second configure in the same band does not calibrate the image again
        chip.clearCommandLog();
        d.configure(longFast().frequencyHz(868_100_000L).build());
        assertFalse(sent(chip, 0x98));
        d.configure(longFast().frequencyHz(906_875_000L).build());
        assertTrue(sent(chip, 0x98, 0xE1, 0xE9), "902-928 MHz");
    }

    @Test
    void chipLimitsAreCheckedAtConfiguration() throws Exception {
        EmulatedSx126x chip = chip("llcc", Variant.LLCC68, 0x02, RfSwitch.DIO2);
        Sx126x d = driver(chip, Sx126xHardware.typicalSx1262().withChip(Sx126xChip.LLCC68));
        d.begin();
        var e = assertThrows(IllegalArgumentException.class, () -> d.configure(longFast().build()));
        assertTrue(e.getMessage().contains("SF5..SF10 at 250 kHz"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.configure(sf7().spreadingFactor(10).build()));
        assertThrows(IllegalArgumentException.class, () -> d.configure(sf7().bandwidth(Bandwidth.BW_62_5).build()));
        d.configure(longFast().spreadingFactor(10).build());
        d.configure(longFast().spreadingFactor(11).bandwidth(Bandwidth.BW_500).build());
        var band = assertThrows(IllegalArgumentException.class,
                () -> driver(chip("s68", Variant.SX1268, 0x02, RfSwitch.DIO2),
                        Sx126xHardware.typicalSx1262().withChip(Sx126xChip.SX1268)).configure(longFast().build()));
        assertTrue(band.getMessage().contains("SX1268's band 410-810"), band.getMessage());
    }

    private record Link(Sx126x tx, Sx126x rx, EmulatedSx126x txChip, EmulatedSx126x rxChip,
                        LinkedBlockingQueue<ReceivedPacket> received) {}

    private Link link(Variant variant, Sx126xSettings settings) throws Exception {
        Sx126xChip c = Sx126xChip.valueOf(variant.name());
        EmulatedSx126x a = chip("a" + drivers.size(), variant, 0x02, RfSwitch.DIO2);
        EmulatedSx126x b = chip("b" + drivers.size(), variant, 0x02, RfSwitch.DIO2);
        Sx126x tx = driver(a, Sx126xHardware.typicalSx1262().withChip(c));
        Sx126x rx = driver(b, Sx126xHardware.typicalSx1262().withChip(c));
        tx.begin();
        rx.begin();
        tx.configure(settings);
        rx.configure(settings);
        LinkedBlockingQueue<ReceivedPacket> q = new LinkedBlockingQueue<>();
        rx.startReceiving(q::add);
        return new Link(tx, rx, a, b, q);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void transmitReceiveAndCadOnEveryFamilyMember(Variant variant) throws Exception {
        long f = variant == Variant.SX1268 ? 433_175_000L : 868_100_000L;
        // A long preamble (256 symbols, 0.5 s at SF8): after the CAD below the driver must be back in RX before the
        // last 4 preamble symbols, and the air runs in real time, so 32 symbols (57 ms) failed on a loaded machine.
        Link l = link(variant, sf7().frequencyHz(f).spreadingFactor(8).preambleLength(256).build());
        air.setLink(l.txChip, l.rxChip, new LinkConditions(-101, -3.5, 0, 0));
        byte[] payload = ("hello from an " + variant).getBytes();
        l.tx.transmit(payload);
        ReceivedPacket p = l.received.poll(5, TimeUnit.SECONDS);
        assertNotNull(p);
        assertArrayEquals(payload, p.payload());
        assertEquals(-3.5, p.snrDb());
        assertEquals(-101, p.rssiDbm(), 0.5);
        assertEquals(2, l.txChip.chipMode(), "STBY_RC after TxDone (fallback mode)");
        assertEquals(5, l.rxChip.chipMode(), "receiver stays in RX continuous");
        // both directions, several in a row, the receiver still listening after its own transmission
        l.rx.transmit(new byte[] {1, 2, 3});
        for (int i = 0; i < 4; i++) l.tx.transmit(new byte[] {(byte) i});
        for (int i = 0; i < 4; i++) assertArrayEquals(new byte[] {(byte) i}, l.received.poll(5, TimeUnit.SECONDS).payload());
        assertEquals(5, l.rx.statistics().packetsReceived());
        assertEquals(5, l.rxChip.chipMode());
        // CAD: quiet channel, then during a long transmission's preamble
        assertFalse(l.rx.channelActivityDetected());
        Thread sender = new Thread(() -> {
            try {
                l.tx.transmit(new byte[200]);
            } catch (Sx126xException e) {
                throw new AssertionError(e);
            }
        });
        long before = air.framesSent();
        sender.start();
        while (air.framesSent() == before) Thread.sleep(1);
        assertTrue(l.rx.channelActivityDetected());
        sender.join();
        assertNotNull(l.received.poll(5, TimeUnit.SECONDS), "the packet after the CAD still arrives");
    }

    @Test
    void corruptedPacketsAreDroppedAndCounted() throws Exception {
        Link l = link(Variant.SX1262, sf7().build());
        air.setLink(l.txChip, l.rxChip, LinkConditions.GOOD.withCorruption(1.0));
        l.tx.transmit(new byte[] {1, 2, 3, 4});
        assertNull(l.received.poll(500, TimeUnit.MILLISECONDS));
        assertEquals(1, l.rx.statistics().crcErrors());
    }

    @Test
    void erratumSettingsFollowTheBandwidthAndIq() throws Exception {
        Link l = link(Variant.SX1262, sf7().bandwidth(Bandwidth.BW_500).invertIq(true).build());
        l.tx.transmit(new byte[] {5, 5});
        assertArrayEquals(new byte[] {5, 5}, l.received.poll(5, TimeUnit.SECONDS).payload());
        assertEquals(0, l.txChip.register(0x0889) & 0x04, "erratum 15.1 at 500 kHz");
        assertEquals(0, l.rxChip.register(0x0736) & 0x04, "erratum 15.4 with inverted IQ");
        l.tx.configure(sf7().bandwidth(Bandwidth.BW_125).invertIq(true).build());
        l.rx.configure(sf7().bandwidth(Bandwidth.BW_125).invertIq(true).build());
        l.tx.transmit(new byte[] {6});
        assertArrayEquals(new byte[] {6}, l.received.poll(5, TimeUnit.SECONDS).payload());
        assertEquals(0x04, l.txChip.register(0x0889) & 0x04, "erratum 15.1 below 500 kHz");
        // standard IQ receivers do not hear inverted IQ
        l.rx.configure(sf7().bandwidth(Bandwidth.BW_125).build());
        l.tx.transmit(new byte[] {7});
        assertNull(l.received.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void implicitHeaderReceiveOnceStopsTheRtc() throws Exception {
        Sx126xSettings s = sf7().spreadingFactor(6).bandwidth(Bandwidth.BW_500).implicitHeader(true)
                .implicitPayloadLength(8).build();
        EmulatedSx126x a = sx1262("ia"), b = sx1262("ib");
        Sx126x tx = driver(a, Sx126xHardware.typicalSx1262()), rx = driver(b, Sx126xHardware.typicalSx1262());
        tx.begin();
        rx.begin();
        tx.configure(s);
        rx.configure(s);
        assertTrue(rx.receiveOnce(Duration.ofMillis(50)).isEmpty(), "nothing on air: the chip's timeout");
        Thread sender = new Thread(() -> {
            try {
                Thread.sleep(20);
                tx.transmit(new byte[] {8, 7, 6, 5, 4, 3, 2, 1});
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        sender.start();
        Optional<ReceivedPacket> p = rx.receiveOnce(Duration.ofMillis(500));
        sender.join();
        assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, p.orElseThrow().payload());
        Thread.sleep(600); // past the 500 ms timeout: a stray Timeout would be a violation (erratum 15.3)
        assertEquals(0x00, b.register(0x0902));
        assertEquals(0x02, b.register(0x0944) & 0x02);
        assertThrows(IllegalArgumentException.class, () -> tx.transmit(new byte[3]));
    }

    @Test
    void anRfSwitchOnTxenRxenIsDrivenByTheDriver() throws Exception {
        EmulatedSx126x a = chip("e22a", Variant.SX1262, 0x02, RfSwitch.TXEN_RXEN);
        EmulatedSx126x b = chip("e22b", Variant.SX1262, 0x02, RfSwitch.TXEN_RXEN);
        Sx126xHardware hw = Sx126xHardware.typicalSx1262().withDio2RfSwitch(false);
        Sx126x tx = new Sx126x(Sx126xBus.of(a, a.busy(), a.dio1(), a.resetPin(), null, a.txEnablePin(),
                a.rxEnablePin()), hw, POLL, "e22a");
        Sx126x rx = new Sx126x(Sx126xBus.of(b, b.busy(), b.dio1(), b.resetPin(), null, b.txEnablePin(),
                b.rxEnablePin()), hw, POLL, "e22b");
        drivers.add(tx);
        drivers.add(rx);
        for (Sx126x d : List.of(tx, rx)) {
            d.begin();
            d.configure(sf7().build());
        }
        LinkedBlockingQueue<ReceivedPacket> q = new LinkedBlockingQueue<>();
        rx.startReceiving(q::add);
        tx.transmit(new byte[] {42});
        assertArrayEquals(new byte[] {42}, q.poll(5, TimeUnit.SECONDS).payload());
    }

    @Test
    void aBoardFileThatForgetsTheRfSwitchLeavesTheRadioDeafAndMute() throws Exception {
        EmulatedSx126x a = sx1262("mute"), b = sx1262("deaf");
        Sx126xHardware noSwitch = Sx126xHardware.typicalSx1262().withDio2RfSwitch(false);
        Sx126x tx = driver(a, noSwitch), rx = driver(b, Sx126xHardware.typicalSx1262());
        tx.begin();
        rx.begin();
        tx.configure(sf7().build());
        rx.configure(sf7().build());
        LinkedBlockingQueue<ReceivedPacket> q = new LinkedBlockingQueue<>();
        rx.startReceiving(q::add);
        long before = air.framesSent();
        tx.transmit(new byte[] {1});
        assertEquals(before, air.framesSent(), "nothing radiated");
        assertNull(q.poll(200, TimeUnit.MILLISECONDS));
        assertEquals(List.of("mute: RF switch not in TX position: nothing radiated"), a.protocolViolations());
        chips.remove(a);
    }

    @Test
    void lostDio1EdgesAreRecoveredByPolling() throws Exception {
        Link l = link(Variant.SX1262, sf7().build());
        l.txChip.dropNextDio1Edges(1);
        l.rxChip.dropNextDio1Edges(1);
        l.tx.transmit(new byte[] {9});
        assertArrayEquals(new byte[] {9}, l.received.poll(5, TimeUnit.SECONDS).payload());
        assertTrue(l.tx.statistics().missedEdgeRecoveries() >= 1);
        assertTrue(l.rx.statistics().missedEdgeRecoveries() >= 1);
    }

    @Test
    void sleepThenTransmitWakesTheChip() throws Exception {
        Link l = link(Variant.SX1262, sf7().build());
        l.tx.sleep();
        assertTrue(l.txChip.asleep());
        l.tx.transmit(new byte[] {3});
        assertArrayEquals(new byte[] {3}, l.received.poll(5, TimeUnit.SECONDS).payload());
        assertEquals(0, l.txChip.busyViolations());
    }

    @Test
    void aChipThatResetItselfIsBroughtBackIntoReception() throws Exception {
        Link l = link(Variant.SX1262, sf7().build());
        l.rxChip.brownOut();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (l.rx.statistics().receiverRestarts() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(1, l.rx.statistics().receiverRestarts());
        while (l.rxChip.chipMode() != 5 && System.nanoTime() < deadline) Thread.sleep(5);
        l.tx.transmit(new byte[] {4});
        assertArrayEquals(new byte[] {4}, l.received.poll(5, TimeUnit.SECONDS).payload());
    }

    @Test
    void aFrequencyTheChipCannotLockIsACommandFailureWithTheDeviceError() throws Exception {
        // the driver refuses this itself; the emulator is driven past that check to see the chip's own answer
        EmulatedSx126x chip = chip("pll", Variant.SX1268, 0x02, RfSwitch.DIO2);
        Sx126x d = driver(chip, Sx126xHardware.typicalSx1262().withChip(Sx126xChip.SX1268));
        d.begin();
        d.configure(sf7().frequencyHz(433_175_000L).build());
        long frf = Sx126xCommands.frfFor(868_100_000L);
        chip.transfer(new byte[] {(byte) 0x86, (byte) (frf >> 24), (byte) (frf >> 16), (byte) (frf >> 8), (byte) frf});
        Thread.sleep(1);
        var e = assertThrows(Sx126xException.CommandFailed.class, () -> d.transmit(new byte[] {1}));
        assertTrue(e.getMessage().contains("SetTx") && e.getMessage().contains("PLL did not lock"), e.getMessage());
        chips.remove(chip); // image calibration no longer covers the forced frequency
    }
}
