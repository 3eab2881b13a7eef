package net.sovereignbridge.drivers.bluez.dbus;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/** BlueZ's org.bluez.Device1 (doc/device-api.txt): the methods we call. */
@DBusInterfaceName("org.bluez.Device1")
public interface Device1 extends DBusInterface {
    String NAME = "org.bluez.Device1";

    void Connect();

    void Disconnect();
}
