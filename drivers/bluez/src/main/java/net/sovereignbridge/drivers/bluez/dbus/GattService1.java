package net.sovereignbridge.drivers.bluez.dbus;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/** org.bluez.GattService1: properties only (UUID, Primary, Device or none). */
@DBusInterfaceName("org.bluez.GattService1")
public interface GattService1 extends DBusInterface {
    String NAME = "org.bluez.GattService1";
}
