package net.sovereignbridge.drivers.bluez;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.base.AbstractConnectionBase;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import net.sovereignbridge.drivers.bluez.dbus.GattCharacteristic1;
import net.sovereignbridge.drivers.bluez.dbus.GattManager1;
import net.sovereignbridge.drivers.bluez.dbus.GattService1;
import net.sovereignbridge.drivers.bluez.dbus.LeAdvertisement1;
import net.sovereignbridge.drivers.bluez.dbus.LeAdvertisingManager1;

/**
 * The peripheral role: a GATT application (one primary service: a write characteristic taking write and
 * write-without-response, a notify characteristic, a read-only identity characteristic) registered with
 * GattManager1 on an adapter, and an advertisement of the service UUID registered with LEAdvertisingManager1.
 *
 * <p>Only bluetoothd may call the exported objects: anyone on the system bus can send them a method call, so a
 * call from another bus name is refused. A write at an offset is refused (our writes are whole; a fragment
 * header above us splits frames), and so is a value over the ATT maximum of 512 bytes.
 */
public final class GattServer implements AutoCloseable {
    public static final int MAX_ATTRIBUTE = 512;

    private final BluezBus bus;
    private final String adapterPath;
    private final GattLayout layout;
    private final byte[] identity;
    private final String localName;
    private final PeripheralListener listener;
    private final String root;
    private final List<String> exported = new ArrayList<>();
    private final AtomicBoolean notifying = new AtomicBoolean();
    private volatile String bluezOwner = "";
    private boolean applicationRegistered;
    private boolean advertising;

    /**
     * @param objectRoot where our objects live on the bus, e.g. /net/sovereignbridge/ble0 (one per server)
     * @param localName  the advertised name, or null; it must fit in the legacy advertisement
     */
    public GattServer(BluezBus bus, String adapterPath, GattLayout layout, byte[] identity, String localName,
                      String objectRoot, PeripheralListener listener) {
        this.bus = Objects.requireNonNull(bus);
        this.adapterPath = Objects.requireNonNull(adapterPath);
        this.layout = Objects.requireNonNull(layout);
        this.identity = identity.clone();
        if (identity.length > MAX_ATTRIBUTE) {
            throw new IllegalArgumentException("identity of " + identity.length + " bytes exceeds " + MAX_ATTRIBUTE);
        }
        this.localName = localName;
        AdvertisingData.requireLegacy(List.of(layout.serviceUuid()), localName);
        this.root = Objects.requireNonNull(objectRoot);
        this.listener = Objects.requireNonNull(listener);
    }

    public String servicePath() {
        return root + "/service0";
    }

    public String writePath() {
        return servicePath() + "/char0";
    }

    public String notifyPath() {
        return servicePath() + "/char1";
    }

    public String identityPath() {
        return servicePath() + "/char2";
    }

    public String advertisementPath() {
        return root + "/advertisement0";
    }

    /** Exports the objects, registers the application, then the advertisement. */
    public synchronized void start() throws BluezException {
        bluezOwner = bus.bluezOwner();
        try {
            export(root, new Application());
            export(servicePath(), new Service());
            export(writePath(), new Characteristic(writePath(), layout.writeUuid(),
                    List.of("write", "write-without-response"), Role.WRITE));
            export(notifyPath(), new Characteristic(notifyPath(), layout.notifyUuid(), List.of("notify"), Role.NOTIFY));
            export(identityPath(), new Characteristic(identityPath(), layout.identityUuid(), List.of("read"), Role.IDENTITY));
            export(advertisementPath(), new Advertisement());
        } catch (DBusException e) {
            close();
            throw new BluezException(BluezException.Reason.FAILED, "cannot export the GATT objects at " + root
                    + ": " + e.getMessage(), e);
        }
        try {
            bus.remote(BluezBus.SERVICE, adapterPath, GattManager1.class)
                    .RegisterApplication(new DBusPath(root), Map.of());
            applicationRegistered = true;
            bus.remote(BluezBus.SERVICE, adapterPath, LeAdvertisingManager1.class)
                    .RegisterAdvertisement(new DBusPath(advertisementPath()), Map.of());
            advertising = true;
        } catch (DBusExecutionException e) {
            String doing = applicationRegistered ? "registering the advertisement on " : "registering the GATT application on ";
            close();
            throw BluezBus.failure(doing + adapterPath, e);
        }
    }

    /** True while some central is subscribed to the notify characteristic. */
    public boolean notifying() {
        return notifying.get();
    }

