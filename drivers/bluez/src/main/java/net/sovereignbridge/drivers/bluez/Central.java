package net.sovereignbridge.drivers.bluez;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import net.sovereignbridge.drivers.bluez.dbus.Adapter1;
import net.sovereignbridge.drivers.bluez.dbus.Device1;

/**
 * The central role on one adapter: discovery of devices advertising a service UUID (Adapter1's discovery filter),
 * and connections to them ({@link GattClient}). Signals are believed only from bluetoothd's bus name.
 */
public final class Central implements AutoCloseable {
    private final BluezBus bus;
    private final String adapterPath;
    private final List<AutoCloseable> discoveryHandlers = new ArrayList<>();
    private final Map<String, List<String>> uuidsByDevice = new ConcurrentHashMap<>();
    private volatile String bluezOwner = "";
    private volatile String wanted;
    private volatile Consumer<Found> found;
    private boolean discovering;

    public Central(BluezBus bus, String adapterPath) {
        this.bus = Objects.requireNonNull(bus);
        this.adapterPath = Objects.requireNonNull(adapterPath);
    }

    /** A device advertising the service: its Device1 path, address, RSSI in dBm (0 when unknown), name. */
    public record Found(String device, String address, int rssi, String name) {
    }

    /**
     * Starts LE discovery filtered on the service UUID and reports each device that advertises it, now and
     * whenever BlueZ adds or updates one. {@code found} runs on dbus-java's signal thread: hand work off.
     */
    public synchronized void startDiscovery(String serviceUuid, Consumer<Found> found) throws BluezException {
        this.wanted = serviceUuid.toLowerCase(Locale.ROOT);
        this.found = Objects.requireNonNull(found);
        bluezOwner = bus.bluezOwner();
        try {
            discoveryHandlers.add(bus.connection().addSigHandler(ObjectManager.InterfacesAdded.class, this::added));
            discoveryHandlers.add(bus.connection().addSigHandler(Properties.PropertiesChanged.class, this::changed));
        } catch (DBusException e) {
            throw new BluezException(BluezException.Reason.FAILED, "cannot watch BlueZ's signals: " + e.getMessage(), e);
        }
        Adapter1 adapter = bus.remote(BluezBus.SERVICE, adapterPath, Adapter1.class);
        try {
            adapter.SetDiscoveryFilter(Map.of("UUIDs", new Variant<>(new String[] {wanted}),
                    "Transport", new Variant<>("le")));
            adapter.StartDiscovery();
            discovering = true;
        } catch (DBusExecutionException e) {
            stopHandlers();
            throw BluezBus.failure("starting discovery on " + adapterPath, e);
        }
        // devices BlueZ already knows (seen before, or bonded) are reported too
        for (Map.Entry<String, Map<String, Map<String, Variant<?>>>> e : bus.managedObjects().entrySet()) {
            Map<String, Variant<?>> device = e.getValue().get(Device1.NAME);
            if (device != null && isOurDevice(e.getKey())) {
                consider(e.getKey(), device);
            }
        }
    }

    public synchronized void stopDiscovery() {
        stopHandlers();
        if (discovering) {
            discovering = false;
            try {
                bus.remote(BluezBus.SERVICE, adapterPath, Adapter1.class).StopDiscovery();
            } catch (DBusExecutionException e) {
                // the adapter or bluetoothd went away, and discovery with it
            }
        }
    }

    /**
     * Connects (Device1.Connect), waits until BlueZ has resolved the services, and finds the layout's
     * characteristics; a device already connected (it connected to us) is used as it is.
     */
    public GattClient connect(String devicePath, GattLayout layout, Duration timeout) throws BluezException {
        return GattClient.open(bus, devicePath, layout, timeout);
    }

    private boolean isOurDevice(String path) {
        return path.startsWith(adapterPath + "/dev_") && path.indexOf('/', adapterPath.length() + 1) < 0;
    }

    private void added(ObjectManager.InterfacesAdded signal) {
        Map<String, Variant<?>> device = signal.getInterfaces().get(Device1.NAME);
        String path = signal.getSignalSource().getPath();
        if (device != null && bluezOwner.equals(signal.getSource()) && isOurDevice(path)) {
            consider(path, device);
        }
    }

    private void changed(Properties.PropertiesChanged signal) {
        if (!Device1.NAME.equals(signal.getInterfaceName()) || !bluezOwner.equals(signal.getSource())
                || !isOurDevice(signal.getPath())) {
            return;
        }
        Map<String, Variant<?>> props = signal.getPropertiesChanged();
        if (props.containsKey("UUIDs") || props.containsKey("RSSI")) {
            consider(signal.getPath(), props);
        }
    }

    private void consider(String path, Map<String, Variant<?>> props) {
        if (props.containsKey("UUIDs")) {
            uuidsByDevice.put(path, Variants.strings(props, "UUIDs"));
        }
        List<String> uuids = uuidsByDevice.getOrDefault(path, List.of());
        Consumer<Found> report = found;
        if (report == null || uuids.stream().noneMatch(u -> u.equalsIgnoreCase(wanted))) {
            return;
        }
        String address = Variants.string(props, "Address", null);
        String name = Variants.string(props, "Name", "");
        if (address == null) {
            address = path.substring(path.lastIndexOf("/dev_") + 5).replace('_', ':');
        }
        report.accept(new Found(path, address, Variants.integer(props, "RSSI", 0), name));
    }

    private void stopHandlers() {
        for (AutoCloseable handler : discoveryHandlers) {
            try {
                handler.close();
            } catch (Exception e) {
                // the connection is closing: the handler goes with it
            }
        }
        discoveryHandlers.clear();
    }

    @Override
    public void close() {
        stopDiscovery();
    }
}
