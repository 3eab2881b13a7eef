package net.sovereignbridge.drivers.bluez.dbus;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/** org.bluez.LEAdvertisement1, which we export: bluetoothd reads its properties and calls Release. */
@DBusInterfaceName("org.bluez.LEAdvertisement1")
public interface LeAdvertisement1 extends DBusInterface {
    String NAME = "org.bluez.LEAdvertisement1";

    void Release();
}
