package net.sovereignbridge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import net.sovereignbridge.drivers.sx126x.Sx126xBus;
import net.sovereignbridge.drivers.sx126x.emulator.EmulatedSx126x;
import net.sovereignbridge.drivers.sx126x.pi4j.Sx126xWiring;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.drivers.sx127x.pi4j.SpiWiring;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.store.Inbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway on a bundled SX1262 HAT (RAK6421 with a RAK13300 in slot 1: LongFast, EU868 channel 3) and a gateway on
 * an SX1276 module with the same preset and channel exchange mesh messages over one simulated air; a third gateway,
 * an SX1276 on another channel, hears neither. Whole daemons from configuration files through
 * {@code TransportFactories.all}; only the chips are emulated (the SX1262 at command level, with its BUSY protocol
 * checked, the SX1276 at register level).
 */
class Sx1262AndSx1276GatewaysTest {
    private static final double SPEEDUP = 4; // LongFast frames are long; 4x keeps TxDone deadlines on a loaded CI

    private final ScaledAirClock clock = new ScaledAirClock(SPEEDUP);
    private final SimulatedAir air = new SimulatedAir(clock, 13);
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

    /** Hands the daemon's bring-up one emulated chip, whichever driver its board file asks for. */
    private static LoraBringUp.BusOpener opener(EmulatedSx126x sx126x, EmulatedSx127x sx127x) {
        return new LoraBringUp.BusOpener() {
            @Override
            public LoraBringUp.OpenedBus open(SpiWiring wiring) throws IOException {
                if (sx127x == null) throw new IOException("no SX127x on this test board");
                return new LoraBringUp.OpenedBus(RadioBus.of(sx127x, sx127x.dio0(), sx127x.resetPin(), null), () -> { });
            }

            @Override
            public LoraBringUp.OpenedSx126xBus openSx126x(Sx126xWiring wiring) throws IOException {
                if (sx126x == null) throw new IOException("no SX126x on this test board");
                return new LoraBringUp.OpenedSx126xBus(Sx126xBus.of(sx126x, sx126x.busy(), sx126x.dio1(),
                        sx126x.resetPin(), null, null, null), () -> { });
            }
        };
    }

    private Path sx1276Board(String name, int channel) throws IOException {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, "Meta:\n  name: " + name + "\nLora:\n  Module: RF95\n  spidev: spidev0.0\n  CS: 8\n"
                + "  IRQ: 25\n  band: 862-1020\n  region: EU868\n  channel: " + channel + "\n  preset: long-fast\n"
                + "  power: 14\n");
        return f;
    }

    private Running start(String name, String board, LoraBringUp.BusOpener opener) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\n  announce-interval-seconds: 5\nlan:\n  enabled: false\n"
                + "p2p:\n  enabled: false\ncoap:\n  enabled: false\nmqtt:\n  enabled: false\n"
                + "transports:\n  - {type: lora, id: lora0, board: " + board + "}\n");
        GatewayConfig config = GatewayConfig.load(file, dir.resolve(name), null, GatewayConfig.Role.GATEWAY,
                TransportFactories.all(opener, ScaledAirTime.of(clock, SPEEDUP)));
        Gateway g = Gateway.start(config);
        gateways.add(g);
        LinkedBlockingQueue<Inbox.Message> delivered = new LinkedBlockingQueue<>();
        g.node().addDeliveryListener(delivered::add);
        return new Running(g, delivered);
    }

    private void quietAir() throws InterruptedException {
        long last = -1;
        while (air.framesSent() != last) {
            last = air.framesSent();
            Thread.sleep(800);
        }
    }

    private static void awaitPeer(Running at, Running peer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (at.gateway().node().peers().key(peer.address()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(at.gateway().node().peers().key(peer.address()).isPresent(),
                at.gateway().config().nodeName() + " never learned " + peer.gateway().config().nodeName());
    }

    private static void exchange(Running from, Running to, String text) throws Exception {
        from.gateway().node().send(to.address(), text.getBytes(StandardCharsets.UTF_8), SendOptions.defaults());
        Inbox.Message m = to.delivered().poll(40, TimeUnit.SECONDS);
        assertNotNull(m, text + " did not arrive");
        assertEquals(from.address(), m.source());
        assertEquals(text, new String(m.body(), StandardCharsets.UTF_8));
        assertEquals("lora0", m.transport());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lora0(Running r) throws Exception {
        List<Map<String, Object>> ts = (List<Map<String, Object>>) r.gateway().handle(Map.of("op", "status"))
                .get("transports");
        return ts.stream().filter(t -> "lora0".equals(t.get("id"))).findFirst().orElseThrow();
    }

    @Test
    void anSx1262HatAndAnSx1276ModuleShareLongFastAndNotAnotherChannel() throws Exception {
        EmulatedSx126x rakChip = EmulatedSx126x.sx1262(air, "rak13300");
        EmulatedSx127x rfmChip = air.newRadio("rfm95"), otherChip = air.newRadio("rfm95-ch1");

        Running rak = start("rak", "rak6421-rak13300-slot1", opener(rakChip, null));
        quietAir();
        Running rfm = start("rfm", sx1276Board("rfm95-ch3", 3).toString(), opener(null, rfmChip));
        quietAir();
        Running other = start("other", sx1276Board("rfm95-ch1", 1).toString(), opener(null, otherChip));
        quietAir();
        for (Running r : List.of(rak, rfm, other)) {
            r.gateway().node().announce();
            quietAir();
        }
        awaitPeer(rak, rfm);
        awaitPeer(rfm, rak);
        exchange(rak, rfm, "from the SX1262 HAT");
        exchange(rfm, rak, "from the SX1276 module");

        Map<String, Object> status = lora0(rak);
        assertEquals("ACTIVE", status.get("state"), status.toString());
        assertTrue(String.valueOf(status.get("chip")).startsWith("SX1262"), status.toString());
        assertEquals("EU868 g3", status.get("subBand"));
        assertEquals(1, status.get("neighbours"), "only the SX1276 on its channel: " + status);
        assertTrue(String.valueOf(lora0(rfm).get("chip")).startsWith("SX127x"), lora0(rfm).toString());

        // the gateway on channel 1 announced as often as the others and was heard by no one, nor heard anyone
        assertTrue(rak.gateway().node().peers().key(other.address()).isEmpty(), "the SX1262 heard channel 1");
        assertTrue(rfm.gateway().node().peers().key(other.address()).isEmpty(), "channel 3 heard channel 1");
        assertTrue(other.gateway().node().peers().key(rak.address()).isEmpty(), "channel 1 heard the SX1262");
        assertEquals(0, lora0(other).get("neighbours"));
        assertTrue((Long) lora0(other).get("framesOut") > 0, "channel 1 did transmit: " + lora0(other));
        assertEquals(List.of(), rakChip.protocolViolations());
    }
}
