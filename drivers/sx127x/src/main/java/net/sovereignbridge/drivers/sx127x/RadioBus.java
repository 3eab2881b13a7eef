package net.sovereignbridge.drivers.sx127x;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything the driver needs from the board: SPI, the DIO0 interrupt line, and optionally NRESET and a chip
 * select driven by software (boards whose radio CS is not a hardware CE line, e.g. the Dragino LoRa/GPS HAT,
 * CS on GPIO25).
 */
public record RadioBus(SpiDevice spi, DigitalInput dio0, Optional<DigitalOutput> reset,
                       Optional<DigitalOutput> chipSelect) {
    public RadioBus {
        Objects.requireNonNull(spi, "spi");
        Objects.requireNonNull(dio0, "dio0");
        Objects.requireNonNull(reset, "reset");
        Objects.requireNonNull(chipSelect, "chipSelect");
    }

    public static RadioBus of(SpiDevice spi, DigitalInput dio0, DigitalOutput reset, DigitalOutput chipSelect) {
        return new RadioBus(spi, dio0, Optional.ofNullable(reset), Optional.ofNullable(chipSelect));
    }
}
