package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.Sx127x;
import net.sovereignbridge.drivers.sx127x.Sx127xException;
import net.sovereignbridge.drivers.sx127x.pi4j.HostDeviceCheck;
import net.sovereignbridge.drivers.sx127x.pi4j.Pi4jRadioBus;
import net.sovereignbridge.drivers.sx127x.pi4j.SpiWiring;

/**
 * Brings a LoRa radio up from a board definition and a region, or says clearly why not: no /dev/spidev* (SPI not
 * enabled), permission denied (add the user to group spi/gpio), nothing answering (wiring / chip select), a chip
 * version that is not an SX1276/77/78/79, a frequency or power the region forbids. The daemon reports the reason
 * and leaves the transport UNAVAILABLE; it does not retry until reconfigured.
 */
public final class LoraBringUp {
    /** Opens the SPI/GPIO of a board; the Pi4J one in production, an emulated chip in tests. */
    @FunctionalInterface
    public interface BusOpener {
        OpenedBus open(SpiWiring wiring) throws IOException;
    }

    /** A bus and what to close when the radio goes away. */
    public record OpenedBus(RadioBus bus, AutoCloseable resources) {}

    public sealed interface Outcome permits Up, Down {}

    /**
     * The radio answered; the transport is built (not yet started). Close {@code resources} after stopping it: that
     * closes the driver, then the bus.
     */
    public record Up(LoraTransport transport, Sx127x radio, AutoCloseable resources, int chipVersion)
            implements Outcome {}

    /** The radio cannot be used; {@code reason} says why and what to do. */
    public record Down(String reason) implements Outcome {}

    /** Pi4J on the local Raspberry Pi, after checking /dev for the usual problems. */
    public static BusOpener pi4j() {
        return wiring -> {
            Pi4jRadioBus b = Pi4jRadioBus.open(wiring, HostDeviceCheck.system());
            return new OpenedBus(b.bus(), b);
        };
    }

    private LoraBringUp() {}

    /**
     * @param region overrides the board file's region (from the daemon configuration); empty = use the file's
     * @param channel with {@code region}: index into the region's channel list
     */
    public static Outcome bringUp(String transportId, BoardConfig board, Optional<Region> region, int channel,
                                  int linkId, BusOpener opener, LoraTransport.Options options,
                                  LoraTransport.TimeSource time) {
        BoardConfig b = board;
        if (region.isPresent()) {
            Region r = region.get();
            if (channel < 0 || channel >= r.channels().size()) {
                return new Down(transportId + ": channel " + channel + " does not exist in " + r + " (0.."
                        + (r.channels().size() - 1) + ")");
            }
            b = new BoardConfig(b.source(), b.name(), b.module(), b.spiBus(), b.spiChipSelect(), b.csGpio(),
                    b.irqGpio(), b.resetGpio(), b.gpiochip(), b.softwareChipSelect(), b.bandLowHz(), b.bandHighHz(),
                    b.maxPowerDbm(), Optional.of(r), java.util.OptionalLong.of(r.channels().get(channel)), b.preset(),
                    b.powerDbm(), b.antennaGainDbi(), b.syncWord());
        }
        if (b.region().isEmpty() || b.frequencyHz().isEmpty()) {
            return new Down(transportId + ": no region for board " + b.name()
                    + ": set the region in the configuration (EU868, EU433, US915, AS923)");
        }
        Region r = b.region().get();
        long f = b.frequencyHz().getAsLong();
        double bw = b.preset().bandwidth().hertz();
        Optional<Region.SubBand> sub = r.subBandOf(f, bw);
        if (sub.isEmpty()) {
            return new Down(String.format(Locale.ROOT, "%s: %.3f MHz with %.0f kHz is outside %s (%s)", transportId,
                    f / 1e6, bw / 1e3, r, r.describeSubBands()));
        }
        if (f < b.bandLowHz() || f > b.bandHighHz()) {
            return new Down(String.format(Locale.ROOT, "%s: %.3f MHz is outside the band of board %s (%d-%d MHz)",
                    transportId, f / 1e6, b.name(), b.bandLowHz() / 1_000_000, b.bandHighHz() / 1_000_000));
        }
        int power = b.powerDbm().orElse(b.defaultPower(r, f));
        if (power + b.antennaGainDbi() > sub.get().maxEirpDbm()) {
            return new Down(transportId + ": power " + power + " dBm is above the limit of " + sub.get().name() + " ("
                    + sub.get().maxEirpDbm() + " dBm EIRP)");
        }
        LoRaSettings settings = b.loRaSettings().toBuilder().txPowerDbm(Math.max(2, Math.min(power, b.maxPowerDbm())))
                .build();

        OpenedBus opened;
        try {
            opened = opener.open(b.wiring());
        } catch (IOException | RuntimeException e) {
            return new Down(transportId + ": " + e.getMessage());
        }
        Sx127x radio = new Sx127x(opened.bus(), Duration.ofMillis(100), transportId);
        int version;
        try {
            version = radio.begin();
        } catch (Sx127xException.UnsupportedChipVersion e) {
            closeQuietly(radio, opened);
            return new Down(transportId + ": version mismatch: " + e.getMessage());
        } catch (Sx127xException e) {
            closeQuietly(radio, opened);
            return new Down(e.getMessage());
        }
        LoraTransport transport = new LoraTransport(transportId, radio, settings, sub.get(), linkId, options, time);
        // the driver's receive thread must stop before the bus goes away
        AutoCloseable resources = () -> {
            radio.close();
            opened.resources().close();
        };
        return new Up(transport, radio, resources, version);
    }

    private static void closeQuietly(Sx127x radio, OpenedBus opened) {
        radio.close();
        try {
            opened.resources().close();
        } catch (Exception ignored) {
            // already failing; the reason returned is the useful part
        }
    }
}
