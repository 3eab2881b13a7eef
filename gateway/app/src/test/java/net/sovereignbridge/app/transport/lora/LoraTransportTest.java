package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.Sx127x;
import net.sovereignbridge.drivers.sx127x.TimeOnAir;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LoRa transport over the driver over emulated SX1276 chips; air time runs 5x faster than the wall clock. */
class LoraTransportTest {
    private static final double SPEEDUP = 5;
    private ScaledAirClock clock;
    private SimulatedAir air;
    private final List<LoraTransport> transports = new ArrayList<>();
    private final List<Sx127x> radios = new ArrayList<>();

    static final LoRaSettings SF7_G3 = LoRaSettings.builder().frequencyHz(869_525_000L).spreadingFactor(7).build();
    static final LoRaSettings SF7_G2 = LoRaSettings.builder().frequencyHz(868_950_000L).spreadingFactor(7).build();

    record Received(Endpoint from, byte[] frame, LinkQuality quality) {}

    static final class Recorder implements TransportListener {
        final LinkedBlockingQueue<Received> frames = new LinkedBlockingQueue<>();
        final List<Neighbour> neighboursUp = new ArrayList<>();
        final List<TransportState> states = new ArrayList<>();

        @Override
        public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality quality) {
            frames.add(new Received(from, frame, quality));
        }

        @Override
        public synchronized void onStateChanged(Transport t, TransportState state, String reason) {
            states.add(state);
        }

