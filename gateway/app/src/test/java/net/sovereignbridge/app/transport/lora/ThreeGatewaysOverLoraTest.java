package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.Sx127x;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.TransportManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateways, each a full node (identity, SQLite inbox, envelopes, frame codec, fragmenter, transport manager)
 * with a LoRa transport over the driver over an emulated SX1276, on one simulated air (EU868 869.525 MHz, SF7).
 * They learn each other from signed announces sent over LoRa and exchange sealed messages.
 */
class ThreeGatewaysOverLoraTest {
    private static final double SPEEDUP = 2; // slow enough that a loaded CI machine does not miss TxDone deadlines
    private static final LoRaSettings SETTINGS = LoRaSettings.builder().frequencyHz(869_525_000L).spreadingFactor(7)
            .build();

    private final ScaledAirClock clock = new ScaledAirClock(SPEEDUP);
    private final SimulatedAir air = new SimulatedAir(clock, 5);
    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    private record Gateway(Node node, LoraTransport transport, LinkedBlockingQueue<Inbox.Message> delivered) {}

    @AfterEach
    void tearDown() throws Exception {
        nodes.forEach(Node::close);
        for (AutoCloseable c : closeLast) c.close();
        clock.close();
    }

    private Gateway gateway(Path stateDir, String name, int seed) throws Exception {
        NodeIdentity identity = NodeIdentity.generate(new SecureRandom());
        Database db = Database.open(stateDir);
        closeLast.add(db);
        EmulatedSx127x chip = air.newRadio(name);
        Sx127x radio = new Sx127x(RadioBus.of(chip, chip.dio0(), chip.resetPin(), null), Duration.ofMillis(20), name);
        radio.begin();
        closeLast.add(0, radio);
        LoraTransport.TimeSource airTime = ScaledAirTime.of(clock, SPEEDUP);
        LoraTransport transport = new LoraTransport("lora0", radio, SETTINGS, Region.EU868.subBands().get(2),
                LoraRadioConfig.linkIdOf(identity.address()), LoraTransport.Options.defaults().withRandomSeed(seed),
                airTime);
        TransportManager manager = new TransportManager();
        manager.add(transport);
        Node node = new Node(identity, db, manager, Node.Options.defaults().withName(name), Clock.systemUTC());
        nodes.add(node);
        LinkedBlockingQueue<Inbox.Message> delivered = new LinkedBlockingQueue<>();
        node.addDeliveryListener(delivered::add);
        return new Gateway(node, transport, delivered);
    }

    /**
     * Waits until everything queued on the air has been sent and heard, including announces that other nodes
     * relay after the node's flood delay (up to 400 ms of wall time by default).
     */
    private void quietAir() throws InterruptedException {
        long last = -1;
        while (air.framesSent() != last) {
            last = air.framesSent();
            Thread.sleep(600); // 1.2 s of air time: longer than any frame here, and longer than the flood delay
        }
    }

    @Test
    void threeGatewaysLearnEachOtherAndExchangeSealedMessages(@TempDir Path dir) throws Exception {
        List<Gateway> gws = new ArrayList<>();
        for (int i = 0; i < 3; i++) gws.add(gateway(dir.resolve("gw" + i), "gw" + i, i));
        // start one after the other (each announces when its transport comes up), then announce again in turn so
        // that nodes started earlier are heard by those started later
        for (Gateway g : gws) {
            g.node().start();
            quietAir();
        }
        for (Gateway g : gws) {
            g.node().announce();
            quietAir();
        }
        for (Gateway g : gws) {
            for (Gateway other : gws) {
                if (other == g) continue;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (g.node().peers().key(other.node().address()).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(g.node().peers().key(other.node().address()).isPresent(),
                        g.node().address() + " never learned " + other.node().address());
            }
        }
        // every gateway sends one sealed message to each of the two others
        for (Gateway from : gws) {
            for (Gateway to : gws) {
                if (to == from) continue;
                String text = "from " + from.node().address().toHex().substring(0, 8) + " to "
                        + to.node().address().toHex().substring(0, 8);
                from.node().send(to.node().address(), text.getBytes(StandardCharsets.UTF_8), SendOptions.defaults());
                // 30 s: on a loaded 2-core machine a lost frame waits for the end-to-end retry (3 s, doubling).
                Inbox.Message m = to.delivered().poll(30, TimeUnit.SECONDS);
                assertNotNull(m, text + " did not arrive");
                assertEquals(from.node().address(), m.source());
                assertEquals(text, new String(m.body(), StandardCharsets.UTF_8));
                assertEquals("lora0", m.transport());
            }
        }
        for (Gateway g : gws) {
            assertEquals(2, g.node().inbox().count(), "each gateway holds the two messages sent to it");
            LoraTransport.Status s = g.transport().status();
            assertEquals(0, s.sendFailures());
            assertTrue(s.airtime().usedNanos() > 0 && s.airtime().usedNanos() <= s.airtime().budgetNanos());
            assertEquals(2, g.transport().neighbours().size(), "both other gateways heard on LoRa");
        }
    }
}
