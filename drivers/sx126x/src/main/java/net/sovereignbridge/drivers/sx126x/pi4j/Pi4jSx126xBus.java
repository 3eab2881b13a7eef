package net.sovereignbridge.drivers.sx126x.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
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
            for (int gpio : wiring.enableGpios()) output(context, "sx126x-enable-" + gpio, gpio, true, false);
            Spi spi = context.create(Spi.newConfigBuilder(context).id("sx126x-spi").name("SX126x SPI")
                    .bus(SpiBus.getByNumber(wiring.spiBus()))
                    .chipSelect(SpiChipSelect.getByNumber(wiring.spiChipSelect()))
                    .mode(SpiMode.MODE_0).baud(wiring.spiHz()).provider(Pi4jRadioBus.SPI_PROVIDER));
            DigitalInput busy = input(context, "sx126x-busy", wiring.busyGpio());
            DigitalInput dio1 = input(context, "sx126x-dio1", wiring.dio1Gpio());
            DigitalOutput reset = wiring.resetGpio().isPresent()
                    ? output(context, "sx126x-reset", wiring.resetGpio().getAsInt(), true, true) : null;
            DigitalOutput cs = wiring.softwareChipSelectGpio().isPresent()
                    ? output(context, "sx126x-cs", wiring.softwareChipSelectGpio().getAsInt(), true, true) : null;
            DigitalOutput txen = wiring.txEnableGpio().isPresent()
                    ? output(context, "sx126x-txen", wiring.txEnableGpio().getAsInt(), false, false) : null;
            DigitalOutput rxen = wiring.rxEnableGpio().isPresent()
                    ? output(context, "sx126x-rxen", wiring.rxEnableGpio().getAsInt(), false, false) : null;
            SpiDevice spiDevice = tx -> {
                byte[] rx = new byte[tx.length];
                try {
                    int n = spi.transfer(tx, rx, tx.length);
                    if (n != tx.length) throw new IOException("spidev transferred " + n + " of " + tx.length + " bytes");
                } catch (RuntimeException e) {
                    throw new IOException(e.getMessage(), e);
                }
                return rx;
            };
            return new Pi4jSx126xBus(context, Sx126xBus.of(spiDevice, busy, dio1, reset, cs, txen, rxen));
        } catch (RuntimeException e) {
            context.shutdown();
            throw new IOException("Pi4J could not open " + wiring.spiDevicePath() + " / GPIO " + wiring.dio1Gpio()
                    + ", " + wiring.busyGpio() + ": " + e.getMessage(), e);
        }
    }

    private static DigitalInput input(Context context, String id, int gpio) {
        com.pi4j.io.gpio.digital.DigitalInput in = context.create(
                com.pi4j.io.gpio.digital.DigitalInput.newConfigBuilder(context).id(id).address(gpio)
                        .pull(PullResistance.PULL_DOWN).debounce(0L).provider(Pi4jRadioBus.INPUT_PROVIDER));
        return new DigitalInput() {
            @Override
            public boolean isHigh() {
                return in.isHigh();
            }

            @Override
            public void addRisingEdgeListener(Runnable listener) {
                in.addListener(e -> {
                    if (e.state() == DigitalState.HIGH) listener.run();
                });
            }
        };
    }

    /** An output that starts at {@code initialHigh} and is left at {@code shutdownHigh} when Pi4J shuts down. */
    private static DigitalOutput output(Context context, String id, int gpio, boolean initialHigh,
                                        boolean shutdownHigh) {
        com.pi4j.io.gpio.digital.DigitalOutput out = context.create(
                com.pi4j.io.gpio.digital.DigitalOutput.newConfigBuilder(context).id(id).address(gpio)
                        .initial(initialHigh ? DigitalState.HIGH : DigitalState.LOW)
                        .shutdown(shutdownHigh ? DigitalState.HIGH : DigitalState.LOW)
                        .provider(Pi4jRadioBus.OUTPUT_PROVIDER));
        return high -> out.state(high ? DigitalState.HIGH : DigitalState.LOW);
    }

    public Sx126xBus bus() {
        return bus;
    }

    @Override
    public void close() {
        context.shutdown();
    }
}
