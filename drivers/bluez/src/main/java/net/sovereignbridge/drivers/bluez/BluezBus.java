package net.sovereignbridge.drivers.bluez;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import net.sovereignbridge.drivers.bluez.dbus.Adapter1;

/**
 * A private connection to the system bus and what BlueZ has on it: the entry point of this library.
 * The address is DBUS_SYSTEM_BUS_ADDRESS when set (tests point it at a private dbus-daemon), else the
 * standard system bus socket.
 */
public final class BluezBus implements AutoCloseable {
    public static final String SERVICE = "org.bluez";
    public static final String DEFAULT_SYSTEM_BUS = "unix:path=/var/run/dbus/system_bus_socket";

    private final DBusConnection connection;
    private final String address;

    private BluezBus(DBusConnection connection, String address) {
        this.connection = connection;
        this.address = address;
    }

    /** The system bus address from the environment, or the standard socket. */
    public static String systemBusAddress(Map<String, String> environment) {
        String configured = environment.get("DBUS_SYSTEM_BUS_ADDRESS");
        return configured == null || configured.isBlank() ? DEFAULT_SYSTEM_BUS : configured;
    }

    /** Connects to the system bus named by the environment of this process. */
    public static BluezBus connectSystem() throws BluezException {
        return connect(systemBusAddress(System.getenv()));
    }

    public static BluezBus connect(String address) throws BluezException {
        Objects.requireNonNull(address, "address");
        try {
            DBusConnection connection = DBusConnectionBuilder.forAddress(address)
                    .withShared(false)
                    // one signal thread and one method-call thread: notifications and writes of a characteristic
                    // reach us in the order bluetoothd sent them (the fragments of a frame)
                    .receivingThreadConfig().withSignalThreadCount(1).withMethodCallThreadCount(1).connectionConfig()
                    .build();
            return new BluezBus(connection, address);
        } catch (DBusException | DBusExecutionException e) {
            if (causedBy(e, AccessDeniedException.class) || messageOf(e).contains("ermission denied")) {
                throw new BluezException(BluezException.Reason.PERMISSION_DENIED,
                        "the system bus at " + address + " refuses the connection (" + messageOf(e)
                                + "): run the gateway as a user allowed on the system bus", e);
            }
            throw new BluezException(BluezException.Reason.BUS_UNREACHABLE,
                    "cannot reach the system bus at " + address + " (" + messageOf(e)
                            + "): is dbus running (systemctl status dbus)?", e);
        }
    }

    public DBusConnection connection() {
        return connection;
    }

    public String address() {
        return address;
    }