        @Override
        public synchronized void onNeighbour(Transport t, Neighbour n, boolean up) {
            if (up) neighboursUp.add(n);
        }
    }

    @BeforeEach
    void setUp() {
        clock = new ScaledAirClock(SPEEDUP);
        air = new SimulatedAir(clock, 11);
    }

    @AfterEach
    void tearDown() {
        transports.forEach(LoraTransport::stop);
        radios.forEach(Sx127x::close);
        clock.close();
    }

    private Sx127x radio(String name) throws Exception {
        EmulatedSx127x chip = air.newRadio(name);
        Sx127x r = new Sx127x(RadioBus.of(chip, chip.dio0(), chip.resetPin(), null), Duration.ofMillis(20), name);
        r.begin();
        radios.add(r);
        return r;
    }

    private LoraTransport transport(String name, int linkId, LoRaSettings settings, Region.SubBand band,
                                    LoraTransport.Options options, Recorder recorder) throws Exception {
        LoraTransport.TimeSource airTime = ScaledAirTime.of(clock, SPEEDUP);
        LoraTransport t = new LoraTransport(name, radio(name), settings, band, linkId,
                options.withRandomSeed(linkId), airTime);
        transports.add(t);
        t.start(recorder);
        return t;
    }

    private static Region.SubBand g3() {
        return Region.EU868.subBands().get(2);
    }

    @Test
    void framesTravelBetweenTwoTransportsAndNeighboursAppear() throws Exception {
        Recorder ra = new Recorder(), rb = new Recorder();
        LoraTransport a = transport("lora-a", 0x0A0A, SF7_G3, g3(), LoraTransport.Options.defaults(), ra);
        LoraTransport b = transport("lora-b", 0x0B0B, SF7_G3, g3(), LoraTransport.Options.defaults(), rb);
        assertEquals(TransportState.ACTIVE, a.state());
        assertEquals(252, a.profile().mtu());
        assertTrue(a.profile().airtimeGoverned());

        byte[] big = new byte[252];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        a.send(Endpoint.broadcast("lora-a"), big);
        Received got = rb.frames.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        assertArrayEquals(big, got.frame());
        assertEquals(new Endpoint("lora-b", "0a0a"), got.from());
        assertEquals(-60, got.quality().rssiDbm(), 0.5);
        b.send(got.from(), new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, ra.frames.poll(5, TimeUnit.SECONDS).frame());
        assertEquals(List.of(new Endpoint("lora-b", "0a0a")), b.neighbours().stream().map(Neighbour::endpoint).toList());
        assertEquals(1, rb.neighboursUp.size());

        assertThrows(TransportException.class, () -> a.send(Endpoint.broadcast("lora-a"), new byte[253]));
        assertThrows(TransportException.class, () -> a.send(Endpoint.broadcast("other"), new byte[1]));
        long expected = TimeOnAir.nanos(SF7_G3, 255) + TimeOnAir.nanos(SF7_G3, 3 + LoraTransport.HEADER_BYTES);
        assertEquals(TimeOnAir.nanos(SF7_G3, 255), a.status().airtime().usedNanos());
        assertEquals(expected, a.status().airtime().usedNanos() + b.status().airtime().usedNanos());
    }

    @Test
    void governorHoldsTheBudgetUnderAFlood() throws Exception {
        Region.SubBand g2 = Region.EU868.subBands().get(1); // 0.1 %: 3.6 s per hour
        Recorder ra = new Recorder(), rb = new Recorder();
        LoraTransport a = transport("lora-a", 1, SF7_G2, g2, LoraTransport.Options.defaults(), ra);
        transport("lora-b", 2, SF7_G2, g2, LoraTransport.Options.defaults(), rb);
        long frameAirtime = TimeOnAir.nanos(SF7_G2, 255); // 399.616 ms
        int fits = (int) (g2.hourlyBudgetNanos() / frameAirtime); // 9
        for (int i = 0; i < 20; i++) a.send(Endpoint.broadcast("lora-a"), new byte[252]);
        for (int i = 0; i < fits; i++) assertNotNull(rb.frames.poll(5, TimeUnit.SECONDS), "frame " + i);
        // a further 3 full frames' worth of air time passes: nothing more may go on air
        Thread.sleep((long) (3 * frameAirtime / 1e6 / SPEEDUP) + 200);
        assertEquals(fits, air.framesSent());
        assertTrue(air.airtimeNanos() <= g2.hourlyBudgetNanos(), air.airtimeNanos() + " ns");
        LoraTransport.Status s = a.status();
        assertEquals(20 - fits, s.localQueued(), "the rest waits in the queue");
        assertEquals(fits * frameAirtime, s.airtime().usedNanos());
        assertEquals(3_600_000_000L, s.airtime().budgetNanos());
        assertTrue(s.budgetWaits() > 0);
        var fields = a.statusFields();
        assertEquals("EU868 g2", fields.get("subBand"), fields.toString());
        assertEquals(3600L, fields.get("budgetMs"), fields.toString());
        assertEquals(fits * frameAirtime / 1_000_000L, fields.get("airtimeLastHourMs"), fields.toString());
        assertEquals(3596L, fields.get("airtimeLastHourMs"), "3596.544 ms in whole milliseconds");
        assertEquals(11L, fields.get("queuedLocal"), fields.toString());
    }

    @Test
    void internetTrafficIsCappedWhileLocalTrafficFlows() throws Exception {
        Region.SubBand g2 = Region.EU868.subBands().get(1); // 3.6 s per hour, internet share 25 %: 0.9 s
        Recorder ra = new Recorder(), rb = new Recorder();
        LoraTransport a = transport("lora-a", 1, SF7_G2, g2, LoraTransport.Options.defaults().withInternetShare(0.25), ra);
        transport("lora-b", 2, SF7_G2, g2, LoraTransport.Options.defaults(), rb);
        for (int i = 0; i < 10; i++) a.send(Endpoint.broadcast("lora-a"), new byte[252], TrafficOrigin.INTERNET);
        for (int i = 0; i < 4; i++) a.send(Endpoint.broadcast("lora-a"), new byte[252], TrafficOrigin.LOCAL);
        // 2 internet frames (0.8 s of 0.9 s) and all 4 local ones
        for (int i = 0; i < 6; i++) assertNotNull(rb.frames.poll(5, TimeUnit.SECONDS), "frame " + i);
        Thread.sleep(300);
        assertEquals(6, air.framesSent());
        LoraTransport.Status s = a.status();
        assertEquals(8, s.internetQueued());
        assertEquals(0, s.localQueued());
        assertEquals(2 * TimeOnAir.nanos(SF7_G2, 255), s.airtime().internetUsedNanos());
        assertEquals(900_000_000L, s.airtime().internetBudgetNanos());
    }

    @Test
    void listenBeforeTalkWaitsForABusyChannel() throws Exception {
        Recorder ra = new Recorder(), rb = new Recorder();
        // patient LBT (20 CAD attempts) so that the test does not depend on the random backoff draws
        LoraTransport.Options patient = new LoraTransport.Options(64, 0.25, true, 20, TimeUnit.HOURS.toNanos(1), 1);
        LoraTransport a = transport("lora-a", 1, SF7_G3, g3(), patient, ra);
        LoraTransport b = transport("lora-b", 2, SF7_G3, g3(), LoraTransport.Options.defaults(), rb);
        // a foreign transmitter (no link header) with a long preamble: 2000 symbols, about 2 s of air time (200 ms
        // of wall time, margin for a loaded machine to get the CAD in while the preamble is on the air)
        Sx127x jammer = radio("jammer");
        jammer.configure(SF7_G3.toBuilder().preambleLength(2000).build());
        long before = air.framesSent();
        Thread t = new Thread(() -> {
            try {
                jammer.transmit(new byte[] {0x00});
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        t.start();
        EmulatedSx127xWait.untilTransmitting(air, "jammer", before);
        a.send(Endpoint.broadcast("lora-a"), "after you".getBytes());
        Received got = rb.frames.poll(10, TimeUnit.SECONDS);
        t.join();
        assertNotNull(got, "our frame did not collide with the foreign one");
        assertArrayEquals("after you".getBytes(), got.frame());
        assertTrue(a.status().channelBusy() >= 1, "CAD found the channel busy at least once");
        assertEquals(1, b.status().foreignPackets(), "the foreign packet was heard (no collision) and dropped");
        assertFalse(rb.frames.stream().anyMatch(r -> r.frame().length == 1));
    }

    /** The hex vector of docs/lora-link.md, as a plain SX127x receiver (no transport) sees the packet. */
    @Test
    void linkFrameLayoutMatchesTheDocumentedVector() throws Exception {
        Sx127x raw = radio("raw");
        raw.configure(SF7_G3);
        LinkedBlockingQueue<byte[]> packets = new LinkedBlockingQueue<>();
        raw.startReceiving(p -> packets.add(p.payload()));
        LoraTransport a = transport("lora-a", 0x0A0A, SF7_G3, g3(), LoraTransport.Options.defaults(), new Recorder());
        a.send(Endpoint.broadcast("lora-a"), "hi".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] p = packets.poll(5, TimeUnit.SECONDS);
        assertNotNull(p);
        assertEquals("510a0a6869", java.util.HexFormat.of().formatHex(p));
    }
}
