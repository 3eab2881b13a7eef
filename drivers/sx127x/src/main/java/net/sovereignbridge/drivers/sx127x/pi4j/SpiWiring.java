package net.sovereignbridge.drivers.sx127x.pi4j;

import java.util.OptionalInt;

/**
 * How a radio is wired to a Raspberry Pi header. GPIO numbers are BCM numbers.
 *
 * @param spiBus 0 for /dev/spidev0.x
 * @param spiChipSelect the kernel chip select (x in /dev/spidevB.x); with a software chip select this device is
 *     only opened for its clock and data lines
 * @param dio0Gpio the radio's DIO0 (RxDone/TxDone/CadDone)
 * @param resetGpio NRESET, absent on boards that do not wire it (Uputronics)
 * @param softwareChipSelectGpio chip select driven as a GPIO (Dragino LoRa/GPS HAT: GPIO25)
 * @param spiHz SPI clock; the SX127x accepts up to 10 MHz (datasheet 2.5.7), 8 MHz leaves margin for long wires
 */
public record SpiWiring(int spiBus, int spiChipSelect, int dio0Gpio, OptionalInt resetGpio,
                        OptionalInt softwareChipSelectGpio, int spiHz) {
    public SpiWiring {
        if (spiBus < 0 || spiBus > 6) throw new IllegalArgumentException("SPI bus must be 0..6");
        if (spiChipSelect < 0 || spiChipSelect > 2) throw new IllegalArgumentException("SPI chip select must be 0..2");
        checkGpio(dio0Gpio, "DIO0");
        resetGpio.ifPresent(g -> checkGpio(g, "RESET"));
        softwareChipSelectGpio.ifPresent(g -> checkGpio(g, "CS"));
        if (spiHz < 100_000 || spiHz > 10_000_000) throw new IllegalArgumentException("SPI clock must be 0.1..10 MHz");
    }

    private static void checkGpio(int gpio, String what) {
        if (gpio < 0 || gpio > 27) throw new IllegalArgumentException(what + " must be a header GPIO 0..27 (BCM), got " + gpio);
    }

    /** The spidev node this wiring opens, e.g. "/dev/spidev0.1". */
    public String spiDevicePath() {
        return "/dev/spidev" + spiBus + "." + spiChipSelect;
    }
}
