package net.sovereignbridge.app.meshtastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.app.transport.lora.Sx126xRadio;
import net.sovereignbridge.drivers.meshtastic.Channel;
import net.sovereignbridge.drivers.meshtastic.MeshtasticPeer;
import net.sovereignbridge.drivers.meshtastic.MeshtasticRegion;
import net.sovereignbridge.drivers.meshtastic.ModemPreset;
import net.sovereignbridge.drivers.meshtastic.PacketHeader;
import net.sovereignbridge.drivers.sx126x.Sx126x;
import net.sovereignbridge.drivers.sx126x.Sx126xBus;
import net.sovereignbridge.drivers.sx126x.Sx126xHardware;
import net.sovereignbridge.drivers.sx126x.Sx126xSettings;
import net.sovereignbridge.drivers.sx126x.emulator.EmulatedSx126x;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.CodingRate;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our Meshtastic link on an emulated SX1262 on LongFast EU_868, and a Meshtastic node on a second emulated SX1262
 * whose every frame is built and read by Meshtastic's own protobufs and Node's AES-CTR (the peer of
 * drivers/meshtastic's interop tests): texts, node info and positions heard and bridged, our texts and NodeInfo
 * decoded by them, OK_TO_MQTT, replays, foreign channels, truncated frames, the hop-limit cap, the airtime budget.
 */
class MeshtasticLinkTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int OURS = 0x5B0B0001;
    private static final int THEIRS = 0x12345678;
    private static final Channel LONG_FAST = Channel.defaultChannel();
    private static MeshtasticPeer peer;

    private record Heard(Channel channel, int from, String text, boolean direct) {}

    private ScaledAirClock clock;
    private SimulatedAir air;
    private final List<EmulatedSx126x> chips = new ArrayList<>();
    private MeshtasticLink link;
    private Sx126xRadio node;
    private final LinkedBlockingQueue<Heard> bridged = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<byte[]> nodeHears = new LinkedBlockingQueue<>();
    private final AtomicLong governorClock = new AtomicLong(1_000_000_000L);

    @BeforeAll
    static void startPeer() throws Exception {
        // drivers/meshtastic/src/test/js/meshtastic-peer: @meshtastic/protobufs and Node's AES-CTR.
        peer = MeshtasticPeer.start(Path.of("../../drivers/meshtastic/src/test/js/meshtastic-peer"));
    }

    @AfterAll
    static void stopPeer() {
        if (peer != null) peer.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        clock = new ScaledAirClock(1);
        air = new SimulatedAir(clock, 5);
    }

    private void startLink(int maxRelayHopLimit, double internetShare) throws Exception {
        link = new MeshtasticLink(radio("ours"), new MeshtasticLink.Settings(OURS, "Sovereign Bridge", "SB",
                MeshtasticRegion.EU_868, List.of(LONG_FAST), 3, maxRelayHopLimit, internetShare),
                (ch, from, text, direct) -> bridged.add(new Heard(ch, from, text, direct)), governorClock::get);
        link.start();
        node = radio("meshtastic node");
        node.configure();
        node.startReceiving((ReceivedPacket p) -> nodeHears.add(p.payload()));
    }

    private Sx126xRadio radio(String name) throws Exception {
        EmulatedSx126x chip = EmulatedSx126x.sx1262(air, name);
        chips.add(chip);
        Sx126x driver = new Sx126x(Sx126xBus.of(chip, chip.busy(), chip.dio1(), chip.resetPin(), null, null, null),
                Sx126xHardware.typicalSx1262(), Duration.ofMillis(20), name);
        driver.begin();
        long hz = MeshtasticRegion.EU_868.frequencyHz(ModemPreset.LONG_FAST, "LongFast");
        return new Sx126xRadio(driver, Sx126xSettings.builder().frequencyHz(hz).spreadingFactor(11)
                .bandwidth(Bandwidth.BW_250).codingRate(CodingRate.CR_4_5).preambleLength(ModemPreset.PREAMBLE)
                .syncWord(ModemPreset.SYNC_WORD).build());
    }

    @AfterEach
    void tearDown() {
        if (link != null) link.close();
        if (node != null) node.close();
        clock.close();
        for (EmulatedSx126x c : chips) assertEquals(List.of(), c.protocolViolations());
    }

    private byte[] theirText(int to, int id, int hopLimit, String text, int bitfield) throws IOException {
        return HEX.parseHex(peer.call("encode", args("to", Integer.toUnsignedString(to), "from",
                Integer.toUnsignedString(THEIRS), "id", id, "flags", hopLimit | hopLimit << 5, "channel",
                LONG_FAST.hash(), "key", HEX.formatHex(LONG_FAST.key()), "port", 1, "text",
                HEX.formatHex(text.getBytes(StandardCharsets.UTF_8)), "bitfield", bitfield)).get("frame"));
    }

    private static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private Heard nextBridged() throws InterruptedException {
        Heard h = bridged.poll(10, TimeUnit.SECONDS);
        assertNotNull(h, "nothing bridged");
        return h;
    }

    private void awaitReceived(long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (link.counter("received") < n && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(n, link.counter("received"), "frames the link heard");
    }

    @Test
    void theirTextBroadcastReachesTheTopicSideAndOursReachesThem() throws Exception {
        startLink(0, 0.5);
        node.transmit(theirText(PacketHeader.BROADCAST, 1001, 3, "hello from the hill", 1));
        assertEquals(new Heard(LONG_FAST, THEIRS, "hello from the hill", false), nextBridged());

        assertInstanceOf(MeshtasticLink.Sent.class, link.sendText("hello from the bridge", TrafficOrigin.INTERNET));
        byte[] frame = nodeHears.poll(10, TimeUnit.SECONDS);
        assertNotNull(frame, "the Meshtastic node heard nothing");
        Map<String, String> r = peer.call("decode", args("frame", HEX.formatHex(frame), "key",
                HEX.formatHex(LONG_FAST.key())));
        assertEquals(Integer.toUnsignedString(OURS), r.get("from"));
        assertEquals(Integer.toUnsignedString(PacketHeader.BROADCAST), r.get("to"));
        assertEquals("1", r.get("portnum"));
        assertEquals("hello from the bridge", new String(HEX.parseHex(r.get("text")), StandardCharsets.UTF_8));
        assertEquals("1", r.get("bitfield"), "OK_TO_MQTT set on what we send");
        assertEquals(3, Integer.parseInt(r.get("flags")) & 7, "hop limit 3");
    }

    @Test
    void ourNodeInfoIsReadByTheirDefinitionsAndTheirsIsKept() throws Exception {
        startLink(0, 0.5);
        assertInstanceOf(MeshtasticLink.Sent.class, link.sendNodeInfo());
        byte[] frame = nodeHears.poll(10, TimeUnit.SECONDS);
        assertNotNull(frame);
        Map<String, String> r = peer.call("decode", args("frame", HEX.formatHex(frame), "key",
                HEX.formatHex(LONG_FAST.key())));
        assertEquals("4", r.get("portnum"));
        assertEquals(PacketHeader.nodeId(OURS), new String(HEX.parseHex(r.get("uid")), StandardCharsets.UTF_8));
        assertEquals("Sovereign Bridge", new String(HEX.parseHex(r.get("long")), StandardCharsets.UTF_8));

        node.transmit(HEX.parseHex(peer.call("encode", args("to", Integer.toUnsignedString(PacketHeader.BROADCAST),
                "from", Integer.toUnsignedString(THEIRS), "id", 7, "flags", 3, "channel", LONG_FAST.hash(), "key",
                HEX.formatHex(LONG_FAST.key()), "port", 4, "uid", HEX.formatHex("!12345678".getBytes()), "long",
                HEX.formatHex("Hiker".getBytes()), "short", HEX.formatHex("HK".getBytes()), "hw", 43, "role", 0, "pubkey", "")).get("frame")));
        node.transmit(HEX.parseHex(peer.call("encode", args("to", Integer.toUnsignedString(PacketHeader.BROADCAST),
                "from", Integer.toUnsignedString(THEIRS), "id", 8, "flags", 3, "channel", LONG_FAST.hash(), "key",
                HEX.formatHex(LONG_FAST.key()), "port", 3, "lat", 525200080, "lon", 134049540, "alt", 34, "time", 1750000000, "precision", 32, "sats", 7))
                .get("frame")));
        awaitReceived(2);
        assertEquals("Hiker", link.node(THEIRS).longName());
        assertEquals(52.520008, link.position(THEIRS).latitude(), 1e-7);
        assertTrue(bridged.isEmpty(), "node info and positions are not texts");
    }

    @Test
    void directMessagesAreMarkedAndTextsWithoutOkToMqttStayOffTheTopicSide() throws Exception {
        startLink(0, 0.5);
        node.transmit(theirText(PacketHeader.BROADCAST, 2001, 3, "not for the internet", 0));
        node.transmit(theirText(OURS, 2002, 3, "psst, bridge", 0));
        assertEquals(new Heard(LONG_FAST, THEIRS, "psst, bridge", true), nextBridged());
        assertEquals(1, link.counter("notOkToMqtt"));
        assertTrue(bridged.isEmpty());
    }

    @Test
    void hostileFramesAreCountedAndDropped() throws Exception {
        startLink(0, 0.5);
        byte[] good = theirText(PacketHeader.BROADCAST, 3001, 3, "once", 1);
        node.transmit(good);
        node.transmit(good); // replayed (from, id)
        byte[] foreign = HEX.parseHex(peer.call("encode", args("to", Integer.toUnsignedString(PacketHeader.BROADCAST),
                "from", Integer.toUnsignedString(THEIRS), "id", 3002, "flags", 3, "channel", 0x55, "key",
                HEX.formatHex(LONG_FAST.key()), "port", 1, "text", HEX.formatHex("other".getBytes()), "bitfield", 1))
                .get("frame"));
        node.transmit(foreign);
        node.transmit(java.util.Arrays.copyOf(good, 10)); // shorter than the 16-byte header
        awaitReceived(4);
        assertEquals(new Heard(LONG_FAST, THEIRS, "once", false), nextBridged());
        assertEquals(1, link.counter("duplicate"));
        assertEquals(2, link.counter("rejected"));
        assertTrue(bridged.isEmpty());
    }

    @Test
    void aHopLimitSevenFloodIsRelayedOnceWithTheCappedHopLimit() throws Exception {
        startLink(2, 0.5);
        node.transmit(theirText(PacketHeader.BROADCAST, 4001, 7, "flood", 1));
        byte[] relayed = nodeHears.poll(10, TimeUnit.SECONDS);
        assertNotNull(relayed, "no relay");
        Map<String, String> r = peer.call("decode", args("frame", HEX.formatHex(relayed), "key",
                HEX.formatHex(LONG_FAST.key())));
        assertEquals("4001", r.get("id"));
        assertEquals(2, Integer.parseInt(r.get("flags")) & 7, "hop limit capped at 2");
        assertEquals(String.valueOf(OURS & 0xFF), r.get("relayNode"));
        assertEquals("flood", new String(HEX.parseHex(r.get("text")), StandardCharsets.UTF_8));
        node.transmit(relayed); // another relay's copy: a duplicate, not relayed again
        awaitReceived(2);
        assertEquals(1, link.counter("relayed"));
        assertEquals(1, link.counter("duplicate"));
        assertNull(nodeHears.poll(1, TimeUnit.SECONDS), "relayed once only");
    }

    @Test
    void internetTrafficGetsOnlyItsShareOfHalfTheDutyCycle() throws Exception {
        // EU_868: Meshtastic allows 10 %, we take half: 180 s of the hour. An internet share that fits one text.
        Sx126xRadio probe = radio("probe");
        long oneText = probe.timeOnAirNanos(40);
        probe.close();
        startLink(0, 1.5 * oneText / 180e9);
        assertEquals(180_000_000_000L, link.airtime().budgetNanos());
        assertInstanceOf(MeshtasticLink.Sent.class, link.sendText("internet!", TrafficOrigin.INTERNET));
        MeshtasticLink.SendResult second = link.sendText("internet!", TrafficOrigin.INTERNET);
        assertInstanceOf(MeshtasticLink.Deferred.class, second);
        assertInstanceOf(MeshtasticLink.Sent.class, link.sendNodeInfo(), "local traffic still has budget");
        governorClock.addAndGet(3_610_000_000_000L); // an hour and ten seconds: past the window and the last airtime
        assertInstanceOf(MeshtasticLink.Sent.class, link.sendText("internet!", TrafficOrigin.INTERNET),
                "an hour later the share is free again");
        assertInstanceOf(MeshtasticLink.Refused.class, link.sendText("x".repeat(300), TrafficOrigin.INTERNET));
    }

    @Test
    void aBusyChannelHoldsBackOptionalTrafficFromTwentyFiveAndEverythingFromFortyPercent() throws Exception {
        startLink(0, 0.5);
        long frame = link.timeOnAirNanos(255); // SF11 at 250 kHz: about 2.2 s
        java.util.Random garbage = new java.util.Random(7);
        // frames heard count as busy whether they open or not: push the minute past 25 %, below 40 %
        int heard = 0;
        while ((heard + 1) * frame * 100.0 / 60e9 < 33) {
            byte[] b = new byte[255];
            garbage.nextBytes(b);
            link.onFrame(new ReceivedPacket(b, -90, 4, true));
            heard++;
        }
        assertTrue(link.channelUtilisationPercent() >= 25 && link.channelUtilisationPercent() < 40,
                link.channelUtilisationPercent() + " %");
        MeshtasticLink.SendResult internet = link.sendText("from the internet", TrafficOrigin.INTERNET);
        MeshtasticLink.ChannelBusy busy = assertInstanceOf(MeshtasticLink.ChannelBusy.class, internet);
        assertTrue(busy.waitNanos() > 0 && busy.waitNanos() <= 60_000_000_000L, busy.toString());
        assertInstanceOf(MeshtasticLink.ChannelBusy.class, link.sendNodeInfo(), "NodeInfo is optional traffic");
        assertInstanceOf(MeshtasticLink.Sent.class, link.sendText("from the mesh", TrafficOrigin.LOCAL),
                "below 40 % the mesh's own line goes");
        while (link.channelUtilisationPercent() < 40) {
            byte[] b = new byte[255];
            garbage.nextBytes(b);
            link.onFrame(new ReceivedPacket(b, -90, 4, true));
        }
        assertInstanceOf(MeshtasticLink.ChannelBusy.class, link.sendText("from the mesh", TrafficOrigin.LOCAL),
                "from 40 % nothing goes");
        assertEquals(3, link.counter("channelBusy"));
        governorClock.addAndGet(61_000_000_000L); // the busy minute has rolled out
        assertInstanceOf(MeshtasticLink.Sent.class, link.sendText("from the internet", TrafficOrigin.INTERNET));
    }
}
