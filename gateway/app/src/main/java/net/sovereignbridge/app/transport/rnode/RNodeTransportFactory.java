package net.sovereignbridge.app.transport.rnode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.TransportSettings;
import net.sovereignbridge.app.transport.lora.LoraRadioConfig;
import net.sovereignbridge.app.transport.lora.LoraTransport;
import net.sovereignbridge.app.transport.lora.ModemPreset;
import net.sovereignbridge.drivers.kiss.SerialPortException;
import net.sovereignbridge.drivers.kiss.SerialPortOpener;
import net.sovereignbridge.drivers.rnode.RNodeException;
import net.sovereignbridge.drivers.rnode.RNodeSettings;
import net.sovereignbridge.mesh.transport.radio.Region;

/**
 * An RNode on USB serial as a LoRa transport ({@link RNodeRadio} under {@link LoraTransport}): keys {@code device,
 * speed, region, channel, frequency, preset, spreading-factor, bandwidth, coding-rate, tx-power, antenna-gain,
 * internet-share}. The region's rules are checked when the file is read (the whole channel inside one sub-band, power
 * plus antenna gain within its EIRP limit), so a setting the law forbids never reaches the radio; the duty cycle is
 * the sub-band's, as for an SPI radio. Only in {@code transports:} lists: a device has no default.
 */
public final class RNodeTransportFactory implements TransportFactory {
    public static final String TYPE = "rnode";
    /** The bandwidths a LoRa chip has, as RNodes spell them in Hz. */
    static final long[] BANDWIDTHS = {7_800, 10_400, 15_600, 20_800, 31_250, 41_700, 62_500, 125_000, 250_000,
            500_000};
    /** The TX power limit of the SX1276 most RNodes carry; boards with an SX1262 reach 22 dBm. */
    static final int DEFAULT_MAX_POWER_DBM = 17;
    private static final long REPLY_TIMEOUT_MILLIS = 2_000;

    private final SerialPortOpener opener;
    private final LoraTransport.TimeSource time;

    /** @param opener jSerialComm on this machine; tests pass the same one over pty pairs to emulated RNodes */
    public RNodeTransportFactory(SerialPortOpener opener, LoraTransport.TimeSource time) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.time = Objects.requireNonNull(time, "time");
    }

    /** A checked {@code rnode} section. */
    public record Settings(String id, String device, int speed, RNodeSettings radio, Region.SubBand subBand,
                           double internetShare, SerialPortOpener opener, LoraTransport.TimeSource time)
            implements TransportSettings {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Outcome bringUp(TransportContext context) {
            if (!Files.exists(Path.of(device))) {
                return new Down(id + ": no serial device " + device + ": plug the RNode in (or fix its device: key;"
                        + " /dev/serial/by-id/ names stay the same across replugs), then sbridge transport start " + id);
            }
            RNodeRadio r;
            try {
                r = RNodeRadio.open(id, opener, device, speed, radio, REPLY_TIMEOUT_MILLIS);
            } catch (SerialPortException | RNodeException e) {
                return new Down(id + ": " + e.getMessage());
            }
            // the RNode listens before talking itself and has no CAD command for ours
            LoraTransport.Options options = LoraTransport.Options.defaults().withListenBeforeTalk(false)
                    .withInternetShare(internetShare);
            LoraTransport t = new LoraTransport(id, r, subBand, LoraRadioConfig.linkIdOf(context.node()), options,
                    time);
            return new Up(t, r::close);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String shorthandId() {
        return "rnode0";
    }

    @Override
    public boolean drivesRadio() {
        return true;
    }

    /** There is no {@code rnode:} shorthand; an empty section asks for nothing, any key in it is an error. */
    @Override
    public Optional<TransportSettings> readShorthand(ConfigNode section) throws ConfigException {
        return TransportFactory.listEntryOnly(section, "an RNode is configured in transports: as {type: rnode, id: rnode0, ...}",
                "device");
    }

    @Override
    public TransportSettings read(String id, ConfigNode section) throws ConfigException {
        String device = section.string("device", "");
        if (device.isEmpty()) {
            throw section.invalid("device", "missing: the RNode's serial device, e.g. /dev/serial/by-id/usb-...");
        }
        int speed = (int) section.integer("speed", 115_200, 300, 4_000_000);
        String regionName = section.string("region", "");
        if (regionName.isEmpty()) {
            throw section.invalid("region", "missing: the radio region (" + regionNames() + "), for its frequencies,"
                    + " power limit and duty cycle");
        }
        Region region = Region.parse(regionName).orElseThrow(() -> section.invalid("region",
                "'" + regionName + "' is not one of " + regionNames()));
        int channel = (int) section.integer("channel", region.channels().size() - 1, 0, region.channels().size() - 1);
        long frequency = section.integer("frequency", region.channels().get(channel), RNodeSettings.MIN_FREQUENCY_HZ,
                RNodeSettings.MAX_FREQUENCY_HZ);
        String presetName = section.string("preset", ModemPreset.LONG_FAST.key());
        ModemPreset preset = ModemPreset.parse(presetName).orElseThrow(() -> section.invalid("preset",
                "'" + presetName + "' is not a preset (short-fast, short, medium, long-fast, long-slow)"));
        int sf = (int) section.integer("spreading-factor", preset.spreadingFactor(), 7, 12);
        long defaultBw = Math.round(preset.bandwidth().hertz() / 100.0) * 100; // 7812.5 -> 7800 as RNodes spell it
        long bw = section.integer("bandwidth", nearestBandwidth(defaultBw), BANDWIDTHS[0],
                BANDWIDTHS[BANDWIDTHS.length - 1]);
        if (java.util.Arrays.stream(BANDWIDTHS).noneMatch(b -> b == bw)) {
            throw section.invalid("bandwidth", bw + " Hz is no LoRa bandwidth (one of "
                    + java.util.Arrays.toString(BANDWIDTHS) + " Hz)");
        }
        int cr = (int) section.integer("coding-rate", preset.codingRate().code() + 4, 5, 8);
        int gain = (int) section.integer("antenna-gain", 0, -10, 30);
        Optional<Region.SubBand> sub = region.subBandOf(frequency, bw);
        if (sub.isEmpty()) {
            throw section.invalid(section.has("frequency") ? "frequency" : "channel", String.format(Locale.ROOT,
                    "%.3f MHz with %.1f kHz is outside %s (%s)", frequency / 1e6, bw / 1e3, region,
                    region.describeSubBands()));
        }
        int maxPower = sub.get().maxEirpDbm() - gain;
        int power = (int) section.integer("tx-power", Math.max(0, Math.min(DEFAULT_MAX_POWER_DBM, maxPower)), 0,
                RNodeSettings.MAX_TX_POWER_DBM);
        if (power > maxPower) {
            throw section.invalid("tx-power", power + " dBm + " + gain + " dBi antenna is above the limit of "
                    + sub.get().name() + " (" + sub.get().maxEirpDbm() + " dBm EIRP)");
        }
        double share = section.decimal("internet-share", 0.25, 0.0, 1.0);
        return new Settings(id, device, speed, new RNodeSettings(frequency, bw, sf, cr, power), sub.get(), share,
                opener, time);
    }

    private static long nearestBandwidth(long hz) {
        long best = BANDWIDTHS[0];
        for (long b : BANDWIDTHS) if (Math.abs(b - hz) < Math.abs(best - hz)) best = b;
        return best;
    }

    private static String regionNames() {
        StringBuilder sb = new StringBuilder();
        for (Region r : Region.values()) sb.append(sb.length() == 0 ? "" : ", ").append(r.name());
        return sb.toString();
    }
}