    /** The unique bus name of bluetoothd, or a reason why there is none. */
    public String bluezOwner() throws BluezException {
        DBus bus = remote("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
        try {
            if (!bus.NameHasOwner(SERVICE)) {
                throw new BluezException(BluezException.Reason.BLUEZ_NOT_RUNNING,
                        "BlueZ is not running (nobody owns " + SERVICE + " on the system bus at " + address
                                + "): start it with systemctl start bluetooth");
            }
            return bus.GetNameOwner(SERVICE);
        } catch (DBusExecutionException e) {
            throw failure("asking the bus for " + SERVICE, e);
        }
    }

    /** BlueZ's whole object tree: path, interface, property. */
    public Map<String, Map<String, Map<String, Variant<?>>>> managedObjects() throws BluezException {
        bluezOwner();
        try {
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> raw =
                    remote(SERVICE, "/", ObjectManager.class).GetManagedObjects();
            Map<String, Map<String, Map<String, Variant<?>>>> byPath = new TreeMap<>();
            raw.forEach((path, interfaces) -> byPath.put(path.getPath(), interfaces));
            return byPath;
        } catch (DBusExecutionException e) {
            throw failure("reading BlueZ's objects", e);
        }
    }

    /** The adapter of this name (hci0) if it is there and powered, or the reason it cannot be used. */
    public AdapterInfo adapter(String name) throws BluezException {
        Map<String, Map<String, Map<String, Variant<?>>>> objects = managedObjects();
        String path = "/org/bluez/" + name;
        Map<String, Map<String, Variant<?>>> interfaces = objects.get(path);
        if (interfaces == null || !interfaces.containsKey(Adapter1.NAME)) {
            List<String> present = objects.entrySet().stream()
                    .filter(e -> e.getValue().containsKey(Adapter1.NAME))
                    .map(e -> e.getKey().substring(e.getKey().lastIndexOf('/') + 1))
                    .collect(Collectors.toList());
            throw new BluezException(BluezException.Reason.ADAPTER_ABSENT,
                    "no Bluetooth adapter " + name + (present.isEmpty()
                            ? " (BlueZ has no adapter at all: is a controller attached and its firmware loaded?)"
                            : " (BlueZ has " + String.join(", ", present) + ": set adapter to one of them)"));
        }
        Map<String, Variant<?>> props = interfaces.get(Adapter1.NAME);
        AdapterInfo info = new AdapterInfo(name, path, Variants.string(props, "Address", "?"),
                Variants.bool(props, "Powered", false));
        if (!info.powered()) {
            throw new BluezException(BluezException.Reason.POWERED_OFF,
                    "Bluetooth adapter " + name + " is powered off: run 'rfkill unblock bluetooth' and"
                            + " 'bluetoothctl power on'");
        }
        return info;
    }

    /** One property of one BlueZ object. */
    public Variant<?> property(String path, String iface, String name) throws BluezException {
        try {
            Object value = remote(SERVICE, path, Properties.class).Get(iface, name);
            return value instanceof Variant ? (Variant<?>) value : new Variant<>(value);
        } catch (DBusExecutionException e) {
            throw failure("reading " + iface + "." + name + " of " + path, e);
        }
    }

    public <T extends org.freedesktop.dbus.interfaces.DBusInterface> T remote(String bus, String path, Class<T> type) {
        try {
            return connection.getRemoteObject(bus, path, type);
        } catch (DBusException e) {
            throw new DBusExecutionException("no proxy for " + path + ": " + e.getMessage(), e);
        }
    }

    /** An error BlueZ or the bus answered, turned into a reason; AccessDenied is the bus policy. */
    public static BluezException failure(String doing, DBusExecutionException e) {
        String name = errorName(e);
        if (name.endsWith(".AccessDenied") || name.endsWith(".NotAuthorized")) {
            return new BluezException(BluezException.Reason.PERMISSION_DENIED,
                    doing + ": the system bus policy refuses us (" + name + "): add the gateway's user to group"
                            + " bluetooth, or a policy in /etc/dbus-1/system.d allowing it to talk to " + SERVICE, e);
        }
        if (name.endsWith(".ServiceUnknown") || name.endsWith(".NameHasNoOwner")) {
            return new BluezException(BluezException.Reason.BLUEZ_NOT_RUNNING,
                    doing + ": BlueZ left the bus (" + name + "): start it with systemctl start bluetooth", e);
        }
        return new BluezException(BluezException.Reason.FAILED, doing + ": " + name + ": " + e.getMessage(), e);
    }

    /**
     * The D-Bus error name of a failed call (org.bluez.Error.Failed, org.freedesktop.DBus.Error.AccessDenied ...),
     * from the class dbus-java made of it; a name without a class arrives as a plain DBusExecutionException.
     */
    public static String errorName(DBusExecutionException e) {
        String name = e.getClass().getName();
        if (name.startsWith("org.freedesktop.dbus.errors.")) {
            return "org.freedesktop.DBus.Error." + e.getClass().getSimpleName();
        }
        if (e.getClass() == DBusExecutionException.class) {
            return "unnamed error";
        }
        return name.replace('$', '.');
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String messageOf(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && text.indexOf(t.getMessage()) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (IOException e) {
            // the bus went away first: nothing left to close
        }
    }

    /** An adapter that is present and powered. */
    public record AdapterInfo(String name, String path, String address, boolean powered) {
    }
}
