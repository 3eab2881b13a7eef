package net.sovereignbridge.drivers.sx126x.pi4j;

import java.util.List;
import java.util.OptionalInt;

/**
 * How an SX126x module is wired to a Raspberry Pi header (BCM GPIO numbers), as meshtasticd's config.d files say.
 *
 * @param spiChipSelect the kernel chip select (x in /dev/spidevB.x); with a software chip select this device is
 *     opened only for its clock and data lines
 * @param dio1Gpio meshtasticd's {@code IRQ}: the radio's DIO1
 * @param busyGpio meshtasticd's {@code Busy}
 * @param softwareChipSelectGpio NSS driven as a GPIO (MeshAdv-Pi, Waveshare adapters: GPIO21)
 * @param txEnableGpio / rxEnableGpio the module's RF switch lines, when the host drives them (E22-900M30S)
 * @param enableGpios lines driven high for as long as the radio is open (RAK6421 slot power: meshtasticd's
 *     {@code Enable_Pins})
 * @param spiHz SPI clock; the SX126x accepts up to 16 MHz (datasheet 8.3), 2 MHz is what meshtasticd uses
 */
public record Sx126xWiring(int spiBus, int spiChipSelect, int dio1Gpio, int busyGpio, OptionalInt resetGpio,
                           OptionalInt softwareChipSelectGpio, OptionalInt txEnableGpio, OptionalInt rxEnableGpio,
                           List<Integer> enableGpios, int spiHz) {
    public Sx126xWiring {
        if (spiBus < 0 || spiBus > 6) throw new IllegalArgumentException("SPI bus must be 0..6");
        if (spiChipSelect < 0 || spiChipSelect > 2) throw new IllegalArgumentException("SPI chip select must be 0..2");
        checkGpio(dio1Gpio, "DIO1 (IRQ)");
        checkGpio(busyGpio, "BUSY");
        resetGpio.ifPresent(g -> checkGpio(g, "RESET"));
        softwareChipSelectGpio.ifPresent(g -> checkGpio(g, "CS"));
        txEnableGpio.ifPresent(g -> checkGpio(g, "TXEN"));
        rxEnableGpio.ifPresent(g -> checkGpio(g, "RXEN"));
        enableGpios = List.copyOf(enableGpios);
        enableGpios.forEach(g -> checkGpio(g, "enable pin"));
        if (spiHz < 100_000 || spiHz > 16_000_000) throw new IllegalArgumentException("SPI clock must be 0.1..16 MHz");
    }

    private static void checkGpio(int gpio, String what) {
        if (gpio < 0 || gpio > 27) throw new IllegalArgumentException(what + " must be a header GPIO 0..27 (BCM), got " + gpio);
    }

    public String spiDevicePath() {
        return "/dev/spidev" + spiBus + "." + spiChipSelect;
    }
}
