package net.sovereignbridge.drivers.bluez;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import net.sovereignbridge.drivers.bluez.dbus.GattCharacteristic1;

/** Discovery, connection, writes and notifications between two programs on two adapters of the mock. */
class CentralTest {
    static final GattLayout LAYOUT = PeripheralTest.LAYOUT;
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    PrivateSystemBus bus;
    MockBluez bluez;
    BluezBus a;
    BluezBus b;
    GattServer server;
    final BlockingQueue<PeripheralListener.Write> writes = new LinkedBlockingQueue<>();
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final BlockingQueue<Central.Found> found = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> notified = new LinkedBlockingQueue<>();

    @BeforeEach
    void up() throws Exception {
        bus = PrivateSystemBus.start();
        bluez = MockBluez.start(bus);
        bluez.addAdapter("hci0", "gw-a");
        bluez.addAdapter("hci1", "gw-b");
        a = BluezBus.connect(bus.address());
        b = BluezBus.connect(bus.address());
        server = new GattServer(a, "/org/bluez/hci0", LAYOUT, "identity-a".getBytes(StandardCharsets.UTF_8),
                "sbridge", "/net/sovereignbridge/a", new PeripheralListener() {
                    @Override
                    public void written(Write write) {
                        writes.add(write);
                    }

                    @Override
                    public void subscribed() {
                        events.add("subscribed");
                    }

                    @Override
                    public void unsubscribed() {
                        events.add("unsubscribed");
                    }
                });
        server.start();
    }

    @AfterEach
    void down() throws Exception {
        server.close();
        a.close();
        b.close();
        bluez.close();
        bus.close();
    }

    Central.Found discover(Central central) throws Exception {
        central.startDiscovery(LAYOUT.serviceUuid(), found::add);
        Central.Found f = found.poll(5, TimeUnit.SECONDS);
        assertNotNull(f, "nothing found");
        return f;
    }

