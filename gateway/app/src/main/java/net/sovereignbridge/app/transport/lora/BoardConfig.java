package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.sovereignbridge.drivers.sx126x.pi4j.Sx126xWiring;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.pi4j.SpiWiring;

/**
 * One radio board as described by a file in board-configs/ (see {@link BoardConfigParser} for the keys).
 *
 * @param csGpio the chip-select pin (BCM): a CE line with hardware chip select, any GPIO with software
 * @param irqGpio the radio's interrupt line: DIO0 on an SX127x, DIO1 on an SX126x
 * @param bandLowHz lowest frequency the module's matching network supports (RFM95: 862 MHz)
 * @param maxPowerDbm the board's limit (20 dBm on PA_BOOST)
 * @param region the regulatory region, when the file names one (the daemon configuration may override it)
 * @param frequencyHz carrier: from {@code frequency}, or the region's channel {@code channel}
 * @param powerDbm requested output power; defaults to the lower of the board's and the sub-band's limit
 * @param antennaGainDbi added to the power when checking the region's EIRP limit
 * @param sx126x present for SX1262/SX1268/LLCC68 boards: BUSY, RF switch, TCXO, enable lines, PA gain
 */
public record BoardConfig(String source, String name, String module, int spiBus, int spiChipSelect, int csGpio,
                          int irqGpio, OptionalInt resetGpio, OptionalInt gpiochip, boolean softwareChipSelect,
                          long bandLowHz, long bandHighHz, int maxPowerDbm, Optional<Region> region,
                          OptionalLong frequencyHz, ModemPreset preset, OptionalInt powerDbm, int antennaGainDbi,
                          int syncWord, Optional<Sx126xBoard> sx126x) {

    /** An SX127x board (the form the SX127x bring-up builds). */
    public BoardConfig(String source, String name, String module, int spiBus, int spiChipSelect, int csGpio,
                       int irqGpio, OptionalInt resetGpio, OptionalInt gpiochip, boolean softwareChipSelect,
                       long bandLowHz, long bandHighHz, int maxPowerDbm, Optional<Region> region,
                       OptionalLong frequencyHz, ModemPreset preset, OptionalInt powerDbm, int antennaGainDbi,
                       int syncWord) {
        this(source, name, module, spiBus, spiChipSelect, csGpio, irqGpio, resetGpio, gpiochip, softwareChipSelect,
                bandLowHz, bandHighHz, maxPowerDbm, region, frequencyHz, preset, powerDbm, antennaGainDbi, syncWord,
                Optional.empty());
    }

    /** "SX1262", "SX1268", "LLCC68" or "SX127x". */
    public String chipName() {
        return sx126x.map(x -> x.chip().name()).orElse("SX127x");
    }

    /**
     * How to open an SX127x radio's SPI and GPIO.
     *
     * @throws IllegalStateException for an SX126x board (its wiring is {@link #sx126xWiring()}): the LoRa transport
     *     drives SX127x radios; an SX126x board validates but is not brought up by it yet
     */
    public SpiWiring wiring() {
        if (net.sovereignbridge.drivers.sx126x.Sx126xChip.parse(module).isPresent()) {
            throw new IllegalStateException(name + " carries an " + module + ": the LoRa transport does not drive "
                    + "SX126x radios yet (the board file is valid; sbridge board validate says so)");
        }
        return new SpiWiring(spiBus, spiChipSelect, irqGpio, resetGpio,
                softwareChipSelect ? OptionalInt.of(csGpio) : OptionalInt.empty(), 8_000_000);
    }

    /** How to open an SX126x radio's SPI and GPIO; empty for SX127x boards. */
    public Optional<Sx126xWiring> sx126xWiring() {
        return sx126x.map(x -> new Sx126xWiring(spiBus, spiChipSelect, irqGpio, x.busyGpio(), resetGpio,
                softwareChipSelect ? OptionalInt.of(csGpio) : OptionalInt.empty(), x.txEnableGpio(), x.rxEnableGpio(),
                x.enableGpios(), 2_000_000));
    }

    /** Gain of an external PA after the chip (0 without one): radiated power = chip power + this + antenna gain. */
    public int paGainDb() {
        return sx126x.map(Sx126xBoard::paGainDb).orElse(0);
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
        // an SX127x's PA_BOOST starts at 2 dBm; SX126x boards take their settings from sx126xSettings()
        return LoRaSettings.builder().frequencyHz(f).spreadingFactor(preset.spreadingFactor())
                .bandwidth(preset.bandwidth()).codingRate(preset.codingRate())
                .preambleLength(preset.preambleLength()).syncWord(syncWord).txPowerDbm(Math.max(2, power)).build();
    }

    /**
     * Modem settings for an SX126x board in its region.
     *
     * @throws IllegalStateException for an SX127x board, or when the file names no region or frequency
     */
    public net.sovereignbridge.drivers.sx126x.Sx126xSettings sx126xSettings() {
        if (sx126x.isEmpty()) throw new IllegalStateException(source + ": not an SX126x board");
        Region r = region.orElseThrow(() -> new IllegalStateException(source + ": no region"));
        long f = frequencyHz.orElseThrow(() -> new IllegalStateException(source + ": no frequency"));
        int power = powerDbm.orElse(defaultPower(r, f));
        return net.sovereignbridge.drivers.sx126x.Sx126xSettings.builder().frequencyHz(f)
                .spreadingFactor(preset.spreadingFactor()).bandwidth(preset.bandwidth())
                .codingRate(preset.codingRate()).preambleLength(preset.preambleLength()).syncWord(syncWord)
                .txPowerDbm(Math.max(net.sovereignbridge.drivers.sx126x.Sx126xChip.MIN_POWER_DBM, power)).build();
    }

    /** The highest chip power both the board and the sub-band allow (external PA and antenna gain counted). */
    public int defaultPower(Region r, long f) {
        int limit = r.subBandOf(f, preset.bandwidth().hertz()).map(b -> b.maxEirpDbm() - antennaGainDbi - paGainDb())
                .orElse(maxPowerDbm);
        return Math.min(maxPowerDbm, limit);
    }
}
