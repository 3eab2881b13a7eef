package net.sovereignbridge.drivers.bluez;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import net.sovereignbridge.drivers.bluez.dbus.Device1;
import net.sovereignbridge.drivers.bluez.dbus.GattCharacteristic1;
import net.sovereignbridge.drivers.bluez.dbus.GattService1;

/**
 * One connection to a remote GATT server of our layout, as a client: write, read the identity, subscribe to
 * notifications, learn of the link's loss. Notifications are believed only from bluetoothd's bus name and only
 * for the notify characteristic of this device: anyone on the bus can emit a PropertiesChanged signal.
 */
public final class GattClient implements AutoCloseable {
    private final BluezBus bus;
    private final String device;
    private final String bluezOwner;
    private final List<AutoCloseable> handlers = new ArrayList<>();
    private final List<Runnable> lossListeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch resolved = new CountDownLatch(1);
    private volatile boolean connected = true;
    private volatile Consumer<byte[]> notifications;
    private String writePath;
    private String notifyPath;
    private String identityPath;
    private int mtu = 23;

    private GattClient(BluezBus bus, String device, String bluezOwner) {
        this.bus = bus;
        this.device = device;
        this.bluezOwner = bluezOwner;
    }

    static GattClient open(BluezBus bus, String device, GattLayout layout, Duration timeout) throws BluezException {
        GattClient client = new GattClient(bus, device, bus.bluezOwner());
        try {
            client.handlers.add(bus.connection().addSigHandler(Properties.PropertiesChanged.class, client::changed));
            client.handlers.add(bus.connection().addSigHandler(ObjectManager.InterfacesRemoved.class, client::removed));
            client.connect(layout, timeout);
            return client;
        } catch (DBusException e) {
            client.release();
            throw new BluezException(BluezException.Reason.FAILED, "cannot watch BlueZ's signals: " + e.getMessage(), e);
        } catch (BluezException | RuntimeException e) {
            client.release();
            throw e;
        }
    }