    @Test
    void discoversConnectsWritesAndIsNotified() throws Exception {
        try (Central central = new Central(b, "/org/bluez/hci1")) {
            Central.Found f = discover(central);
            assertEquals(bluez.address("hci0"), f.address());
            assertEquals(-60, f.rssi());
            central.stopDiscovery();
            try (GattClient client = central.connect(f.device(), LAYOUT, TIMEOUT)) {
                assertEquals(185, client.mtu());
                assertArrayEquals(bytes("identity-a"), client.readIdentity());
                client.subscribe(notified::add);
                assertEquals("subscribed", events.poll(5, TimeUnit.SECONDS));

                client.write(bytes("ping"), false);
                PeripheralListener.Write w = writes.poll(5, TimeUnit.SECONDS);
                assertArrayEquals(bytes("ping"), w.value());
                assertTrue(w.command());
                assertEquals("/org/bluez/hci0/dev_" + bluez.address("hci1").replace(':', '_'), w.device());
                client.write(bytes("acked"), true);
                assertFalse(writes.poll(5, TimeUnit.SECONDS).command());

                assertTrue(server.sendNotification(bytes("pong")));
                assertArrayEquals(bytes("pong"), notified.poll(5, TimeUnit.SECONDS));
            }
            assertEquals("unsubscribed", events.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void discoveryReportsOnlyTheFilteredService() throws Exception {
        bluez.addAdapter("hci2", "other");
        GattLayout other = new GattLayout("0000180d-0000-1000-8000-00805f9b34fb", LAYOUT.writeUuid(),
                LAYOUT.notifyUuid(), LAYOUT.identityUuid());
        try (BluezBus c = BluezBus.connect(bus.address());
             GattServer heartRate = new GattServer(c, "/org/bluez/hci2", other, new byte[0], null,
                     "/net/sovereignbridge/c", write -> { });
             Central central = new Central(b, "/org/bluez/hci1")) {
            heartRate.start();
            String hci0 = bluez.address("hci0");
            assertEquals(hci0, discover(central).address());
            // the mock scanned hci2 in the same pass: it is neither reported (a device may be reported again, as
            // BlueZ does on every RSSI update) nor a device on hci1
            List<Central.Found> more = new java.util.ArrayList<>();
            found.drainTo(more);
            assertTrue(more.stream().allMatch(f -> f.address().equals(hci0)), more.toString());
            assertFalse(b.managedObjects().containsKey("/org/bluez/hci1/dev_" + bluez.address("hci2").replace(':', '_')));
        }
    }

    @Test
    void writeCommandsAndNotificationsAreBoundByMtuMinusThree() throws Exception {
        bluez.setMtu("hci1", 23);
        try (Central central = new Central(b, "/org/bluez/hci1");
             GattClient client = central.connect(discover(central).device(), LAYOUT, TIMEOUT)) {
            assertEquals(23, client.mtu());
            client.subscribe(notified::add);
            client.write(new byte[20], false);
            assertEquals(20, writes.poll(5, TimeUnit.SECONDS).value().length);
            BluezException tooLong = assertThrows(BluezException.class, () -> client.write(new byte[21], false));
            assertTrue(tooLong.getMessage().contains("InvalidValueLength"), tooLong.getMessage());
            // a write request may be longer: BlueZ makes it a long write
            client.write(new byte[100], true);
            assertEquals(100, writes.poll(5, TimeUnit.SECONDS).value().length);

            server.sendNotification(new byte[30]);
            assertEquals(20, notified.poll(5, TimeUnit.SECONDS).length, "BlueZ cuts a notification to MTU - 3");
            assertEquals(1L, bluez.stats().get("truncated_notifications"));
        }
    }

    @Test
    void aLostLinkIsReportedToBothEnds() throws Exception {
        try (Central central = new Central(b, "/org/bluez/hci1")) {
            GattClient client = central.connect(discover(central).device(), LAYOUT, TIMEOUT);
            client.subscribe(notified::add);
            assertEquals("subscribed", events.poll(5, TimeUnit.SECONDS));
            CountDownLatch lost = new CountDownLatch(1);
            client.onLoss(lost::countDown);
            bluez.cutLink("hci1", bluez.address("hci0"));
            assertTrue(lost.await(5, TimeUnit.SECONDS));
            assertFalse(client.connected());
            assertEquals("unsubscribed", events.poll(5, TimeUnit.SECONDS));
            assertFalse(server.notifying());
            assertThrows(BluezException.class, () -> client.write(bytes("late"), false));
            client.close();
        }
    }

    @Test
    void aPeripheralThatStoppedAdvertisingCannotBeConnected() throws Exception {
        try (Central central = new Central(b, "/org/bluez/hci1")) {
            String device = discover(central).device();
            server.close();
            BluezException e = assertThrows(BluezException.class, () -> central.connect(device, LAYOUT, TIMEOUT));
            assertEquals(BluezException.Reason.FAILED, e.reason());
            assertTrue(e.getMessage().contains(device), e.getMessage());
        }
    }

    @Test
    void notificationsFromAnyoneButBluetoothdAreIgnored() throws Exception {
        try (Central central = new Central(b, "/org/bluez/hci1");
             GattClient client = central.connect(discover(central).device(), LAYOUT, TIMEOUT);
             BluezBus stranger = BluezBus.connect(bus.address())) {
            client.subscribe(notified::add);
            assertEquals("subscribed", events.poll(5, TimeUnit.SECONDS));
            String notifyPath = b.managedObjects().entrySet().stream()
                    .filter(e -> e.getKey().startsWith(client.device() + "/"))
                    .filter(e -> e.getValue().containsKey(GattCharacteristic1.NAME))
                    .filter(e -> LAYOUT.notifyUuid().equals(Variants.string(e.getValue().get(GattCharacteristic1.NAME), "UUID", "")))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            stranger.connection().sendMessage(new Properties.PropertiesChanged(notifyPath, GattCharacteristic1.NAME,
                    Map.of("Value", new Variant<>(bytes("forged"))), List.of()));
            // a round trip from the stranger: the bus has routed its signal before it answers
            stranger.remote("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class).GetId();
            server.sendNotification(bytes("real"));
            assertArrayEquals(bytes("real"), notified.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void bothRolesShareOneLink() throws Exception {
        // b also serves, a also connects: a's connect finds the link b made and uses it
        BlockingQueue<PeripheralListener.Write> atB = new LinkedBlockingQueue<>();
        try (GattServer serverB = new GattServer(b, "/org/bluez/hci1", LAYOUT, bytes("identity-b"), "sbridge",
                "/net/sovereignbridge/b", atB::add);
             Central centralB = new Central(b, "/org/bluez/hci1");
             Central centralA = new Central(a, "/org/bluez/hci0")) {
            serverB.start();
            GattClient bToA = centralB.connect(discover(centralB).device(), LAYOUT, TIMEOUT);
            String bOnA = "/org/bluez/hci0/dev_" + bluez.address("hci1").replace(':', '_');
            try (GattClient aToB = centralA.connect(bOnA, LAYOUT, TIMEOUT)) {
                assertArrayEquals(bytes("identity-b"), aToB.readIdentity());
                aToB.write(bytes("from a"), true);
                assertArrayEquals(bytes("from a"), atB.poll(5, TimeUnit.SECONDS).value());
                bToA.write(bytes("from b"), true);
                assertArrayEquals(bytes("from b"), writes.poll(5, TimeUnit.SECONDS).value());
            }
            bToA.close();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
