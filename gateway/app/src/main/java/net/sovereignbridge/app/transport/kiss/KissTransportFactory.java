package net.sovereignbridge.app.transport.kiss;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.TransportSettings;
import net.sovereignbridge.drivers.kiss.Callsign;
import net.sovereignbridge.drivers.kiss.SerialPortOpener;
import net.sovereignbridge.drivers.kiss.TncParameters;
import net.sovereignbridge.mesh.transport.TransportProfile;

/**
 * A KISS TNC on a serial port ({@link KissTransport}): keys {@code device, speed, callsign, kiss-port, air-bitrate,
 * mtu, txdelay, persistence, slottime, full-duplex, neighbour-timeout-ms, duty-cycle, queue-limit}. Only in {@code transports:} lists (no shorthand: a radio needs a
 * device and a callsign, which have no defaults).
 */
public final class KissTransportFactory implements TransportFactory {
    public static final String TYPE = "kiss";

    private final SerialPortOpener opener;
    private final Clock clock;

    /** @param opener jSerialComm on this machine; tests pass the same one over pty pairs */
    public KissTransportFactory(SerialPortOpener opener, Clock clock) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A checked {@code kiss} section. */
    public record Settings(String id, KissTransport.Options options, SerialPortOpener opener, Clock clock)
            implements TransportSettings {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Outcome bringUp(TransportContext context) {
            if (!Files.exists(Path.of(options.device()))) {
                return new Down("no serial device " + options.device() + ": plug the TNC in (or fix its device:"
                        + " key; /dev/serial/by-id/ names stay the same across replugs), then sbridge transport start "
                        + id);
            }
            // busy or permission denied show at start as FAILED with the port's reason; the port reopens by itself
            return Up.of(new KissTransport(id, options, opener, clock));
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String shorthandId() {
        return "kiss0";
    }

    @Override
    public boolean drivesRadio() {
        return true;
    }

    /** There is no {@code kiss:} shorthand; an empty section asks for nothing, any key in it is an error. */
    @Override
    public Optional<TransportSettings> readShorthand(ConfigNode section) throws ConfigException {
        return TransportFactory.listEntryOnly(section, "a KISS TNC is configured in transports: as {type: kiss, id: kiss0, ...}",
                "device", "callsign");
    }

    @Override
    public TransportSettings read(String id, ConfigNode section) throws ConfigException {
        String device = section.string("device", "");
        if (device.isEmpty()) throw section.invalid("device", "missing: the TNC's serial device, e.g. /dev/ttyUSB0");
        int speed = (int) section.integer("speed", 9600, 300, 4_000_000);
        String call = section.string("callsign", "");
        Callsign callsign;
        try {
            callsign = Callsign.parse(call);
        } catch (IllegalArgumentException e) {
            throw section.invalid("callsign", call.isEmpty() ? "missing: this station's callsign, e.g. N0CALL-7"
                    : e.getMessage());
        }
        if (callsign.equals(KissTransport.GROUP)) {
            throw section.invalid("callsign", KissTransport.GROUP + " is the broadcast address, not a station");
        }
        int kissPort = (int) section.integer("kiss-port", 0, 0, 15);
        long airBitrate = section.integer("air-bitrate", 1200, 50, 10_000_000);
        int mtu = (int) section.integer("mtu", KissTransport.MAX_MTU, 32, KissTransport.MAX_MTU);
        TncParameters d = TncParameters.defaults();
        int txDelay = (int) section.integer("txdelay", d.txDelay(), 0, 255);
        int persistence = (int) section.integer("persistence", d.persistence(), 0, 255);
        int slotTime = (int) section.integer("slottime", d.slotTime(), 0, 255);
        boolean fullDuplex = section.bool("full-duplex", d.fullDuplex());
        long timeout = section.integer("neighbour-timeout-ms", TransportProfile.DEFAULT_NEIGHBOUR_TIMEOUT_MILLIS, 1_000,
                86_400_000);
        double dutyCycle = section.decimal("duty-cycle", 1.0, 0.001, 1.0);
        int queueLimit = (int) section.integer("queue-limit", 64, 1, 1024);
        return new Settings(id, new KissTransport.Options(device, speed, callsign, kissPort, airBitrate, mtu,
                new TncParameters(txDelay, persistence, slotTime, d.txTail(), fullDuplex), timeout, dutyCycle,
                queueLimit), opener, clock);
    }
}
