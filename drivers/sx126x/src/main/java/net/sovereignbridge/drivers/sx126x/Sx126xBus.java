package net.sovereignbridge.drivers.sx126x;

import java.util.Objects;
import java.util.Optional;
import net.sovereignbridge.drivers.sx127x.DigitalInput;
import net.sovereignbridge.drivers.sx127x.DigitalOutput;
import net.sovereignbridge.drivers.sx127x.SpiDevice;

/**
 * Everything the driver needs from the board: SPI, the BUSY and DIO1 inputs, and optionally NRESET, a chip select
 * driven by software (HATs whose NSS is not a CE line, e.g. the MeshAdv-Pi on GPIO21), and the TXEN/RXEN lines of
 * modules whose RF switch is not driven by DIO2 (E22-900M30S: TXEN and RXEN; some E22-M22S boards: RXEN only).
 */
public record Sx126xBus(SpiDevice spi, DigitalInput busy, DigitalInput dio1, Optional<DigitalOutput> reset,
                        Optional<DigitalOutput> chipSelect, Optional<DigitalOutput> txEnable,
                        Optional<DigitalOutput> rxEnable) {
    public Sx126xBus {
        Objects.requireNonNull(spi, "spi");
        Objects.requireNonNull(busy, "busy");
        Objects.requireNonNull(dio1, "dio1");
        Objects.requireNonNull(reset, "reset");
        Objects.requireNonNull(chipSelect, "chipSelect");
        Objects.requireNonNull(txEnable, "txEnable");
        Objects.requireNonNull(rxEnable, "rxEnable");
    }

    /** Nulls for lines the board does not have. */
    public static Sx126xBus of(SpiDevice spi, DigitalInput busy, DigitalInput dio1, DigitalOutput reset,
                               DigitalOutput chipSelect, DigitalOutput txEnable, DigitalOutput rxEnable) {
        return new Sx126xBus(spi, busy, dio1, Optional.ofNullable(reset), Optional.ofNullable(chipSelect),
                Optional.ofNullable(txEnable), Optional.ofNullable(rxEnable));
    }
}
