package net.sovereignbridge.drivers.bluez.dbus;

import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.Variant;

/** BlueZ's org.bluez.Adapter1 (doc/adapter-api.txt): the methods we call. */
@DBusInterfaceName("org.bluez.Adapter1")
@SuppressWarnings("checkstyle:MethodName")
public interface Adapter1 extends DBusInterface {
    String NAME = "org.bluez.Adapter1";

    void StartDiscovery();

    void StopDiscovery();

    void SetDiscoveryFilter(Map<String, Variant<?>> filter);

    void RemoveDevice(DBusPath device);
}
