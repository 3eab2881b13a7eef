package net.sovereignbridge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.app.transport.lora.LoraBringUp;
import net.sovereignbridge.app.transport.lora.ScaledAirTime;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.store.Inbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One gateway with two LoRa radios, an 868 MHz RFM95 on CE0 ({@code lora0}) and a 433 MHz RFM98 on CE1
 * ({@code lora1}), configured as two {@code transports:} sections, between a gateway that has only the 868 MHz
 * radio and one that has only the 433 MHz radio. Every radio is an emulated SX1276 on one simulated air, where
 * only radios on the same frequency and modulation hear each other. The daemons are whole (configuration file,
 * factories, SQLite, node); only the chips are emulated.
 */
class TwoLoraRadiosTest {
    private static final double SPEEDUP = 2; // slow enough that a loaded CI machine does not miss TxDone deadlines

    private final ScaledAirClock clock = new ScaledAirClock(SPEEDUP);
    private final SimulatedAir air = new SimulatedAir(clock, 11);
    private final List<Gateway> gateways = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        gateways.forEach(Gateway::close);
        clock.close();
    }

    private record Running(Gateway gateway, LinkedBlockingQueue<Inbox.Message> delivered) {
        MeshAddress address() {
            return gateway.node().address();
        }
    }

    /** A board file for an SX1276 module on one chip select: SF7, 125 kHz. */
    private Path board(String name, int chipSelect, String band, String region, int channel, int power)
            throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, "Meta:\n  name: " + name + "\nLora:\n  Module: RF95\n  spidev: spidev0." + chipSelect
                + "\n  CS: " + (chipSelect == 0 ? 8 : 7) + "\n  IRQ: " + (chipSelect == 0 ? 25 : 16)
                + "\n  band: " + band + "\n  region: " + region + "\n  channel: " + channel
                + "\n  preset: short\n  power: " + power + "\n");
        return f;
    }

    /**
     * A daemon whose radios are the emulated chips on {@code chips} (index = SPI chip select) and whose transports
     * are {@code transportsYaml}.
     */
    private Running start(String name, String transportsYaml, EmulatedSx127x... chips) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\n  announce-interval-seconds: 5\nlan:\n  enabled: false\np2p:\n  enabled: false\n"
                + "coap:\n  enabled: false\nmqtt:\n  enabled: false\n" + transportsYaml);
        LoraBringUp.BusOpener opener = wiring -> {
            EmulatedSx127x chip = chips[wiring.spiChipSelect()];
            return new LoraBringUp.OpenedBus(RadioBus.of(chip, chip.dio0(), null, null), () -> { });
        };
        GatewayConfig config = GatewayConfig.load(file, dir.resolve(name), null, GatewayConfig.Role.GATEWAY,
                TransportFactories.all(opener, ScaledAirTime.of(clock, SPEEDUP)));
        Gateway g = Gateway.start(config);
        gateways.add(g);
        LinkedBlockingQueue<Inbox.Message> delivered = new LinkedBlockingQueue<>();
        g.node().addDeliveryListener(delivered::add);
        return new Running(g, delivered);
    }

    /** Waits until the air has been quiet for 1.2 s of air time (longer than any frame and the flood delay). */
    private void quietAir() throws InterruptedException {
        long last = -1;
        while (air.framesSent() != last) {
            last = air.framesSent();
            Thread.sleep(600);
        }
    }

    private static void awaitPeer(Running at, Running peer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (at.gateway().node().peers().key(peer.address()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(at.gateway().node().peers().key(peer.address()).isPresent(),
                at.gateway().config().nodeName() + " never learned " + peer.gateway().config().nodeName());
    }

    /** Sends {@code from} to {@code to} and returns what arrived there. */
    private static Inbox.Message exchange(Running from, Running to, String text) throws Exception {
        from.gateway().node().send(to.address(), text.getBytes(StandardCharsets.UTF_8), SendOptions.defaults());
        // 30 s: on a loaded 2-core machine a lost frame waits for the end-to-end retry (3 s, doubling)
        Inbox.Message m = to.delivered().poll(30, TimeUnit.SECONDS);
        assertNotNull(m, text + " did not arrive");
        assertEquals(from.address(), m.source());
        assertEquals(text, new String(m.body(), StandardCharsets.UTF_8));
        return m;
    }

    @Test
    void oneGatewayDrivesAnEightSixtyEightAndAFourThirtyThreeMegahertzRadio() throws Exception {
        Path ce0 = board("rfm95-ce0", 0, "862-1020", "EU868", 3, 14);
        Path ce1 = board("rfm98-ce1", 1, "410-525", "EU433", 1, 10);
        EmulatedSx127x hub868 = air.newRadio("hub-868"), hub433 = air.newRadio("hub-433");
        EmulatedSx127x far868 = air.newRadio("far-868"), far433 = air.newRadio("far-433");

        Running hub = start("hub", "transports:\n"
                + "  - {type: lora, id: lora0, board: " + ce0 + "}\n"
                + "  - {type: lora, id: lora1, board: " + ce1 + "}\n", hub868, hub433);
        quietAir();
        // the shorthand is lora0 too: the two others name their single radio each way
        Running eu868 = start("eu868", "lora:\n  board: " + ce0 + "\n", far868);
        quietAir();
        Running eu433 = start("eu433", "transports:\n  - {type: lora, id: lora433, board: " + ce1 + "}\n",
                null, far433);
        quietAir();
        // announce again in turn, so that those started earlier are heard (through the hub) by those started later:
        // past the hub's per-origin relay interval (2.5 s with announces every 5 s), or it would not relay them
        Thread.sleep(hub.gateway().node().announcer().relayInterval() + 500);
        for (Running r : List.of(hub, eu868, eu433)) {
            r.gateway().node().announce();
            quietAir();
        }

        awaitPeer(hub, eu868);
        awaitPeer(hub, eu433);
        awaitPeer(eu868, hub);
        awaitPeer(eu433, hub);

        assertEquals("lora0", exchange(hub, eu868, "hub to eu868").transport());
        assertEquals("lora0", exchange(eu868, hub, "eu868 to hub").transport(), "heard on the 868 MHz radio");
        assertEquals("lora433", exchange(hub, eu433, "hub to eu433").transport());
        assertEquals("lora1", exchange(eu433, hub, "eu433 to hub").transport(), "heard on the 433 MHz radio");

        // the two single-radio gateways hear each other only through the hub, which relays from one radio to the other
        awaitPeer(eu868, eu433);
        awaitPeer(eu433, eu868);
        Inbox.Message relayed = exchange(eu868, eu433, "eu868 to eu433 through the hub");
        assertEquals("lora433", relayed.transport());
        assertEquals(0, eu868.gateway().node().neighbours().candidates(eu433.address()).size(), "not heard directly");

        Map<String, Object> status = hub.gateway().handle(Map.of("op", "status"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> transports = (List<Map<String, Object>>) status.get("transports");
        Map<String, Map<String, Object>> byId = new java.util.HashMap<>();
        transports.forEach(t -> byId.put(String.valueOf(t.get("id")), t));
        for (String id : List.of("lora0", "lora1")) {
            Map<String, Object> t = byId.get(id);
            assertNotNull(t, id + " in " + transports);
            assertEquals("lora", t.get("type"));
            assertEquals("ACTIVE", t.get("state"));
            assertEquals(1, t.get("neighbours"), id + ": the one gateway on its frequency");
            assertTrue((Long) t.get("framesIn") > 0 && (Long) t.get("framesOut") > 0, t.toString());
            assertTrue((Long) t.get("airtimeLastHourMs") > 0, t.toString());
        }
        assertEquals("EU868 g3", byId.get("lora0").get("subBand"));
        assertEquals("EU433", byId.get("lora1").get("subBand"));
        assertTrue(hub.gateway().endpoints().contains("lora0 ACTIVE subBand EU868 g3"), hub.gateway().endpoints().toString());
        assertTrue(hub.gateway().endpoints().contains("lora1 ACTIVE subBand EU433"), hub.gateway().endpoints().toString());
    }
}
