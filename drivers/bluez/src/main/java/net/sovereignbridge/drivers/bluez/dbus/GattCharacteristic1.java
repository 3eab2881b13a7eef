package net.sovereignbridge.drivers.bluez.dbus;

import java.util.Map;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.Variant;

/**
 * org.bluez.GattCharacteristic1 (doc/gatt-api.txt): we export it as a GATT server (bluetoothd calls us) and
 * call it on a remote device's objects as a GATT client.
 */
@DBusInterfaceName("org.bluez.GattCharacteristic1")
public interface GattCharacteristic1 extends DBusInterface {
    String NAME = "org.bluez.GattCharacteristic1";

    byte[] ReadValue(Map<String, Variant<?>> options);

    void WriteValue(byte[] value, Map<String, Variant<?>> options);

    void StartNotify();

    void StopNotify();
}
