package net.sovereignbridge.app.transport.rnode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.app.transport.lora.LoraTransport;
import net.sovereignbridge.drivers.kiss.JSerialCommOpener;
import net.sovereignbridge.drivers.kiss.PtyPair;
import net.sovereignbridge.drivers.rnode.EmulatedRNode;
import net.sovereignbridge.drivers.rnode.RNodeAir;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole gateways (configuration file, {@link TransportFactories#all()}, SQLite, node) whose only link is LoRa
 * through two RNodes: each has a {@code {type: rnode}} transport on a pty whose other end is an {@link EmulatedRNode},
 * and the two emulated RNodes share one {@link RNodeAir}. They learn each other, exchange messages both ways (one in
 * fragments), the transports account the airtime the RNodes actually spent, and an RNode that clamps the configured
 * power leaves its transport FAILED with both values named.
 */
class TwoGatewaysOverRNodeTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Gateway> gateways = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        gateways.forEach(Gateway::close);
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private record Running(Gateway gateway, LinkedBlockingQueue<Inbox.Message> delivered, EmulatedRNode rnode) {
        MeshAddress address() {
            return gateway.node().address();
        }

        LoraTransport transport() {
            return (LoraTransport) gateway.node().transports().get("rnode0");
        }
    }

    private Running start(String name, RNodeAir air, String extra) throws Exception {
        PtyPair pair = new PtyPair(Files.createDirectories(dir.resolve("pty-" + name)));
        open.add(pair);
        EmulatedRNode rnode = new EmulatedRNode(new JSerialCommOpener().open(pair.b(), 115200), air,
                EmulatedRNode.Model.sx1276Esp32());
        open.add(rnode);
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\n  announce-interval-seconds: 5\nlan:\n  enabled: false\n"
                + "p2p:\n  enabled: false\ncoap:\n  enabled: false\nmqtt:\n  enabled: false\ntransports:\n"
                + "  - {type: rnode, id: rnode0, device: " + pair.a() + ", region: EU868, preset: short-fast" + extra
                + "}\n");
        GatewayConfig config = GatewayConfig.load(file, dir.resolve(name), null, GatewayConfig.Role.GATEWAY,
                TransportFactories.all());
        Gateway g = Gateway.start(config);
        gateways.add(g);
        LinkedBlockingQueue<Inbox.Message> delivered = new LinkedBlockingQueue<>();
        g.node().addDeliveryListener(delivered::add);
        return new Running(g, delivered, rnode);
    }

    private static void awaitPeer(Running at, Running peer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (at.gateway().node().peers().key(peer.address()).isEmpty() && System.nanoTime() < deadline) {
            at.gateway().node().announce();
            peer.gateway().node().announce();
            Thread.sleep(1_000);
        }
        assertTrue(at.gateway().node().peers().key(peer.address()).isPresent(),
                at.gateway().config().nodeName() + " never learned " + peer.gateway().config().nodeName());
    }

    private static Inbox.Message exchange(Running from, Running to, byte[] body) throws Exception {
        from.gateway().node().send(to.address(), body, SendOptions.defaults());
        Inbox.Message m = to.delivered().poll(60, TimeUnit.SECONDS);
        assertNotNull(m, "a message of " + body.length + " bytes did not arrive");
        assertEquals(from.address(), m.source());
        assertArrayEquals(body, m.body());
        return m;
    }

    @Test
    void twoGatewaysLinkedOnlyByRNodesExchangeMessagesAndCountTheAirtimeTheRNodesSpent() throws Exception {
        RNodeAir air = new RNodeAir(-97, 6.5);
        Running alpha = start("alpha", air, "");
        Running beta = start("beta", air, "");
        for (Running r : List.of(alpha, beta)) {
            assertEquals(TransportState.ACTIVE, r.transport().state(), r.transport().stateReason());
            assertTrue(r.rnode().radioOnline());
        }
        awaitPeer(alpha, beta);
        awaitPeer(beta, alpha);

        assertEquals("rnode0", exchange(alpha, beta, "alpha to beta over RNodes".getBytes(StandardCharsets.UTF_8))
                .transport());
        assertEquals("rnode0", exchange(beta, alpha, "beta to alpha".getBytes(StandardCharsets.UTF_8)).transport());
        byte[] big = new byte[1000]; // several 252-byte link frames, each two LoRa frames on the RNode
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7);
        assertEquals("rnode0", exchange(alpha, beta, big).transport());

        for (Running r : List.of(alpha, beta)) {
            Map<String, Object> status = r.transport().statusFields();
            assertTrue(String.valueOf(status.get("chip")).startsWith("RNode firmware 1.86 on ESP32"), status.toString());
            assertEquals("EU868 g3", status.get("subBand"));
            // the duty-cycle governor counted what the emulated chip spent on air (header byte and splits included)
            // (the governor counts a frame when it is handed over, the air when its last symbol is sent: wait for
            // a moment with nothing in flight)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long counted;
            long spent;
            do {
                Thread.sleep(50);
                counted = r.transport().status().airtime().usedNanos();
                spent = r.rnode().airtimeNanos();
            } while (Math.abs((double) counted / spent - 1.0) > 0.01 && System.nanoTime() < deadline);
            assertTrue(spent > 0);
            assertEquals(1.0, (double) counted / spent, 0.01, "counted " + counted + " ns, the air took " + spent);
        }
        // beta's neighbour alpha is known with the RSSI the RNode reported
        assertEquals(-97.0, beta.gateway().node().transports().get("rnode0").neighbours().stream()
                .mapToDouble(n -> n.quality().rssiDbm()).max().orElse(0), 0.0);
    }

    @Test
    void anRNodeThatClampsTheConfiguredPowerLeavesTheTransportFailedWithBothValues() throws Exception {
        // US915 allows 30 dBm; the SX1276 board clamps 20 dBm to 17, which the read-back shows
        RNodeAir air = new RNodeAir(-97, 6.5);
        PtyPair pair = new PtyPair(Files.createDirectories(dir.resolve("pty")));
        open.add(pair);
        EmulatedRNode rnode = new EmulatedRNode(new JSerialCommOpener().open(pair.b(), 115200), air,
                EmulatedRNode.Model.sx1276Esp32());
        open.add(rnode);
        Path file = dir.resolve("gamma.yaml");
        Files.writeString(file, "node:\n  name: gamma\nlan:\n  enabled: false\np2p:\n  enabled: false\n"
                + "coap:\n  enabled: false\nmqtt:\n  enabled: false\ntransports:\n"
                + "  - {type: rnode, id: rnode0, device: " + pair.a() + ", region: US915, tx-power: 20}\n");
        Gateway g = Gateway.start(GatewayConfig.load(file, dir.resolve("gamma"), null, GatewayConfig.Role.GATEWAY,
                TransportFactories.all()));
        gateways.add(g);
        var t = (LoraTransport) g.node().transports().get("rnode0");
        assertEquals(TransportState.FAILED, t.state());
        assertTrue(t.stateReason().contains("TX power 17 dBm") && t.stateReason().contains("after 20 dBm was asked"),
                t.stateReason());
    }
}
