package net.sovereignbridge.drivers.bluez;

import java.util.Map;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/** The test controls of the mocked bluetoothd (bluez5_gatt.py and dbusmock's bluez5 template). */
@DBusInterfaceName("org.bluez.Mock")
public interface BluezMockControl extends DBusInterface {
    String AddAdapter(String deviceName, String systemName);

    void RemoveAdapter(String deviceName);

    String AddDevice(String adapter, String address, String alias);

    void SetMtu(String adapter, UInt16 mtu);

    String InjectWrite(String adapter, String address, byte[] value, Map<String, Variant<?>> options);

    void CutLink(String adapter, String address);

    Map<String, UInt32> Stats();
}
