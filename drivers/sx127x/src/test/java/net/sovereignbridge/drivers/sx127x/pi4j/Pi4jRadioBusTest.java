package net.sovereignbridge.drivers.sx127x.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can honestly be tested of the Pi4J binding without a Raspberry Pi: that the providers it names are on the
 * class path and known to Pi4J under those ids, and that a host without the devices gets an error that says what
 * to do. Transfers over a real /dev/spidev are not tested here (no such device on the build machine).
 */
class Pi4jRadioBusTest {
    private static final SpiWiring ADAFRUIT = new SpiWiring(0, 1, 22, OptionalInt.of(25), OptionalInt.empty(), 8_000_000);

    @Test
    void pi4jFindsTheProvidersWeName() {
        Context context = Pi4J.newContextBuilder().autoDetectProviders().build();
        try {
            assertTrue(context.providers().exists(Pi4jRadioBus.SPI_PROVIDER));
            assertTrue(context.providers().exists(Pi4jRadioBus.INPUT_PROVIDER));
            assertTrue(context.providers().exists(Pi4jRadioBus.OUTPUT_PROVIDER));
            assertTrue(!context.providers().exists("mock-spi"), "the mock plugin must not be on the class path");
        } finally {
            context.shutdown();
        }
    }

    @Test
    void missingSpiDeviceSaysHowToEnableSpi(@TempDir Path dev) {
        var e = assertThrows(IOException.class,
                () -> Pi4jRadioBus.open(ADAFRUIT, new HostDeviceCheck(dev, p -> true)));
        assertTrue(e.getMessage().contains("dtparam=spi=on"), e.getMessage());
    }

    @Test
    void theRealDevDirectoryIsJudgedToo() {
        // The build machine has no /dev/spidev0.1, so this says so; on a Pi with SPI enabled there is no problem.
        var problem = HostDeviceCheck.system().problem(ADAFRUIT);
        if (!Files.exists(Path.of("/dev/spidev0.1"))) {
            assertTrue(problem.orElseThrow().contains("/dev/spidev"), problem.get());
        } else if (Files.isReadable(Path.of("/dev/spidev0.1"))) {
            assertTrue(problem.isEmpty() || problem.get().contains("gpio"), problem.toString());
        }
    }

    @Test
    void otherSpiDevicesPointAtTheBoardConfiguration(@TempDir Path dev) throws IOException {
        Files.createFile(dev.resolve("spidev0.0"));
        var problem = new HostDeviceCheck(dev, p -> true).problem(ADAFRUIT);
        assertTrue(problem.orElseThrow().contains("check spidev/CS in the board configuration"), problem.get());
    }

    @Test
    void permissionProblemsNameTheGroup(@TempDir Path dev) throws IOException {
        Files.createFile(dev.resolve("spidev0.1"));
        Files.createFile(dev.resolve("gpiochip0"));
        // The tests run as root, for whom file modes do not deny access: the access test is injected here.
        var spiDenied = new HostDeviceCheck(dev, p -> !p.getFileName().toString().startsWith("spidev"));
        assertTrue(spiDenied.problem(ADAFRUIT).orElseThrow().contains("add the user to group spi"));
        var gpioDenied = new HostDeviceCheck(dev, p -> !p.getFileName().toString().startsWith("gpiochip"));
        assertTrue(gpioDenied.problem(ADAFRUIT).orElseThrow().contains("add the user to group gpio"));
        assertEquals(Optional.empty(), new HostDeviceCheck(dev, p -> true).problem(ADAFRUIT));
    }

    @Test
    void wiringNamesItsDevice() {
        assertEquals("/dev/spidev0.1", ADAFRUIT.spiDevicePath());
        assertThrows(IllegalArgumentException.class,
                () -> new SpiWiring(0, 0, 40, OptionalInt.empty(), OptionalInt.empty(), 8_000_000));
    }
}
