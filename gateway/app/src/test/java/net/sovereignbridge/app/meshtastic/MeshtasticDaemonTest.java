package net.sovereignbridge.app.meshtastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.control.ControlClient;
import net.sovereignbridge.app.services.LocalTools;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.app.transport.lora.LoraBringUp;
import net.sovereignbridge.app.transport.lora.ScaledAirTime;
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
import net.sovereignbridge.drivers.sx126x.pi4j.Sx126xWiring;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.CodingRate;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.drivers.sx127x.pi4j.SpiWiring;
import net.sovereignbridge.mesh.store.Inbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A whole gateway ("alpha") with a {@code {type: meshtastic}} transport on the bundled RAK6421/RAK13300 board, its
 * SX1262 emulated at command level on a simulated air; beside it, on the same air, a Meshtastic node (a second
 * emulated SX1262) whose frames are built and read by Meshtastic's own protobufs (@meshtastic/protobufs) and Node's
 * AES-CTR. Alpha is bridged to a real Mosquitto and to a second gateway ("bravo") over LAN, the mesh address its
 * Meshtastic DMs go to. Devices are mosquitto_pub and mosquitto_sub.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// one daemon for all: the test that spends the internet share runs last, after the MQTT downlink that needs some
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshtasticDaemonTest {
    private static final double SPEEDUP = 4;
    private static final HexFormat HEX = HexFormat.of();
    private static final int OURS = 0x5B0B0001;
    private static final int THEIRS = 0x12345678;
    private static final Channel LONG_FAST = Channel.defaultChannel();
    private static final String TOPIC = "meshtastic.LongFast";

    private final ScaledAirClock clock = new ScaledAirClock(SPEEDUP);
    private final SimulatedAir air = new SimulatedAir(clock, 17);
    private final LinkedBlockingQueue<byte[]> nodeHears = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Inbox.Message> atBravo = new LinkedBlockingQueue<>();
    private MeshtasticPeer peer;
    private Path dir;
    private LocalTools.Mosquitto broker;
    private Gateway alpha;
    private Gateway bravo;
    private Sx126xRadio node;
    private long oneText;

    @BeforeAll
    void start() throws Exception {
        peer = MeshtasticPeer.start(Path.of("../../drivers/meshtastic/src/test/js/meshtastic-peer"));
        dir = Files.createTempDirectory("sbridge-meshtastic");
        broker = new LocalTools.Mosquitto(dir.resolve("broker"));
        node = radio(EmulatedSx126x.sx1262(air, "meshtastic node"), "meshtastic node");
        node.configure();
        node.startReceiving((ReceivedPacket p) -> nodeHears.add(p.payload()));
        oneText = node.timeOnAirNanos(16 + 6 + 40); // header, Data framing, a 40-byte line
        int lanA = LocalTools.freeUdpPort();
        int lanB = LocalTools.freeUdpPort();
        bravo = Gateway.start(config("bravo", lanB, lanA, "", null));
        bravo.node().addDeliveryListener(atBravo::add);
        // the internet share fits two 40-byte lines in the hour: the third waits
        double share = 2.5 * oneText / 180e9;
        alpha = Gateway.start(config("alpha", lanA, lanB, "coap:\n  port: 0\n  bind: [127.0.0.1]\nmqtt:\n  broker: "
                + broker.uri() + "\n"
                + "transports:\n  - {type: meshtastic, id: mesh0, board: rak6421-rak13300-slot1, region: EU_868, "
                + "node-number: '!5b0b0001', long-name: Sovereign Bridge alpha, dm-to: "
                + bravo.identity().address().toHex() + ", internet-share: " + share + ", mqtt-broker: '" + broker.uri()
                + "', mqtt-downlink: true}\n",
                EmulatedSx126x.sx1262(air, "rak13300")));
        LocalTools.awaitLanPair(alpha, bravo);
        LocalTools.await("alpha's MQTT bridge to connect", 20, () -> alpha.services().mqtt().connected());
    }

    private GatewayConfig config(String name, int lanPort, int peerPort, String more, EmulatedSx126x chip)
            throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\n"
                + "lan:\n  bind: 127.0.0.1\n  port: " + lanPort + "\n  discovery: false\n  interfaces: [lo]\n"
                + "  peers: [\"127.0.0.1:" + peerPort + "\"]\np2p:\n  enabled: false\n"
                + (more.contains("coap:") ? "" : "coap:\n  enabled: false\n")
                + (more.contains("mqtt:") ? "" : "mqtt:\n  enabled: false\n") + more);
        return GatewayConfig.load(file, dir.resolve(name), null, GatewayConfig.Role.GATEWAY,
                TransportFactories.all(opener(chip), ScaledAirTime.of(clock, SPEEDUP)));
    }

    private static LoraBringUp.BusOpener opener(EmulatedSx126x chip) {
        return new LoraBringUp.BusOpener() {
            @Override
            public LoraBringUp.OpenedBus open(SpiWiring wiring) throws IOException {
                throw new IOException("no SX127x on this test board");
            }

            @Override
            public LoraBringUp.OpenedSx126xBus openSx126x(Sx126xWiring wiring) throws IOException {
                if (chip == null) throw new IOException("no SX126x on this test board");
                return new LoraBringUp.OpenedSx126xBus(Sx126xBus.of(chip, chip.busy(), chip.dio1(), chip.resetPin(),
                        null, null, null), () -> { });
            }
        };
    }

    /** The Meshtastic node's radio: LongFast EU_868, as Meshtastic firmware sets it. */
    private static Sx126xRadio radio(EmulatedSx126x chip, String name) throws Exception {
        Sx126x driver = new Sx126x(Sx126xBus.of(chip, chip.busy(), chip.dio1(), chip.resetPin(), null, null, null),
                Sx126xHardware.typicalSx1262(), Duration.ofMillis(40), name);
        driver.begin();
        long hz = MeshtasticRegion.EU_868.frequencyHz(ModemPreset.LONG_FAST, "LongFast");
        return new Sx126xRadio(driver, Sx126xSettings.builder().frequencyHz(hz).spreadingFactor(11)
                .bandwidth(Bandwidth.BW_250).codingRate(CodingRate.CR_4_5).preambleLength(ModemPreset.PREAMBLE)
                .syncWord(ModemPreset.SYNC_WORD).build());
    }

    @AfterAll
    void stop() throws Exception {
        if (alpha != null) alpha.close();
        if (bravo != null) bravo.close();
        if (node != null) node.close();
        if (broker != null) broker.close();
        if (peer != null) peer.close();
        clock.close();
        if (dir != null) LocalTools.deleteTree(dir);
    }

    private byte[] theirText(int to, int id, String text) throws IOException {
        return theirText(to, id, text, 1);
    }

    private byte[] theirText(int to, int id, String text, int bitfield) throws IOException {
        return HEX.parseHex(peer.call("encode", args("to", Integer.toUnsignedString(to), "from",
                Integer.toUnsignedString(THEIRS), "id", id, "flags", 3 | 3 << 5, "channel", LONG_FAST.hash(), "key",
                HEX.formatHex(LONG_FAST.key()), "port", 1, "text", HEX.formatHex(text.getBytes(StandardCharsets.UTF_8)),
                "bitfield", bitfield)).get("frame"));
    }

    private Map<String, String> decode(byte[] frame) throws IOException {
        return peer.call("decode", args("frame", HEX.formatHex(frame), "key", HEX.formatHex(LONG_FAST.key())));
    }

    private static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** The next frame the Meshtastic node hears that is a text (NodeInfo broadcasts are skipped). */
    private Map<String, String> nextTextHeard(int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            byte[] f = nodeHears.poll(200, TimeUnit.MILLISECONDS);
            if (f == null) continue;
            Map<String, String> r = decode(f);
            if ("1".equals(r.get("portnum"))) return r;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> mesh0() throws Exception {
        // through the control socket, as `sbridge status --json` asks
        Map<String, Object> status = ControlClient.call(alpha.config().stateDir(), Map.of("op", "status"));
        return ((List<Map<String, Object>>) status.get("transports")).stream().filter(t -> "mesh0".equals(t.get("id")))
                .findFirst().orElseThrow(() -> new AssertionError("no mesh0 in " + status));
    }

    @SuppressWarnings("unchecked")
    private long counter(String name) throws Exception {
        return ((Number) ((Map<String, Object>) mesh0().get("meshtastic")).get(name)).longValue();
    }

    @Test
    @Order(1)
    void theDaemonReportsTheChannelAndAnnouncesItsNodeInfo() throws Exception {
        Map<String, Object> t = mesh0();
        assertEquals("meshtastic", t.get("type"));
        assertEquals("RECEIVE_ONLY", t.get("kind"), "the router never sends mesh frames on a Meshtastic channel");
        assertEquals("ACTIVE", t.get("state"));
        assertEquals("!5b0b0001", t.get("nodeNumber"));
        assertEquals("LongFast", t.get("channel"));
        assertEquals(TOPIC, t.get("topic"));
        assertTrue(String.valueOf(t.get("modulation")).startsWith("869.525 MHz SF11"), t.toString());
        assertTrue(String.valueOf(t.get("chip")).startsWith("SX1262"), t.toString());
        assertEquals(180_000L, ((Number) t.get("airtimeBudgetMs")).longValue(), "half of EU_868's 10 %");
        assertTrue(alpha.endpoints().stream().anyMatch(l -> l.startsWith("mesh0 ACTIVE") && l.contains("!5b0b0001")),
                alpha.endpoints().toString());
        // NodeInfo went out at start; the Meshtastic node's definitions read our User
        LocalTools.await("our NodeInfo on air", 20, () -> {
            try {
                return counter("sent") >= 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    @Order(2)
    void aMeshtasticTextReachesTheTopicMosquittoSubAndTheOtherGateway() throws Exception {
        try (LocalTools.Background sub = broker.subscribe("sbridge/topic/" + TOPIC)) {
            node.transmit(theirText(PacketHeader.BROADCAST, 5001, "hello from the hill"));
            String line = sub.awaitLine("the Meshtastic text on MQTT", 30, l -> l.contains("hello from the hill"));
            Map<String, Object> m = Json.parseObject(line.substring(line.indexOf('{')));
            assertEquals("!12345678: hello from the hill", m.get("text"));
            assertEquals(TOPIC, m.get("topic"));
            assertEquals(alpha.identity().address().toHex(), m.get("from"));
            assertEquals("local", m.get("origin"), "heard on a local radio");
        }
        // and on the CoAP side, as coap-client reads the topic's recent messages
        LocalTools.Result recent = LocalTools.coapRequest("-m", "get", LocalTools.coapUri(alpha, "/topics/" + TOPIC));
        assertTrue(recent.out().contains("!12345678: hello from the hill"), recent.toString());
        bravo.node().topics().subscribe(TOPIC);
        nodeHears.clear();
        node.transmit(theirText(PacketHeader.BROADCAST, 5002, "second line"));
        LocalTools.await("the second line on bravo's topic", 30, () -> bravo.node().topics().recent(TOPIC).stream()
                .anyMatch(m -> new String(m.body(), StandardCharsets.UTF_8).equals("!12345678: second line")));
        assertTrue(nodeHears.stream().noneMatch(f -> {
            try {
                Map<String, String> r = decode(f);
                return "1".equals(r.get("portnum")) && new String(HEX.parseHex(r.get("text")), StandardCharsets.UTF_8)
                        .contains("second line");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }), "a bridged Meshtastic text is not put back on air");
    }

    @Test
    @Order(6)
    void aMosquittoPubOnTheTopicGoesOutAsAMeshtasticTextAndTheShareHolds() throws Exception {
        nodeHears.clear();
        assertEquals(0, broker.publish("sbridge/topic/" + TOPIC, "weather at the well: 21 C").exit());
        Map<String, String> r = nextTextHeard(30);
        assertNotNull(r, "the Meshtastic node heard no text");
        assertEquals("weather at the well: 21 C", new String(HEX.parseHex(r.get("text")), StandardCharsets.UTF_8));
        assertEquals(Integer.toUnsignedString(OURS), r.get("from"));
        assertEquals(Integer.toUnsignedString(PacketHeader.BROADCAST), r.get("to"));
        assertEquals("1", r.get("bitfield"), "OK_TO_MQTT");
        // a device's texts are capped at the internet share (about two lines here, whatever other tests spent of it):
        // lines go until one does not fit; that one waits in the queue, not on air
        String waiting = null;
        for (int i = 2; i <= 6 && waiting == null; i++) {
            String line = "device line " + i + " of the afternoon";
            assertEquals(0, broker.publish("sbridge/topic/" + TOPIC, line).exit());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (waiting == null && System.nanoTime() < deadline) {
                if (((Number) mesh0().get("queued")).longValue() == 1 && counter("deferred") > 0) waiting = line;
                else if (!nodeHears.isEmpty() && "1".equals(decode(nodeHears.peek()).get("portnum"))) {
                    nodeHears.poll();
                    break;
                } else {
                    nodeHears.poll(100, TimeUnit.MILLISECONDS);
                }
            }
        }
        assertNotNull(waiting, "six device lines all went on air: the share does not hold");
        Thread.sleep(2000);
        Map<String, Object> t = mesh0();
        assertEquals(1L, ((Number) t.get("queued")).longValue(), t.toString());
        long used = ((Number) t.get("internetAirtimeMs")).longValue();
        long budget = ((Number) t.get("internetBudgetMs")).longValue();
        assertTrue(used <= budget, t.toString());
        long next = node.timeOnAirNanos(16 + 6 + waiting.length()) / 1_000_000;
        assertTrue(used + next + 2 > budget, "the waiting line would have fitted: " + t);
        assertNull(nextTextHeard(2), "nothing beyond the share on air");
    }

    @Test
    @Order(3)
    void aDirectMessageToOurNodeNumberArrivesAtTheConfiguredAddress() throws Exception {
        node.transmit(theirText(OURS, 6001, "psst, bridge: meet at the hut"));
        Inbox.Message m = atBravo.poll(40, TimeUnit.SECONDS);
        assertNotNull(m, "the DM did not reach bravo");
        assertEquals(alpha.identity().address(), m.source());
        assertEquals("!12345678: psst, bridge: meet at the hut", new String(m.body(), StandardCharsets.UTF_8));
        // counted once node.send has returned, which may be after bravo already has it
        LocalTools.await("the DM counted", 10, () -> {
            try {
                return counter("toDm") == 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    @Order(4)
    void heardPacketsGoToMeshtasticsMqttLayoutAsServiceEnvelopesThatTheirDefinitionsRead() throws Exception {
        String sub = LocalTools.require("mosquitto_sub", "mosquitto-clients");
        try (LocalTools.Background envelopes = new LocalTools.Background(sub, "-h", "127.0.0.1", "-p",
                Integer.toString(broker.port), "-t", "msh/#", "-F", "%t %x")) {
            LocalTools.await("the Meshtastic MQTT uplink to connect", 30, () -> {
                try {
                    return Boolean.TRUE.equals(((Map<?, ?>) mesh0().get("mqttUplink")).get("connected"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Thread.sleep(300); // mosquitto_sub's subscription reaches the broker
            node.transmit(theirText(PacketHeader.BROADCAST, 7001, "not for the internet", 0));
            node.transmit(theirText(OURS, 7002, "a DM stays with us"));
            byte[] frame = theirText(PacketHeader.BROADCAST, 7003, "to the map");
            node.transmit(frame);
            String line = envelopes.awaitLine("the envelope on Meshtastic's topic", 30,
                    l -> l.startsWith("msh/EU_868/2/e/LongFast/!5b0b0001 "));
            Map<String, String> e = peer.call("envelope-decode", args("hex", line.substring(line.indexOf(' ') + 1)));
            assertEquals(HEX.formatHex("LongFast".getBytes(StandardCharsets.UTF_8)), e.get("channelId"));
            assertEquals(HEX.formatHex("!5b0b0001".getBytes(StandardCharsets.UTF_8)), e.get("gatewayId"));
            assertEquals(Integer.toUnsignedString(THEIRS), e.get("from"));
            assertEquals("7003", e.get("id"));
            assertEquals(String.valueOf(LONG_FAST.hash()), e.get("channel"), "the channel hash, as on air");
            assertEquals(HEX.formatHex(java.util.Arrays.copyOfRange(frame, 16, frame.length)), e.get("encrypted"),
                    "uploaded still encrypted with the channel key");
            Thread.sleep(500);
            assertEquals(1, envelopes.lines().stream().filter(l -> l.startsWith("msh/")).count(),
                    "neither the text without OK_TO_MQTT nor the DM went up: " + envelopes.lines());
        }
    }

    private void awaitMqttConnected() throws InterruptedException {
        LocalTools.await("the Meshtastic MQTT connection", 30, () -> {
            try {
                return Boolean.TRUE.equals(((Map<?, ?>) mesh0().get("mqttUplink")).get("connected"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private void publishEnvelope(String gatewayId, int from, int id, byte[] encrypted) throws Exception {
        String envelope = peer.call("envelope-encode", args("from", Integer.toUnsignedString(from), "to",
                Integer.toUnsignedString(PacketHeader.BROADCAST), "id", id, "channel", LONG_FAST.hash(), "hopLimit", 5,
                "hopStart", 5, "encrypted", HEX.formatHex(encrypted), "channelId",
                HEX.formatHex("LongFast".getBytes(StandardCharsets.UTF_8)), "gatewayId",
                HEX.formatHex(gatewayId.getBytes(StandardCharsets.UTF_8)))).get("hex");
        Path file = Files.createTempFile(dir, "envelope", ".bin");
        Files.write(file, HEX.parseHex(envelope));
        LocalTools.Result r = LocalTools.run(15, null, LocalTools.require("mosquitto_pub", "mosquitto-clients"), "-h",
                "127.0.0.1", "-p", Integer.toString(broker.port), "-t", "msh/EU_868/2/e/LongFast/" + gatewayId, "-f",
                file.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    @SuppressWarnings("unchecked")
    private long mqttStatus(String name) throws Exception {
        return ((Number) ((Map<String, Object>) mesh0().get("mqttUplink")).get(name)).longValue();
    }

    @Test
    @Order(5)
    void anotherGatewaysEnvelopeGoesOnAirOnceWithTheViaMqttFlagAndOurHopLimit() throws Exception {
        awaitMqttConnected();
        nodeHears.clear();
        int far = 0x0A0B0C0D;
        byte[] frame = HEX.parseHex(peer.call("encode", args("to", Integer.toUnsignedString(PacketHeader.BROADCAST),
                "from", Integer.toUnsignedString(far), "id", 8001, "flags", 5 | 5 << 5, "channel", LONG_FAST.hash(),
                "key", HEX.formatHex(LONG_FAST.key()), "port", 1, "text",
                HEX.formatHex("from across the internet".getBytes(StandardCharsets.UTF_8)), "bitfield", 1)).get("frame"));
        byte[] encrypted = java.util.Arrays.copyOfRange(frame, 16, frame.length);
        publishEnvelope("!0badc0de", far, 8001, encrypted);
        Map<String, String> r = nextTextHeard(30);
        assertNotNull(r, "the envelope did not go on air");
        assertEquals("from across the internet", new String(HEX.parseHex(r.get("text")), StandardCharsets.UTF_8));
        assertEquals(Integer.toUnsignedString(far), r.get("from"), "the original sender, not us");
        int flags = Integer.parseInt(r.get("flags"));
        assertEquals(0x10, flags & 0x10, "via MQTT");
        assertEquals(3, flags & 7, "our hop limit (3), not the envelope's 5");
        // the same packet again (another gateway's copy), and our own upload coming back: neither goes on air
        publishEnvelope("!0badf00d", far, 8001, encrypted);
        publishEnvelope("!5b0b0001", far, 8002, encrypted);
        LocalTools.await("the copy counted as a duplicate", 20, () -> {
            try {
                return counter("mqttDuplicate") == 1 && mqttStatus("downlinkIgnored") >= 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertNull(nextTextHeard(2), "a duplicate or our own envelope went on air");
        assertEquals(1, counter("mqttDownlink"));
        // garbage on the topic: counted, and the connection and the daemon carry on
        long ignored = mqttStatus("downlinkIgnored");
        Path junk = Files.createTempFile(dir, "junk", ".bin");
        Files.write(junk, new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 0x01});
        assertEquals(0, LocalTools.run(15, null, LocalTools.require("mosquitto_pub", "mosquitto-clients"), "-h",
                "127.0.0.1", "-p", Integer.toString(broker.port), "-t", "msh/EU_868/2/e/LongFast/!0badbeef", "-f",
                junk.toString()).exit());
        LocalTools.await("the bad envelope counted", 20, () -> {
            try {
                return mqttStatus("downlinkIgnored") == ignored + 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(Boolean.TRUE, ((Map<?, ?>) mesh0().get("mqttUplink")).get("connected"));
    }

    @Test
    @Order(7)
    void stoppedAndStartedByTheOperatorTheChannelBridgesAgain() throws Exception {
        alpha.node().transports().stop("mesh0");
        assertEquals("STOPPED", mesh0().get("state"));
        assertEquals(null, mesh0().get("mqttUplink"), "the MQTT connection goes with the radio");
        Map<String, Object> r = ControlClient.call(alpha.config().stateDir(), Map.of("op", "transport-start", "id",
                "mesh0"));
        assertEquals(Boolean.TRUE, r.get("ok"), r.toString());
        assertEquals("ACTIVE", mesh0().get("state"));
        awaitMqttConnected();
        node.transmit(theirText(PacketHeader.BROADCAST, 9001, "after the restart"));
        LocalTools.await("the text after the restart on the topic", 30, () -> alpha.node().topics().recent(TOPIC)
                .stream().anyMatch(m -> new String(m.body(), StandardCharsets.UTF_8).equals("!12345678: after the restart")));
    }
}
