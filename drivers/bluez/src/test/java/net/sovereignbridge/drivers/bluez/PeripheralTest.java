package net.sovereignbridge.drivers.bluez;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import net.sovereignbridge.drivers.bluez.dbus.Adapter1;
import net.sovereignbridge.drivers.bluez.dbus.GattCharacteristic1;

/** The GATT server and advertisement as the mocked bluetoothd reads and calls them. */
class PeripheralTest {
    static final GattLayout LAYOUT = new GattLayout("5b1d0001-7c3e-4f0a-9a57-0e3b6a2c9d41",
            "5b1d0002-7c3e-4f0a-9a57-0e3b6a2c9d41", "5b1d0003-7c3e-4f0a-9a57-0e3b6a2c9d41",
            "5b1d0004-7c3e-4f0a-9a57-0e3b6a2c9d41");
    static final String PHONE = "AA:BB:CC:DD:EE:01";

    PrivateSystemBus bus;
    MockBluez bluez;
    BluezBus client;
    final BlockingQueue<PeripheralListener.Write> writes = new LinkedBlockingQueue<>();
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final PeripheralListener listener = new PeripheralListener() {
        @Override
        public void written(Write write) throws WriteRefused {
            if (new String(write.value(), StandardCharsets.UTF_8).equals("refuse me")) {
                throw new WriteRefused("org.bluez.Error.NotAuthorized", "not now");
            }
            writes.add(write);
        }

        @Override
        public void subscribed() {
            events.add("subscribed");
        }
    };

    @BeforeEach
    void up() throws Exception {
        bus = PrivateSystemBus.start();
        bluez = MockBluez.start(bus);
        bluez.addAdapter("hci0", "gw-a");
        bluez.addAdapter("hci1", "gw-b");
        client = BluezBus.connect(bus.address());
    }

    @AfterEach
    void down() throws Exception {
        client.close();
        bluez.close();
        bus.close();
    }

    GattServer server(String name) {
        return new GattServer(client, "/org/bluez/hci0", LAYOUT, "identity".getBytes(StandardCharsets.UTF_8),
                name, "/net/sovereignbridge/test0", listener);
    }

    @Test
    void bluetoothdReadsTheApplicationAndPassesWritesWithDeviceAndMtu() throws Exception {
        try (GattServer server = server("sbridge")) {
            server.start();
            assertEquals("", bluez.injectWrite("hci0", PHONE, bytes("hello"), Map.of()));
            PeripheralListener.Write w = writes.poll(5, TimeUnit.SECONDS);
            assertEquals("/org/bluez/hci0/dev_AA_BB_CC_DD_EE_01", w.device());
            assertEquals(185, w.mtu());
            assertFalse(w.command());
            assertArrayEquals(bytes("hello"), w.value());

            bluez.setMtu("hci0", 23);
            assertEquals("", bluez.injectWrite("hci0", PHONE, bytes("x"), Map.of("type", new Variant<>("command"))));
            PeripheralListener.Write small = writes.poll(5, TimeUnit.SECONDS);
            assertEquals(23, small.mtu());
            assertTrue(small.command());
        }
    }

    @Test
    void theAdvertisementCarriesTheServiceUuidToAScanner() throws Exception {
        try (GattServer server = server("sbridge")) {
            server.start();
            Adapter1 scanner = client.remote(BluezBus.SERVICE, "/org/bluez/hci1", Adapter1.class);
            scanner.SetDiscoveryFilter(Map.of("UUIDs", new Variant<>(new String[] {LAYOUT.serviceUuid()}),
                    "Transport", new Variant<>("le")));
            scanner.StartDiscovery();
            String device = "/org/bluez/hci1/dev_" + bluez.address("hci0").replace(':', '_');
            Map<String, Variant<?>> props = client.managedObjects().get(device).get("org.bluez.Device1");
            assertEquals(List.of(LAYOUT.serviceUuid()), Variants.strings(props, "UUIDs"));
        }
    }

    @Test
    void hostileWritesAreRefusedWithBluezErrorsAndReachNobody() throws Exception {
        try (GattServer server = server(null)) {
            server.start();
            assertEquals("org.bluez.Error.InvalidOffset",
                    bluez.injectWrite("hci0", PHONE, bytes("tail"), Map.of("offset", new Variant<>(new UInt16(3)))));
            assertEquals("org.bluez.Error.InvalidValueLength", bluez.injectWrite("hci0", PHONE, new byte[513], Map.of()));
            assertEquals("org.bluez.Error.NotAuthorized", bluez.injectWrite("hci0", PHONE, bytes("refuse me"), Map.of()));
            assertEquals("", bluez.injectWrite("hci0", PHONE, new byte[512], Map.of()));
            assertEquals(512, writes.poll(5, TimeUnit.SECONDS).value().length);
            assertNull(writes.poll(200, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void onlyBluetoothdMayCallTheExportedObjects() throws Exception {
        try (GattServer server = server(null); BluezBus stranger = BluezBus.connect(bus.address())) {
            server.start();
            GattCharacteristic1 ours = stranger.remote(client.connection().getUniqueName(), server.writePath(),
                    GattCharacteristic1.class);
            DBusExecutionException e = assertThrows(DBusExecutionException.class,
                    () -> ours.WriteValue(bytes("spoof"), Map.of("device", new Variant<>(
                            new org.freedesktop.dbus.DBusPath("/org/bluez/hci0/dev_00_00_00_00_00_00")))));
            assertEquals("org.bluez.Error.NotPermitted", BluezBus.errorName(e));
            assertThrows(DBusExecutionException.class, ours::StartNotify);
            assertFalse(server.notifying());
            assertNull(writes.poll(200, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void anAdvertisementOverTheLegacyLimitIsRefusedBeforeBluez() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server("sovereign-bridge-gw"));
        assertTrue(e.getMessage().contains("31-byte"), e.getMessage());
        assertEquals(31, AdvertisingData.legacyBytes(List.of(LAYOUT.serviceUuid()), "sbridge1"));
    }

    @Test
    void closeUnregistersSoThatTheServerCanStartAgain() throws Exception {
        GattServer first = server("sbridge");
        first.start();
        first.close();
        assertEquals("org.bluez.Error.DoesNotExist", errorOf(() -> bluez.injectWrite("hci0", PHONE, bytes("x"), Map.of())));
        try (GattServer again = server("sbridge")) {
            again.start();
            assertEquals("", bluez.injectWrite("hci0", PHONE, bytes("again"), Map.of()));
            assertArrayEquals(bytes("again"), writes.poll(5, TimeUnit.SECONDS).value());
        }
    }

    static String errorOf(Runnable call) {
        try {
            call.run();
            return "";
        } catch (DBusExecutionException e) {
            return BluezBus.errorName(e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
