package net.sovereignbridge.app.transport.ble;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.TransportSettings;
import net.sovereignbridge.drivers.bluez.AdvertisingData;
import net.sovereignbridge.mesh.transport.TransportProfile;

/**
 * BLE through BlueZ ({@link BleTransport}): keys {@code adapter, name, max-links, connect-timeout-ms,
 * neighbour-timeout-ms}. Only in {@code transports:} lists. Bringing it up never fails for a missing adapter or
 * BlueZ: the transport reports that as UNAVAILABLE and tries again by itself, since adapters come and go.
 */
public final class BleTransportFactory implements TransportFactory {
    public static final String TYPE = "ble";
    private static final Pattern ADAPTER = Pattern.compile("hci[0-9]{1,3}");

    private final String busAddress;
    private final Clock clock;

    /** @param busAddress the system bus BlueZ is on (from DBUS_SYSTEM_BUS_ADDRESS); tests give a private one */
    public BleTransportFactory(String busAddress, Clock clock) {
        this.busAddress = Objects.requireNonNull(busAddress, "busAddress");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A checked {@code ble} section. */
    public record Settings(String id, BleTransport.Options options, String busAddress, Clock clock)
            implements TransportSettings {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Outcome bringUp(TransportContext context) {
            return Up.of(new BleTransport(id, options, busAddress, context.node().toBytes(), clock));
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String shorthandId() {
        return "ble0";
    }

    @Override
    public boolean drivesRadio() {
        return true;
    }

    /** There is no {@code ble:} shorthand; an empty section asks for nothing, any key in it is an error. */
    @Override
    public Optional<TransportSettings> readShorthand(ConfigNode section) throws ConfigException {
        return TransportFactory.listEntryOnly(section, "BLE is configured in transports: as {type: ble, id: ble0, adapter: hci0}",
                "adapter");
    }

    @Override
    public TransportSettings read(String id, ConfigNode section) throws ConfigException {
        String adapter = section.string("adapter", "hci0");
        if (!ADAPTER.matcher(adapter).matches()) {
            throw section.invalid("adapter", "'" + adapter + "' is no BlueZ adapter name (hci0, hci1, ...; see"
                    + " bluetoothctl list)");
        }
        String name = section.string("name", "");
        try {
            AdvertisingData.requireLegacy(List.of(BleTransport.LAYOUT.serviceUuid()), name);
        } catch (IllegalArgumentException e) {
            throw section.invalid("name", e.getMessage());
        }
        int maxLinks = (int) section.integer("max-links", 8, 1, 32);
        long connectTimeout = section.integer("connect-timeout-ms", 10_000, 1_000, 60_000);
        long timeout = section.integer("neighbour-timeout-ms", TransportProfile.DEFAULT_NEIGHBOUR_TIMEOUT_MILLIS, 1_000,
                86_400_000);
        return new Settings(id, new BleTransport.Options(adapter, name, maxLinks, connectTimeout, timeout), busAddress,
                clock);
    }
}