    /**
     * Notifies every subscribed central (BlueZ sends a PropertiesChanged of Value to all of them; a notification
     * is not addressed to one central). Returns false when nobody is subscribed. The caller keeps the value within
     * the links' MTU - 3: BlueZ cuts what is longer.
     */
    public boolean sendNotification(byte[] value) {
        if (value.length > MAX_ATTRIBUTE) {
            throw new IllegalArgumentException("notification of " + value.length + " bytes exceeds " + MAX_ATTRIBUTE);
        }
        if (!notifying.get()) {
            return false;
        }
        try {
            bus.connection().sendMessage(new Properties.PropertiesChanged(notifyPath(), GattCharacteristic1.NAME,
                    Map.of("Value", new Variant<>(value.clone())), List.of()));
            return true;
        } catch (DBusException e) {
            throw new DBusExecutionException("cannot send a notification: " + e.getMessage(), e);
        }
    }

    private void export(String path, org.freedesktop.dbus.interfaces.DBusInterface object) throws DBusException {
        bus.connection().exportObject(path, object);
        exported.add(path);
    }

    /** Unregisters the advertisement and the application (as far as they were registered), unexports. */
    @Override
    public synchronized void close() {
        if (advertising) {
            advertising = false;
            try {
                bus.remote(BluezBus.SERVICE, adapterPath, LeAdvertisingManager1.class)
                        .UnregisterAdvertisement(new DBusPath(advertisementPath()));
            } catch (DBusExecutionException e) {
                // bluetoothd or the adapter is gone, and with it the registration
            }
        }
        if (applicationRegistered) {
            applicationRegistered = false;
            try {
                bus.remote(BluezBus.SERVICE, adapterPath, GattManager1.class).UnregisterApplication(new DBusPath(root));
            } catch (DBusExecutionException e) {
                // as above
            }
        }
        for (String path : exported) {
            bus.connection().unExportObject(path);
        }
        exported.clear();
        notifying.set(false);
    }

    private void requireBluez() {
        String caller = AbstractConnectionBase.getCallInfo() == null ? null : AbstractConnectionBase.getCallInfo().getSource();
        if (caller == null || !caller.equals(bluezOwner)) {
            throw refusal("org.bluez.Error.NotPermitted", "only bluetoothd (" + bluezOwner + ") may call this, not " + caller);
        }
    }

    static DBusExecutionException refusal(String name, String message) {
        if (name.startsWith("org.freedesktop.DBus.Error.PropertyReadOnly")) {
            return new org.freedesktop.dbus.errors.PropertyReadOnly(message);
        }
        if (name.startsWith("org.freedesktop.DBus.Error.UnknownProperty")) {
            return new org.freedesktop.dbus.errors.UnknownProperty(message);
        }
        return org.bluez.Error.of(name, message);
    }

    private Map<String, Map<String, Variant<?>>> managed(String iface, Map<String, Variant<?>> props) {
        return Map.of(iface, props);
    }

    private Map<String, Variant<?>> serviceProperties() {
        Map<String, Variant<?>> p = new LinkedHashMap<>();
        p.put("UUID", new Variant<>(layout.serviceUuid()));
        p.put("Primary", new Variant<>(true));
        return p;
    }

    private enum Role { WRITE, NOTIFY, IDENTITY }

    private Map<String, Variant<?>> characteristicProperties(String uuid, List<String> flags, Role role) {
        Map<String, Variant<?>> p = new LinkedHashMap<>();
        p.put("UUID", new Variant<>(uuid));
        p.put("Service", new Variant<>(new DBusPath(servicePath())));
        p.put("Flags", new Variant<>(flags.toArray(new String[0])));
        if (role == Role.NOTIFY) {
            p.put("Notifying", new Variant<>(notifying.get()));
        }
        return p;
    }

    /** The application root: bluetoothd learns the service and characteristics from GetManagedObjects. */
    final class Application implements ObjectManager {
        @Override
        public Map<DBusPath, Map<String, Map<String, Variant<?>>>> GetManagedObjects() {
            requireBluez();
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new LinkedHashMap<>();
            objects.put(new DBusPath(servicePath()), managed(GattService1.NAME, serviceProperties()));
            objects.put(new DBusPath(writePath()), managed(GattCharacteristic1.NAME, characteristicProperties(
                    layout.writeUuid(), List.of("write", "write-without-response"), Role.WRITE)));
            objects.put(new DBusPath(notifyPath()), managed(GattCharacteristic1.NAME, characteristicProperties(
                    layout.notifyUuid(), List.of("notify"), Role.NOTIFY)));
            objects.put(new DBusPath(identityPath()), managed(GattCharacteristic1.NAME, characteristicProperties(
                    layout.identityUuid(), List.of("read"), Role.IDENTITY)));
            return objects;
        }

        @Override
        public String getObjectPath() {
            return root;
        }
    }

    final class Service implements GattService1, Properties {
        @Override
        @SuppressWarnings("unchecked")
        public <A> A Get(String iface, String name) {
            return (A) property(GetAll(iface), iface, name);
        }