    private void connect(GattLayout layout, Duration timeout) throws BluezException {
        try {
            bus.remote(BluezBus.SERVICE, device, Device1.class).Connect();
        } catch (org.bluez.Error.AlreadyConnected e) {
            // the peer connected to us first: one link serves both roles
        } catch (DBusExecutionException e) {
            throw BluezBus.failure("connecting to " + device, e);
        }
        if (!Variants.bool(Map.of("v", bus.property(device, Device1.NAME, "ServicesResolved")), "v", false)) {
            try {
                if (!resolved.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    disconnectQuietly();
                    throw new BluezException(BluezException.Reason.FAILED, "connected to " + device
                            + " but BlueZ did not resolve its services within " + timeout.toMillis() + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BluezException(BluezException.Reason.FAILED, "interrupted connecting to " + device, e);
            }
        }
        String service = null;
        Map<String, Map<String, Map<String, Variant<?>>>> objects = bus.managedObjects();
        for (Map.Entry<String, Map<String, Map<String, Variant<?>>>> e : objects.entrySet()) {
            Map<String, Variant<?>> s = e.getValue().get(GattService1.NAME);
            if (s != null && e.getKey().startsWith(device + "/")
                    && layout.serviceUuid().equalsIgnoreCase(Variants.string(s, "UUID", ""))) {
                service = e.getKey();
            }
        }
        if (service == null) {
            disconnectQuietly();
            throw new BluezException(BluezException.Reason.FAILED, device + " does not offer service " + layout.serviceUuid());
        }
        for (Map.Entry<String, Map<String, Map<String, Variant<?>>>> e : objects.entrySet()) {
            Map<String, Variant<?>> c = e.getValue().get(GattCharacteristic1.NAME);
            if (c == null || !service.equals(Variants.string(c, "Service", ""))) {
                continue;
            }
            String uuid = Variants.string(c, "UUID", "");
            if (uuid.equalsIgnoreCase(layout.writeUuid())) {
                writePath = e.getKey();
                mtu = Variants.integer(c, "MTU", 23);   // BlueZ 5.62 and later; the ATT minimum otherwise
            } else if (uuid.equalsIgnoreCase(layout.notifyUuid())) {
                notifyPath = e.getKey();
            } else if (uuid.equalsIgnoreCase(layout.identityUuid())) {
                identityPath = e.getKey();
            }
        }
        if (writePath == null || notifyPath == null || identityPath == null) {
            disconnectQuietly();
            throw new BluezException(BluezException.Reason.FAILED, device + "'s service " + layout.serviceUuid()
                    + " lacks a characteristic (write " + writePath + ", notify " + notifyPath + ", identity "
                    + identityPath + ")");
        }
    }

    public String device() {
        return device;
    }

    /** The link's ATT MTU; a write command or a notification carries at most MTU - 3 bytes. */
    public int mtu() {
        return mtu;
    }

    public boolean connected() {
        return connected;
    }

    /** Runs once when the link is lost (out of range, peer gone, bluetoothd gone), on the signal thread. */
    public void onLoss(Runnable listener) {
        lossListeners.add(listener);
        if (!connected) {
            listener.run();
        }
    }

    /** A write command (without response, at most MTU - 3 bytes) or a write request (answered, at most 512). */
    public void write(byte[] value, boolean withResponse) throws BluezException {
        try {
            bus.remote(BluezBus.SERVICE, writePath, GattCharacteristic1.class).WriteValue(value,
                    Map.of("type", new Variant<>(withResponse ? "request" : "command")));
        } catch (DBusExecutionException e) {
            throw BluezBus.failure("writing " + value.length + " bytes to " + device, e);
        }
    }

    public byte[] readIdentity() throws BluezException {
        try {
            return bus.remote(BluezBus.SERVICE, identityPath, GattCharacteristic1.class).ReadValue(Map.of());
        } catch (DBusExecutionException e) {
            throw BluezBus.failure("reading the identity of " + device, e);
        }
    }

    /** Subscribes (StartNotify); each notification's value goes to {@code sink} in order, on the signal thread. */
    public void subscribe(Consumer<byte[]> sink) throws BluezException {
        notifications = sink;
        try {
            bus.remote(BluezBus.SERVICE, notifyPath, GattCharacteristic1.class).StartNotify();
        } catch (DBusExecutionException e) {
            notifications = null;
            throw BluezBus.failure("subscribing to " + device, e);
        }
    }

    private void changed(Properties.PropertiesChanged signal) {
        if (!bluezOwner.equals(signal.getSource())) {
            return;
        }
        String path = signal.getPath();
        Map<String, Variant<?>> props = signal.getPropertiesChanged();
        if (path.equals(device) && Device1.NAME.equals(signal.getInterfaceName())) {
            if (Variants.bool(props, "ServicesResolved", false)) {
                resolved.countDown();
            }
            if (props.containsKey("Connected") && !Variants.bool(props, "Connected", true)) {
                lost();
            }
        } else if (path.equals(notifyPath) && GattCharacteristic1.NAME.equals(signal.getInterfaceName())) {
            byte[] value = Variants.bytes(props, "Value");
            Consumer<byte[]> sink = notifications;
            if (value != null && sink != null) {
                sink.accept(value);
            }
        }
    }

    private void removed(ObjectManager.InterfacesRemoved signal) {
        if (bluezOwner.equals(signal.getSource()) && signal.getSignalSource().getPath().equals(device)) {
            lost();
        }
    }

    private void lost() {
        if (connected) {
            connected = false;
            for (Runnable listener : lossListeners) {
                listener.run();
            }
        }
    }

    private void disconnectQuietly() {
        try {
            bus.remote(BluezBus.SERVICE, device, Device1.class).Disconnect();
        } catch (DBusExecutionException e) {
            // already gone
        }
    }

    private void release() {
        for (AutoCloseable handler : handlers) {
            try {
                handler.close();
            } catch (Exception e) {
                // the connection is closing: the handler goes with it
            }
        }
        handlers.clear();
    }

    /** Disconnects (Device1.Disconnect) and stops listening. */
    @Override
    public void close() {
        release();
        if (connected) {
            connected = false;
            disconnectQuietly();
        }
    }
}
