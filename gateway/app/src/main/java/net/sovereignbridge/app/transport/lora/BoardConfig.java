package net.sovereignbridge.app.transport.lora;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.pi4j.SpiWiring;

/**
 * One radio board as described by a file in board-configs/ (see {@link BoardConfigParser} for the keys).
 *
 * @param csGpio the chip-select pin (BCM): a CE line with hardware chip select, any GPIO with software
 * @param bandLowHz lowest frequency the module's matching network supports (RFM95: 862 MHz)
 * @param maxPowerDbm the board's limit (20 dBm on PA_BOOST)
 * @param region the regulatory region, when the file names one (the daemon configuration may override it)
 * @param frequencyHz carrier: from {@code frequency}, or the region's channel {@code channel}
 * @param powerDbm requested output power; defaults to the lower of the board's and the sub-band's limit
 * @param antennaGainDbi added to the power when checking the region's EIRP limit
 */
public record BoardConfig(String source, String name, String module, int spiBus, int spiChipSelect, int csGpio,
                          int irqGpio, OptionalInt resetGpio, OptionalInt gpiochip, boolean softwareChipSelect,
                          long bandLowHz, long bandHighHz, int maxPowerDbm, Optional<Region> region,
                          OptionalLong frequencyHz, ModemPreset preset, OptionalInt powerDbm, int antennaGainDbi,
                          int syncWord) {

    /** How to open the radio's SPI and GPIO. */
    public SpiWiring wiring() {
        return new SpiWiring(spiBus, spiChipSelect, irqGpio, resetGpio,
                softwareChipSelect ? OptionalInt.of(csGpio) : OptionalInt.empty(), 8_000_000);
    }

    public String spidev() {
        return "spidev" + spiBus + "." + spiChipSelect;
    }

    /**
     * Modem settings for this board in its region.
     *
     * @throws IllegalStateException when the file names no region or frequency (the parser reports that)
     */
    public LoRaSettings loRaSettings() {
        Region r = region.orElseThrow(() -> new IllegalStateException(source + ": no region"));
        long f = frequencyHz.orElseThrow(() -> new IllegalStateException(source + ": no frequency"));
        int power = powerDbm.orElse(defaultPower(r, f));
        return LoRaSettings.builder().frequencyHz(f).spreadingFactor(preset.spreadingFactor())
                .bandwidth(preset.bandwidth()).codingRate(preset.codingRate())
                .preambleLength(preset.preambleLength()).syncWord(syncWord).txPowerDbm(Math.max(2, power)).build();
    }

    /** The highest power both the board and the sub-band allow. */
    public int defaultPower(Region r, long f) {
        int limit = r.subBandOf(f, preset.bandwidth().hertz()).map(b -> b.maxEirpDbm() - antennaGainDbi)
                .orElse(maxPowerDbm);
        return Math.min(maxPowerDbm, limit);
    }
}
