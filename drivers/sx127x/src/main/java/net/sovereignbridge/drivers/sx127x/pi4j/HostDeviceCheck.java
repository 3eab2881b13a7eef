package net.sovereignbridge.drivers.sx127x.pi4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Finds out, before Pi4J is asked, why a radio cannot be opened on this host, and says what to do about it. Pi4J's
 * own errors on a missing or forbidden device are generic; these are the three causes users actually hit.
 */
public final class HostDeviceCheck {
    private final Path devDirectory;
    private final Predicate<Path> accessible;

    /**
     * @param devDirectory normally /dev (tests use a directory of their own)
     * @param accessible whether this process may read and write a device node
     */
    public HostDeviceCheck(Path devDirectory, Predicate<Path> accessible) {
        this.devDirectory = devDirectory;
        this.accessible = accessible;
    }

    public static HostDeviceCheck system() {
        return new HostDeviceCheck(Path.of("/dev"), p -> Files.isReadable(p) && Files.isWritable(p));
    }

    /** Empty when the SPI device and a GPIO chip exist and are readable and writable by this process. */
    public Optional<String> problem(SpiWiring wiring) {
        return problem(wiring.spiBus(), wiring.spiChipSelect());
    }

    /** The same check for any SPI radio (drivers/sx126x uses it): /dev/spidevBUS.CS and a GPIO chip. */
    public Optional<String> problem(int spiBus, int spiChipSelect) {
        String spiName = "spidev" + spiBus + "." + spiChipSelect;
        Path spi = devDirectory.resolve(spiName);
        if (!Files.exists(spi)) {
            boolean anySpi;
            try (Stream<Path> s = Files.list(devDirectory)) {
                anySpi = s.anyMatch(p -> p.getFileName().toString().startsWith("spidev"));
            } catch (java.io.IOException | SecurityException e) {
                anySpi = false;
            }
            return Optional.of(anySpi
                    ? "no " + spi + " (other spidev devices exist): check spidev/CS in the board configuration"
                    : "no " + devDirectory.resolve("spidev*") + ": SPI is not enabled; add dtparam=spi=on to "
                            + "/boot/firmware/config.txt (or run raspi-config, Interface Options, SPI) and reboot");
        }
        if (!accessible.test(spi)) {
            return Optional.of("permission denied on " + spi + ": add the user to group spi "
                    + "(sudo usermod -aG spi $USER, then log in again)");
        }
        Optional<Path> chip;
        try (Stream<Path> s = Files.list(devDirectory)) {
            chip = s.filter(p -> p.getFileName().toString().startsWith("gpiochip")).sorted().findFirst();
        } catch (java.io.IOException | SecurityException e) {
            chip = Optional.empty();
        }
        if (chip.isEmpty()) return Optional.of("no " + devDirectory.resolve("gpiochip*") + ": no GPIO character device");
        if (!accessible.test(chip.get())) {
            return Optional.of("permission denied on " + chip.get() + ": add the user to group gpio "
                    + "(sudo usermod -aG gpio $USER, then log in again)");
        }
        return Optional.empty();
    }
}
