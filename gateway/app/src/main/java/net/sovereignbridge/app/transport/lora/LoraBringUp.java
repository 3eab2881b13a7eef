package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import net.sovereignbridge.drivers.sx126x.Sx126x;
import net.sovereignbridge.drivers.sx126x.Sx126xBus;
import net.sovereignbridge.drivers.sx126x.Sx126xChip;
import net.sovereignbridge.drivers.sx126x.Sx126xException;
import net.sovereignbridge.drivers.sx126x.Sx126xSettings;
import net.sovereignbridge.drivers.sx126x.pi4j.Pi4jSx126xBus;
import net.sovereignbridge.drivers.sx126x.pi4j.Sx126xWiring;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.CodingRate;
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
 * version that is not an SX1276/77/78/79 (or, on an SX126x board, a version string that is not an SX126x's), a
 * frequency or power the region forbids, a modulation the chip cannot do (LLCC68: SF11 at 250 kHz). The daemon
 * reports the reason and leaves the transport UNAVAILABLE; it does not retry until reconfigured. Which driver runs
 * is the board file's {@code Module}; the transport above is the same for both.
 */
public final class LoraBringUp {
    /** Opens the SPI/GPIO of a board; the Pi4J one in production, an emulated chip in tests. */
    @FunctionalInterface
    public interface BusOpener {
        OpenedBus open(SpiWiring wiring) throws IOException;

        /** Opens an SX126x board's SPI, BUSY, DIO1 and RF-switch lines; an opener for SX127x chips only refuses. */
        default OpenedSx126xBus openSx126x(Sx126xWiring wiring) throws IOException {
            throw new IOException("no SX126x radio can be opened here (spidev" + wiring.spiBus() + "."
                    + wiring.spiChipSelect() + ")");
        }
    }

    /** A bus and what to close when the radio goes away. */
    public record OpenedBus(RadioBus bus, AutoCloseable resources) {}

    /** An SX126x bus and what to close when the radio goes away. */
    public record OpenedSx126xBus(Sx126xBus bus, AutoCloseable resources) {}

    public sealed interface Outcome permits Up, Down {}

    /**
     * The radio answered; the transport is built (not yet started). Close {@code resources} after stopping it: that
     * closes the driver, then the bus.
     */
    public record Up(LoraTransport transport, LoraRadio radio, AutoCloseable resources) implements Outcome {
        /** What the driver found ("SX127x RegVersion 0x12", "SX1262 (SX1261 V2D 2D02)"). */
        public String chip() {
            return radio.chip();
        }
    }

    /** The radio cannot be used; {@code reason} says why and what to do. */
    public record Down(String reason) implements Outcome, RadioOutcome {}

    /** Pi4J on the local Raspberry Pi, after checking /dev for the usual problems. */
    public static BusOpener pi4j() {
        return new BusOpener() {
            @Override
            public OpenedBus open(SpiWiring wiring) throws IOException {
                Pi4jRadioBus b = Pi4jRadioBus.open(wiring, HostDeviceCheck.system());
                return new OpenedBus(b.bus(), b);
            }

            @Override
            public OpenedSx126xBus openSx126x(Sx126xWiring wiring) throws IOException {
                Pi4jSx126xBus b = Pi4jSx126xBus.open(wiring, HostDeviceCheck.system());
                return new OpenedSx126xBus(b.bus(), b);
            }
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
                    b.powerDbm(), b.antennaGainDbi(), b.syncWord(), b.sx126x());
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
        if (power + b.antennaGainDbi() + b.paGainDb() > sub.get().maxEirpDbm()) {
            return new Down(transportId + ": power " + power + " dBm" + (b.paGainDb() > 0 ? " + " + b.paGainDb()
                    + " dB PA" : "") + " is above the limit of " + sub.get().name() + " ("
                    + sub.get().maxEirpDbm() + " dBm EIRP)");
        }
        Modem modem = new Modem(f, b.preset().spreadingFactor(), b.preset().bandwidth(), b.preset().codingRate(),
                b.preset().preambleLength(), b.syncWord(), power);
        RadioOutcome opened = openRadio(transportId, b, modem, opener);
        if (opened instanceof Down d) return d;
        RadioUp radio = (RadioUp) opened;
        return up(transportId, radio.radio(), radio.bus(), sub.get(), linkId, options, time);
    }

    /**
     * LoRa modem settings as both chip families take them: carrier, modulation, preamble, sync word (the SX127x
     * form: 0x12 private, 0x34 LoRaWAN, 0x2B Meshtastic) and the chip's output power (clamped to the chip and board).
     */
    public record Modem(long frequencyHz, int spreadingFactor, Bandwidth bandwidth, CodingRate codingRate,
                        int preambleLength, int syncWord, int powerDbm) {}

    /** What opening a board's chip gave: the radio, or {@link Down} with the reason. */
    public sealed interface RadioOutcome permits RadioUp, Down {}

    /**
     * The chip answered and is driven by {@code radio} (not yet configured). Close {@code radio} first, then
     * {@code bus}.
     */
    public record RadioUp(LoraRadio radio, AutoCloseable bus) implements RadioOutcome {}

    /**
     * Opens the chip of board {@code b} (the driver its {@code Module} names) for {@code modem}, whose frequency and
     * power the caller has checked against the region: the LoRa transport and the Meshtastic link share this.
     */
    public static RadioOutcome openRadio(String transportId, BoardConfig b, Modem modem, BusOpener opener) {
        if (b.sx126x().isPresent()) return openSx126x(transportId, b, modem, opener);
        LoRaSettings settings = LoRaSettings.builder().frequencyHz(modem.frequencyHz())
                .spreadingFactor(modem.spreadingFactor()).bandwidth(modem.bandwidth()).codingRate(modem.codingRate())
                .preambleLength(modem.preambleLength()).syncWord(modem.syncWord())
                .txPowerDbm(Math.max(2, Math.min(modem.powerDbm(), b.maxPowerDbm()))).build();
        OpenedBus opened;
        try {
            opened = opener.open(b.wiring());
        } catch (IOException | RuntimeException e) {
            return new Down(transportId + ": " + e.getMessage());
        }
        Sx127x radio = new Sx127x(opened.bus(), Duration.ofMillis(100), transportId);
        try {
            radio.begin();
        } catch (Sx127xException.UnsupportedChipVersion e) {
            closeQuietly(radio, opened.resources());
            return new Down(transportId + ": version mismatch: " + e.getMessage());
        } catch (Sx127xException e) {
            closeQuietly(radio, opened.resources());
            return new Down(e.getMessage());
        }
        return new RadioUp(new Sx127xRadio(radio, settings), opened.resources());
    }

    private static RadioOutcome openSx126x(String transportId, BoardConfig b, Modem modem, BusOpener opener) {
        Sx126xChip chip = b.sx126x().get().chip();
        Sx126xSettings settings = Sx126xSettings.builder().frequencyHz(modem.frequencyHz())
                .spreadingFactor(modem.spreadingFactor()).bandwidth(modem.bandwidth()).codingRate(modem.codingRate())
                .preambleLength(modem.preambleLength()).syncWord(modem.syncWord())
                .txPowerDbm(Math.max(Sx126xChip.MIN_POWER_DBM, Math.min(modem.powerDbm(),
                        Math.min(b.maxPowerDbm(), Sx126xChip.MAX_POWER_DBM)))).build();
        try {
            settings.check(chip);
        } catch (IllegalArgumentException e) {
            return new Down(transportId + ": " + e.getMessage());
        }
        OpenedSx126xBus opened;
        try {
            opened = opener.openSx126x(b.sx126xWiring().orElseThrow());
        } catch (IOException | RuntimeException e) {
            return new Down(transportId + ": " + e.getMessage());
        }
        Sx126x radio = new Sx126x(opened.bus(), b.sx126x().get().hardware(), Duration.ofMillis(100), transportId);
        try {
            radio.begin();
        } catch (Sx126xException.UnsupportedChip e) {
            closeQuietly(radio, opened.resources());
            return new Down(transportId + ": version mismatch: " + e.getMessage());
        } catch (Sx126xException e) {
            closeQuietly(radio, opened.resources());
            return new Down(e.getMessage());
        }
        return new RadioUp(new Sx126xRadio(radio, settings), opened.resources());
    }

    private static Up up(String transportId, LoraRadio radio, AutoCloseable bus, Region.SubBand sub, int linkId,
                         LoraTransport.Options options, LoraTransport.TimeSource time) {
        LoraTransport transport = new LoraTransport(transportId, radio, sub, linkId, options, time);
        // the driver's receive thread must stop before the bus goes away
        AutoCloseable resources = () -> {
            radio.close();
            bus.close();
        };
        return new Up(transport, radio, resources);
    }

    private static void closeQuietly(AutoCloseable radio, AutoCloseable bus) {
        try {
            radio.close();
            bus.close();
        } catch (Exception ignored) {
            // already failing; the reason returned is the useful part
        }
    }
}
