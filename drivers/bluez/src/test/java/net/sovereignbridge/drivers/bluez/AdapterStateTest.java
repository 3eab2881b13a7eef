package net.sovereignbridge.drivers.bluez;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Adapter present, absent, powered off, BlueZ gone, bus gone, policy refusing: each with its reason. */
class AdapterStateTest {

    @Test
    void presentAndPoweredAdapterIsReported() throws Exception {
        try (PrivateSystemBus bus = PrivateSystemBus.start(); MockBluez bluez = MockBluez.start(bus);
             BluezBus client = BluezBus.connect(bus.address())) {
            bluez.addAdapter("hci0", "gw-a");
            BluezBus.AdapterInfo info = client.adapter("hci0");
            assertEquals("/org/bluez/hci0", info.path());
            assertEquals(bluez.address("hci0"), info.address());
            assertTrue(info.powered());
        }
    }

    @Test
    void absentAdapterNamesTheOnesThatExist() throws Exception {
        try (PrivateSystemBus bus = PrivateSystemBus.start(); MockBluez bluez = MockBluez.start(bus);
             BluezBus client = BluezBus.connect(bus.address())) {
            BluezException none = assertThrows(BluezException.class, () -> client.adapter("hci0"));
            assertEquals(BluezException.Reason.ADAPTER_ABSENT, none.reason());
            assertTrue(none.getMessage().contains("no adapter at all"), none.getMessage());

            bluez.addAdapter("hci1", "gw-a");
            BluezException other = assertThrows(BluezException.class, () -> client.adapter("hci0"));
            assertEquals(BluezException.Reason.ADAPTER_ABSENT, other.reason());
            assertTrue(other.getMessage().contains("BlueZ has hci1"), other.getMessage());

            bluez.addAdapter("hci0", "gw-a");
            assertEquals("hci0", client.adapter("hci0").name());
            bluez.removeAdapter("hci0");
            assertEquals(BluezException.Reason.ADAPTER_ABSENT,
                    assertThrows(BluezException.class, () -> client.adapter("hci0")).reason());
        }
    }

    @Test
    void poweredOffAdapterSaysHowToPowerItOn() throws Exception {
        try (PrivateSystemBus bus = PrivateSystemBus.start(); MockBluez bluez = MockBluez.start(bus);
             BluezBus client = BluezBus.connect(bus.address())) {
            bluez.addAdapter("hci0", "gw-a");
            bluez.setPowered("hci0", false);
            BluezException off = assertThrows(BluezException.class, () -> client.adapter("hci0"));
            assertEquals(BluezException.Reason.POWERED_OFF, off.reason());
            assertTrue(off.getMessage().contains("bluetoothctl power on"), off.getMessage());
            bluez.setPowered("hci0", true);
            assertTrue(client.adapter("hci0").powered());
        }
    }

    @Test
    void bluezNotRunningThenStartedThenStopped() throws Exception {
        try (PrivateSystemBus bus = PrivateSystemBus.start(); BluezBus client = BluezBus.connect(bus.address())) {
            BluezException before = assertThrows(BluezException.class, () -> client.adapter("hci0"));
            assertEquals(BluezException.Reason.BLUEZ_NOT_RUNNING, before.reason());
            assertTrue(before.getMessage().contains("systemctl start bluetooth"), before.getMessage());
            try (MockBluez bluez = MockBluez.start(bus)) {
                bluez.addAdapter("hci0", "gw-a");
                assertEquals("hci0", client.adapter("hci0").name());
            }
            assertEquals(BluezException.Reason.BLUEZ_NOT_RUNNING,
                    assertThrows(BluezException.class, () -> client.adapter("hci0")).reason());
        }
    }

    @Test
    void missingBusIsUnreachable() throws Exception {
        String address = "unix:path=" + Files.createTempDirectory("no-bus").resolve("socket");
        BluezException e = assertThrows(BluezException.class, () -> BluezBus.connect(address));
        assertEquals(BluezException.Reason.BUS_UNREACHABLE, e.reason());
        assertTrue(e.getMessage().contains(address), e.getMessage());
    }

    @Test
    void busPolicyRefusingBluezIsPermissionDenied() throws Exception {
        try (PrivateSystemBus bus = PrivateSystemBus.start(true)) {
            // the mock owns org.bluez, but the policy refuses every message to it (as for a user outside group bluetooth)
            MockBluez bluez = MockBluez.start(bus);
            try (BluezBus client = BluezBus.connect(bus.address())) {
                BluezException e = assertThrows(BluezException.class, () -> client.adapter("hci0"));
                assertEquals(BluezException.Reason.PERMISSION_DENIED, e.reason());
                assertTrue(e.getMessage().contains("group bluetooth"), e.getMessage());
            } finally {
                bluez.close();
            }
        }
    }

    @Test
    void systemBusAddressComesFromTheEnvironment() {
        assertEquals("unix:path=/tmp/x", BluezBus.systemBusAddress(Map.of("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/tmp/x")));
        assertEquals(BluezBus.DEFAULT_SYSTEM_BUS, BluezBus.systemBusAddress(Map.of()));
    }
}
