package net.sovereignbridge.drivers.sx126x.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiBus;
import com.pi4j.io.spi.SpiChipSelect;
import com.pi4j.io.spi.SpiMode;
import java.io.IOException;
import java.util.Optional;
import net.sovereignbridge.drivers.sx126x.Sx126xBus;
import net.sovereignbridge.drivers.sx127x.DigitalInput;
import net.sovereignbridge.drivers.sx127x.DigitalOutput;
import net.sovereignbridge.drivers.sx127x.SpiDevice;
import net.sovereignbridge.drivers.sx127x.pi4j.HostDeviceCheck;
import net.sovereignbridge.drivers.sx127x.pi4j.Pi4jRadioBus;

/**
 * The SPI and GPIO of a Raspberry Pi for an SX126x through Pi4J 2, with the same providers as the SX127x binding:
 * SPI by "linuxfs-spi" (mode 0), BUSY and DIO1 as "gpiod-digital-input" with debounce 0 (BUSY is polled; DIO1's
 * edges wake the driver), NRESET, software NSS, TXEN, RXEN and enable lines as "gpiod-digital-output".
 *
 * <p>Not exercised on hardware in this repository's tests (the build machine has no /dev/spidev); the driver above
 * it is tested against the command-level emulator.
 */
public final class Pi4jSx126xBus implements AutoCloseable {
    private final Context context;
    private final Sx126xBus bus;

    private Pi4jSx126xBus(Context context, Sx126xBus bus) {
        this.context = context;
        this.bus = bus;
    }

    /**
     * Opens the devices, after checking the host (missing /dev/spidev*, permissions) so the error says what to do.
     *
     * @throws IOException naming the cause
     */
    public static Pi4jSx126xBus open(Sx126xWiring wiring, HostDeviceCheck check) throws IOException {
        Optional<String> problem = check.problem(wiring.spiBus(), wiring.spiChipSelect());
        if (problem.isPresent()) throw new IOException(problem.get());
        Context context = Pi4J.newContextBuilder().autoDetectProviders().build();
        try {
            for (int gpio : wiring.enableGpios()) Pi4jRadioBus.output(context, "sx126x-enable-" + gpio, gpio, true, false);
            Spi spi = context.create(Spi.newConfigBuilder(context).id("sx126x-spi").name("SX126x SPI")
                    .bus(SpiBus.getByNumber(wiring.spiBus()))
                    .chipSelect(SpiChipSelect.getByNumber(wiring.spiChipSelect()))
                    .mode(SpiMode.MODE_0).baud(wiring.spiHz()).provider(Pi4jRadioBus.SPI_PROVIDER));
            DigitalInput busy = Pi4jRadioBus.input(context, "sx126x-busy", wiring.busyGpio());
            DigitalInput dio1 = Pi4jRadioBus.input(context, "sx126x-dio1", wiring.dio1Gpio());
            DigitalOutput reset = wiring.resetGpio().isPresent()
                    ? Pi4jRadioBus.output(context, "sx126x-reset", wiring.resetGpio().getAsInt(), true, true) : null;
            DigitalOutput cs = wiring.softwareChipSelectGpio().isPresent() ? Pi4jRadioBus.output(context, "sx126x-cs",
                    wiring.softwareChipSelectGpio().getAsInt(), true, true) : null;
            DigitalOutput txen = wiring.txEnableGpio().isPresent()
                    ? Pi4jRadioBus.output(context, "sx126x-txen", wiring.txEnableGpio().getAsInt(), false, false) : null;
            DigitalOutput rxen = wiring.rxEnableGpio().isPresent()
                    ? Pi4jRadioBus.output(context, "sx126x-rxen", wiring.rxEnableGpio().getAsInt(), false, false) : null;
            SpiDevice spiDevice = Pi4jRadioBus.spiDevice(spi);
            return new Pi4jSx126xBus(context, Sx126xBus.of(spiDevice, busy, dio1, reset, cs, txen, rxen));
        } catch (RuntimeException e) {
            context.shutdown();
            throw new IOException("Pi4J could not open " + wiring.spiDevicePath() + " / GPIO " + wiring.dio1Gpio()
                    + ", " + wiring.busyGpio() + ": " + e.getMessage(), e);
        }
    }

    public Sx126xBus bus() {
        return bus;
    }

    @Override
    public void close() {
        context.shutdown();
    }
}
