package net.sovereignbridge.drivers.bluez;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * bluetoothd played by Debian's python3-dbusmock (bluez5 template plus bluez5_gatt.py from this test-jar) on a
 * private bus. It must run under Debian's /usr/bin/python3, which has the python3-dbusmock package.
 */
public final class MockBluez implements AutoCloseable {
    public static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final DBusConnection control;
    private final BluezMockControl mock;
    private final Path log;

    private MockBluez(Process process, DBusConnection control, Path log) throws Exception {
        this.process = process;
        this.control = control;
        this.log = log;
        this.mock = control.getRemoteObject("org.bluez", "/", BluezMockControl.class);
    }

    public static MockBluez start(PrivateSystemBus bus) throws Exception {
        Path template = bus.dir().resolve("bluez5_gatt.py");
        try (InputStream in = MockBluez.class.getResourceAsStream("bluez5_gatt.py")) {
            Files.copy(in, template, StandardCopyOption.REPLACE_EXISTING);
        }
        Path log = Files.createTempFile(bus.dir(), "bluez-mock", ".log");
        ProcessBuilder builder = new ProcessBuilder(PYTHON, "-m", "dbusmock", "-t", template.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
        Process process = builder.start();
        DBusConnection control = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build();
        DBus daemon = control.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!daemon.NameHasOwner("org.bluez")) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                control.close();
                throw new IOException("the BlueZ mock did not come up: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        return new MockBluez(process, control, log);
    }

    public String addAdapter(String name, String alias) {
        return mock.AddAdapter(name, alias);
    }

    public void removeAdapter(String name) {
        mock.RemoveAdapter(name);
    }

    public void setPowered(String name, boolean powered) throws Exception {
        control.getRemoteObject("org.bluez", "/org/bluez/" + name, Properties.class)
                .Set("org.bluez.Adapter1", "Powered", new Variant<>(powered));
    }

    /** The Bluetooth address the mock gave adapter NAME. */
    public String address(String name) throws Exception {
        Object v = control.getRemoteObject("org.bluez", "/org/bluez/" + name, Properties.class)
                .Get("org.bluez.Adapter1", "Address");
        return (v instanceof Variant ? ((Variant<?>) v).getValue() : v).toString();
    }

    public void setMtu(String adapter, int mtu) {
        mock.SetMtu(adapter, new UInt16(mtu));
    }

    /** A foreign central writes; returns the D-Bus error name our application answered, or "". */
    public String injectWrite(String adapter, String centralAddress, byte[] value, Map<String, Variant<?>> options) {
        return mock.InjectWrite(adapter, centralAddress, value, options);
    }

    public void cutLink(String adapter, String address) {
        mock.CutLink(adapter, address);
    }

    public Map<String, Long> stats() {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, UInt32> e : mock.Stats().entrySet()) {
            out.put(e.getKey(), e.getValue().longValue());
        }
        return out;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** bluetoothd stops (crash or systemctl stop): its name leaves the bus. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        control.close();
    }
}