        @Override
        public <A> void Set(String iface, String name, A value) {
            throw refusal("org.freedesktop.DBus.Error.PropertyReadOnly", name + " is read-only");
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            return GattService1.NAME.equals(iface) ? serviceProperties() : Map.of();
        }

        @Override
        public String getObjectPath() {
            return servicePath();
        }
    }

    final class Characteristic implements GattCharacteristic1, Properties {
        private final String path;
        private final String uuid;
        private final List<String> flags;
        private final Role role;

        Characteristic(String path, String uuid, List<String> flags, Role role) {
            this.path = path;
            this.uuid = uuid;
            this.flags = flags;
            this.role = role;
        }

        @Override
        public byte[] ReadValue(Map<String, Variant<?>> options) {
            requireBluez();
            if (role != Role.IDENTITY) {
                throw refusal("org.bluez.Error.NotPermitted", "characteristic " + uuid + " is not readable");
            }
            int offset = Variants.integer(options, "offset", 0);
            if (offset > identity.length) {
                throw refusal("org.bluez.Error.InvalidOffset", "offset " + offset + " past the identity's "
                        + identity.length + " bytes");
            }
            return java.util.Arrays.copyOfRange(identity, offset, identity.length);
        }

        @Override
        public void WriteValue(byte[] value, Map<String, Variant<?>> options) {
            requireBluez();
            if (role != Role.WRITE) {
                throw refusal("org.bluez.Error.NotPermitted", "characteristic " + uuid + " is not writable");
            }
            int offset = Variants.integer(options, "offset", 0);
            if (offset != 0) {
                throw refusal("org.bluez.Error.InvalidOffset", "write at offset " + offset
                        + ": this service takes whole writes only");
            }
            if (value.length > MAX_ATTRIBUTE) {
                throw refusal("org.bluez.Error.InvalidValueLength", "write of " + value.length + " bytes exceeds "
                        + MAX_ATTRIBUTE);
            }
            String device = Variants.string(options, "device", null);
            if (device == null) {
                throw refusal("org.bluez.Error.InvalidArguments", "write without the device option");
            }
            int mtu = Variants.integer(options, "mtu", 23);
            boolean command = "command".equals(Variants.string(options, "type", "request"));
            try {
                listener.written(new PeripheralListener.Write(device, mtu, command, value));
            } catch (PeripheralListener.WriteRefused e) {
                throw refusal(e.errorName(), e.getMessage());
            } catch (RuntimeException e) {
                throw refusal("org.bluez.Error.Failed", "write failed: " + e.getMessage());
            }
        }

        @Override
        public void StartNotify() {
            requireBluez();
            if (role != Role.NOTIFY) {
                throw refusal("org.bluez.Error.NotSupported", "characteristic " + uuid + " does not notify");
            }
            if (!notifying.getAndSet(true)) {
                listener.subscribed();
            }
        }

        @Override
        public void StopNotify() {
            requireBluez();
            if (notifying.getAndSet(false)) {
                listener.unsubscribed();
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public <A> A Get(String iface, String name) {
            return (A) property(GetAll(iface), iface, name);
        }

        @Override
        public <A> void Set(String iface, String name, A value) {
            throw refusal("org.freedesktop.DBus.Error.PropertyReadOnly", name + " is read-only");
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            return GattCharacteristic1.NAME.equals(iface) ? characteristicProperties(uuid, flags, role) : Map.of();
        }

        @Override
        public String getObjectPath() {
            return path;
        }
    }

    final class Advertisement implements LeAdvertisement1, Properties {
        @Override
        public void Release() {
            requireBluez();
            advertising = false;   // bluetoothd dropped it (adapter gone, powered off); the owner re-registers
        }

        @Override
        @SuppressWarnings("unchecked")
        public <A> A Get(String iface, String name) {
            return (A) property(GetAll(iface), iface, name);
        }

        @Override
        public <A> void Set(String iface, String name, A value) {
            throw refusal("org.freedesktop.DBus.Error.PropertyReadOnly", name + " is read-only");
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            if (!LeAdvertisement1.NAME.equals(iface)) {
                return Map.of();
            }
            Map<String, Variant<?>> p = new LinkedHashMap<>();
            p.put("Type", new Variant<>("peripheral"));
            p.put("ServiceUUIDs", new Variant<>(new String[] {layout.serviceUuid()}));
            if (localName != null && !localName.isEmpty()) {
                p.put("LocalName", new Variant<>(localName));
            }
            return p;
        }

        @Override
        public String getObjectPath() {
            return advertisementPath();
        }
    }

    private static Variant<?> property(Map<String, Variant<?>> all, String iface, String name) {
        Variant<?> v = all.get(name);
        if (v == null) {
            throw refusal("org.freedesktop.DBus.Error.UnknownProperty", "no property " + iface + "." + name);
        }
        return v;
    }
}
