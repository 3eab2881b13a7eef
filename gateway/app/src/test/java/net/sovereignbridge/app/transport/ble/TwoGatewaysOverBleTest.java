package net.sovereignbridge.app.transport.ble;

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
import java.util.function.BooleanSupplier;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.app.transport.lora.LoraBringUp;
import net.sovereignbridge.app.transport.lora.LoraTransport;
import net.sovereignbridge.drivers.bluez.MockBluez;
import net.sovereignbridge.drivers.bluez.PrivateSystemBus;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole gateways (configuration file, the factories of {@link TransportFactories}, SQLite, node) whose only
 * link is BLE: each has a {@code {type: ble}} transport on its own adapter of one mocked bluetoothd (Debian's
 * dbus-daemon and python3-dbusmock), which relays GATT between the adapters as the air would. LAN is off.
 */
class TwoGatewaysOverBleTest {
    private final List<Gateway> gateways = new ArrayList<>();
    private PrivateSystemBus bus;
    private MockBluez bluez;

    @TempDir
    Path dir;

    @BeforeEach
    void up() throws Exception {
        bus = PrivateSystemBus.start();
        bluez = MockBluez.start(bus);
    }

    @AfterEach
    void tearDown() throws Exception {
        gateways.forEach(Gateway::close);
        bluez.close();
        bus.close();
    }

    private record Running(Gateway gateway, LinkedBlockingQueue<Inbox.Message> delivered) {
        MeshAddress address() {
            return gateway.node().address();
        }

        BleTransport ble() {
            return (BleTransport) gateway.node().transports().get("ble0");
        }
    }

    private Running start(String name, String adapter) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\n  announce-interval-seconds: 5\nlan:\n  enabled: false\n"
                + "p2p:\n  enabled: false\ncoap:\n  enabled: false\nmqtt:\n  enabled: false\ntransports:\n"
                + "  - {type: ble, id: ble0, adapter: " + adapter + ", name: " + name + "}\n");
        GatewayConfig config = GatewayConfig.load(file, dir.resolve(name), null, GatewayConfig.Role.GATEWAY,
                TransportFactories.all(LoraBringUp.pi4j(), LoraTransport.TimeSource.SYSTEM, bus.address()));
        Gateway g = Gateway.start(config);
        gateways.add(g);
        LinkedBlockingQueue<Inbox.Message> delivered = new LinkedBlockingQueue<>();
        g.node().addDeliveryListener(delivered::add);
        return new Running(g, delivered);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(condition.getAsBoolean(), what);
    }

    private static void awaitPeer(Running at, Running peer) throws InterruptedException {
        await(at.gateway().config().nodeName() + " never learned " + peer.gateway().config().nodeName(),
                () -> at.gateway().node().peers().key(peer.address()).isPresent());
    }

    private static void exchange(Running from, Running to, byte[] body) throws Exception {
        from.gateway().node().send(to.address(), body, SendOptions.defaults());
        Inbox.Message m = to.delivered().poll(30, TimeUnit.SECONDS);
        assertNotNull(m, "a message of " + body.length + " bytes did not arrive");
        assertEquals(from.address(), m.source());
        assertArrayEquals(body, m.body());
        assertEquals("ble0", m.transport());
    }

    private static long links(Running r) {
        return ((List<?>) r.ble().statusFields().get("links")).size();
    }

    private void twoGatewaysExchange(int mtu) throws Exception {
        bluez.addAdapter("hci0", "alpha");
        bluez.addAdapter("hci1", "beta");
        bluez.setMtu("hci0", mtu);
        Running alpha = start("alpha", "hci0");
        Running beta = start("beta", "hci1");
        for (Running r : List.of(alpha, beta)) {
            await("ble0 of " + r.gateway().config().nodeName() + " is " + r.ble().state() + ": " + r.ble().stateReason(),
                    () -> r.ble().state() == TransportState.ACTIVE);
        }
        await("no BLE link both ways", () -> links(alpha) == 1 && links(beta) == 1);
        alpha.gateway().node().announce();
        beta.gateway().node().announce();
        awaitPeer(alpha, beta);
        awaitPeer(beta, alpha);

        exchange(alpha, beta, "alpha to beta over BLE".getBytes(StandardCharsets.UTF_8));
        exchange(beta, alpha, "beta to alpha".getBytes(StandardCharsets.UTF_8));
        byte[] big = new byte[3000]; // several link frames, each in several ATT writes
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7);
        exchange(alpha, beta, big);
        Map<String, Object> status = alpha.ble().statusFields();
        assertEquals(mtu, ((Map<?, ?>) ((List<?>) status.get("links")).get(0)).get("att-mtu"));
        assertEquals(beta.address().toHex(), ((Map<?, ?>) ((List<?>) status.get("links")).get(0)).get("peer"));
        assertEquals(0L, status.get("frames-incomplete"));
        assertEquals(0L, bluez.stats().get("truncated_notifications"));
    }

    @Test
    void twoGatewaysLinkedOnlyByBleExchangeMessagesBothWays() throws Exception {
        twoGatewaysExchange(185);
    }

    @Test
    void atTheSmallestAttMtuFramesCrossInTwentyByteWrites() throws Exception {
        twoGatewaysExchange(23);
    }

    @Test
    void aMissingAdapterIsReportedAndTheTransportComesUpWhenItAppears() throws Exception {
        Running alpha = start("alpha", "hci0");
        await("ble0 is " + alpha.ble().state(), () -> alpha.ble().state() == TransportState.UNAVAILABLE);
        assertTrue(alpha.ble().stateReason().contains("no Bluetooth adapter hci0"), alpha.ble().stateReason());
        bluez.addAdapter("hci0", "alpha");
        await("ble0 did not come up: " + alpha.ble().stateReason(), () -> alpha.ble().state() == TransportState.ACTIVE);
        bluez.removeAdapter("hci0");
        await("adapter removal not noticed", () -> alpha.ble().state() == TransportState.UNAVAILABLE);
    }
}
