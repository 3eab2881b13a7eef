package net.sovereignbridge.drivers.sx126x.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import net.sovereignbridge.drivers.sx127x.pi4j.HostDeviceCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be tested of the SX126x Pi4J binding without a Raspberry Pi: wiring checks and the host check's
 * messages. Transfers over a real /dev/spidev are not tested here (no such device on the build machine).
 */
class Pi4jSx126xBusTest {
    private static final Sx126xWiring MESHADV = new Sx126xWiring(0, 0, 16, 20, OptionalInt.of(18), OptionalInt.of(21),
            OptionalInt.of(13), OptionalInt.of(12), List.of(), 2_000_000);

    @Test
    void missingSpiDeviceSaysHowToEnableSpi(@TempDir Path dev) {
        var e = assertThrows(IOException.class, () -> Pi4jSx126xBus.open(MESHADV, new HostDeviceCheck(dev, p -> true)));
        assertTrue(e.getMessage().contains("dtparam=spi=on"), e.getMessage());
    }

    @Test
    void aForbiddenSpiDeviceNamesTheGroup(@TempDir Path dev) throws IOException {
        Files.createFile(dev.resolve("spidev0.0"));
        var e = assertThrows(IOException.class, () -> Pi4jSx126xBus.open(MESHADV, new HostDeviceCheck(dev, p -> false)));
        assertTrue(e.getMessage().contains("group spi"), e.getMessage());
    }

    @Test
    void wiringIsCheckedPinByPin() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Sx126xWiring(0, 0, 16, 40, OptionalInt.empty(),
                OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), List.of(), 2_000_000));
        assertEquals("BUSY must be a header GPIO 0..27 (BCM), got 40", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sx126xWiring(0, 0, 16, 20, OptionalInt.empty(),
                OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), List.of(30), 2_000_000));
        assertEquals("/dev/spidev0.0", MESHADV.spiDevicePath());
    }
}
