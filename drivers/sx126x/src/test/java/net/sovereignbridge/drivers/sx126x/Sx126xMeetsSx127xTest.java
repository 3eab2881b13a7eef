package net.sovereignbridge.drivers.sx126x;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import net.sovereignbridge.drivers.sx126x.emulator.EmulatedSx126x;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.CodingRate;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import net.sovereignbridge.drivers.sx127x.Sx127x;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An SX1262 (command-level emulator, our SX126x driver) and an SX1276 (register-level emulator, our SX127x driver)
 * on one simulated air: they hear each other exactly when frequency, bandwidth, spreading factor, sync word
 * (SX127x 0x12 = SX126x 0x1424) and header mode agree, and, with an implicit header, coding rate and length too.
 * Preamble lengths need not agree (a receiver locks on any preamble it is listening for 4 symbols of), nor do
 * coding rates with an explicit header (the header carries it).
 */
class Sx126xMeetsSx127xTest {
    private static final Duration POLL = Duration.ofMillis(20);
    private ScaledAirClock clock;
    private SimulatedAir air;
    private Sx126x sx1262;
    private Sx127x sx1276;
    private EmulatedSx126x chip1262;
    private final LinkedBlockingQueue<ReceivedPacket> heardBy1262 = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<ReceivedPacket> heardBy1276 = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        clock = new ScaledAirClock(1);
        air = new SimulatedAir(clock, 3);
        chip1262 = EmulatedSx126x.sx1262(air, "sx1262");
        EmulatedSx127x chip1276 = air.newRadio("sx1276");
        sx1262 = new Sx126x(Sx126xBus.of(chip1262, chip1262.busy(), chip1262.dio1(), chip1262.resetPin(), null, null,
                null), Sx126xHardware.typicalSx1262(), POLL, "sx1262");
        sx1276 = new Sx127x(RadioBus.of(chip1276, chip1276.dio0(), chip1276.resetPin(), null), POLL, "sx1276");
        sx1262.begin();
        sx1276.begin();
    }

    @AfterEach
    void tearDown() {
        sx1262.close();
        sx1276.close();
        clock.close();
        assertEquals(List.of(), chip1262.protocolViolations());
    }

    private record Common(long hz, int sf, Bandwidth bw, CodingRate cr, int preamble, int sync, boolean implicit,
                          int length) {
        static Common meshtasticLongFast() {
            return new Common(869_525_000L, 11, Bandwidth.BW_250, CodingRate.CR_4_5, 16, 0x2B, false, 255);
        }

        Common sf(int v) { return new Common(hz, v, bw, cr, preamble, sync, implicit, length); }
        Common bw(Bandwidth v) { return new Common(hz, sf, v, cr, preamble, sync, implicit, length); }
        Common hz(long v) { return new Common(v, sf, bw, cr, preamble, sync, implicit, length); }
        Common sync(int v) { return new Common(hz, sf, bw, cr, preamble, v, implicit, length); }
        Common preamble(int v) { return new Common(hz, sf, bw, cr, v, sync, implicit, length); }
        Common cr(CodingRate v) { return new Common(hz, sf, bw, v, preamble, sync, implicit, length); }
        Common implicit(int len) { return new Common(hz, sf, bw, cr, preamble, sync, true, len); }

        Sx126xSettings sx126x() {
            return Sx126xSettings.builder().frequencyHz(hz).spreadingFactor(sf).bandwidth(bw).codingRate(cr)
                    .preambleLength(preamble).syncWord(sync).implicitHeader(implicit).implicitPayloadLength(length)
                    .build();
        }

        LoRaSettings sx127x() {
            return LoRaSettings.builder().frequencyHz(hz).spreadingFactor(sf).bandwidth(bw).codingRate(cr)
                    .preambleLength(preamble).syncWord(sync).implicitHeader(implicit).implicitPayloadLength(length)
                    .build();
        }
    }

    private void configure(Common for1262, Common for1276) throws Exception {
        sx1262.configure(for1262.sx126x());
        sx1276.configure(for1276.sx127x());
        sx1262.startReceiving(heardBy1262::add);
        sx1276.startReceiving(heardBy1276::add);
    }

    /** Sends one packet each way; returns {1262 heard 1276, 1276 heard 1262}. */
    private boolean[] exchange(byte[] from1262, byte[] from1276, long waitMillis) throws Exception {
        sx1262.transmit(from1262);
        ReceivedPacket at1276 = heardBy1276.poll(waitMillis, TimeUnit.MILLISECONDS);
        sx1276.transmit(from1276);
        ReceivedPacket at1262 = heardBy1262.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (at1276 != null) assertArrayEquals(from1262, at1276.payload());
        if (at1262 != null) assertArrayEquals(from1276, at1262.payload());
        return new boolean[] {at1262 != null, at1276 != null};
    }

    @Test
    void meshtasticLongFastBothWays() throws Exception {
        Common c = Common.meshtasticLongFast();
        configure(c, c);
        boolean[] heard = exchange("from the SX1262".getBytes(), "from the SX1276".getBytes(), 3000);
        assertEquals(true, heard[0], "SX1262 heard the SX1276");
        assertEquals(true, heard[1], "SX1276 heard the SX1262");
    }

    @Test
    void privateSyncWordAtSf7AndImplicitHeaders() throws Exception {
        Common c = new Common(868_100_000L, 7, Bandwidth.BW_125, CodingRate.CR_4_7, 8, 0x12, false, 255);
        configure(c, c);
        boolean[] heard = exchange(new byte[] {1, 2}, new byte[] {3, 4}, 1000);
        assertEquals(true, heard[0] && heard[1]);
        Common implicit = c.sf(7).bw(Bandwidth.BW_500).implicit(6);
        sx1262.configure(implicit.sx126x());
        sx1276.configure(implicit.sx127x());
        heard = exchange(new byte[] {1, 2, 3, 4, 5, 6}, new byte[] {6, 5, 4, 3, 2, 1}, 1000);
        assertEquals(true, heard[0] && heard[1]);
    }

    @Test
    void explicitHeadersCarryTheCodingRateSoItMayDiffer() throws Exception {
        Common c = new Common(868_100_000L, 7, Bandwidth.BW_125, CodingRate.CR_4_5, 8, 0x12, false, 255);
        configure(c, c.cr(CodingRate.CR_4_8));
        boolean[] heard = exchange(new byte[] {1}, new byte[] {2}, 1000);
        assertEquals(true, heard[0] && heard[1],
                "the explicit header carries the coding rate (SX1276 datasheet, LoRa packet structure)");
    }

    @Test
    void noMatchNoReception() throws Exception {
        Common base = new Common(868_100_000L, 7, Bandwidth.BW_125, CodingRate.CR_4_5, 8, 0x12, false, 255);
        List<UnaryOperator<Common>> mismatches = List.of(
                c -> c.hz(868_300_000L),
                c -> c.sf(8),
                c -> c.bw(Bandwidth.BW_250),
                c -> c.sync(0x34),
                c -> c.implicit(4));
        for (UnaryOperator<Common> m : mismatches) {
            Common other = m.apply(base);
            sx1262.configure(base.sx126x());
            sx1276.configure(other.sx127x());
            sx1262.startReceiving(heardBy1262::add);
            sx1276.startReceiving(heardBy1276::add);
            byte[] four = {1, 2, 3, 4};
            boolean[] heard = exchange(four, four, 300);
            assertEquals(false, heard[0] || heard[1], "heard across " + other + " vs " + base);
        }
        // implicit headers that disagree on the coding rate garble the payload: CRC error, nothing delivered
        Common implicit = base.implicit(4);
        sx1262.configure(implicit.sx126x());
        sx1276.configure(implicit.cr(CodingRate.CR_4_8).sx127x());
        boolean[] heard = exchange(new byte[] {1, 2, 3, 4}, new byte[] {1, 2, 3, 4}, 300);
        assertEquals(false, heard[0] || heard[1]);
        assertEquals(1, sx1262.statistics().crcErrors());
        assertEquals(1, sx1276.statistics().crcErrors());
    }

    @Test
    void preambleLengthsNeedNotAgree() throws Exception {
        Common c = new Common(868_100_000L, 7, Bandwidth.BW_125, CodingRate.CR_4_5, 8, 0x12, false, 255);
        configure(c.preamble(16), c.preamble(8));
        sx1262.transmit(new byte[] {1});
        assertNotNull(heardBy1276.poll(1000, TimeUnit.MILLISECONDS), "SX1276 set to 8 hears a 16-symbol preamble");
        sx1276.transmit(new byte[] {2});
        assertNotNull(heardBy1262.poll(1000, TimeUnit.MILLISECONDS), "SX1262 set to 16 hears an 8-symbol one");
        assertNull(heardBy1262.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void bothChipsAgreeOnTimeOnAir() {
        LoRaSettings a = Common.meshtasticLongFast().sx127x();
        Sx126xSettings b = Common.meshtasticLongFast().sx126x();
        for (int len : new int[] {1, 20, 100, 255}) {
            assertEquals(net.sovereignbridge.drivers.sx127x.TimeOnAir.nanos(a, len), Sx126xTimeOnAir.nanos(b, len));
        }
    }
}
