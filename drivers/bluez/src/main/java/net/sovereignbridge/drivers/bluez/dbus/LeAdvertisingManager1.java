package net.sovereignbridge.drivers.bluez.dbus;

import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.Variant;

/** BlueZ's org.bluez.LEAdvertisingManager1 on an adapter (doc/advertising-api.txt). */
@DBusInterfaceName("org.bluez.LEAdvertisingManager1")
public interface LeAdvertisingManager1 extends DBusInterface {
    void RegisterAdvertisement(DBusPath advertisement, Map<String, Variant<?>> options);

    void UnregisterAdvertisement(DBusPath advertisement);
}
