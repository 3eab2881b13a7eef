package net.sovereignbridge.drivers.bluez.dbus;

import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.Variant;

/** BlueZ's org.bluez.GattManager1 on an adapter (doc/gatt-api.txt). */
@DBusInterfaceName("org.bluez.GattManager1")
public interface GattManager1 extends DBusInterface {
    void RegisterApplication(DBusPath application, Map<String, Variant<?>> options);

    void UnregisterApplication(DBusPath application);
}
