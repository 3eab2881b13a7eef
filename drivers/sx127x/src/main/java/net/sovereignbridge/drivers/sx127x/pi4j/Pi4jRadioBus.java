package net.sovereignbridge.drivers.sx127x.pi4j;

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
import net.sovereignbridge.drivers.sx127x.DigitalInput;
import net.sovereignbridge.drivers.sx127x.DigitalOutput;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.SpiDevice;

/**
 * The SPI and GPIO of a Raspberry Pi through Pi4J 2: SPI by the "linuxfs-spi" provider (/dev/spidevB.C), DIO0 as
 * a "gpiod-digital-input" with debounce 0 (Pi4J's default of 10 ms would swallow interrupts; the linuxfs digital
 * input misses edges), and NRESET and a software chip select as "gpiod-digital-output". Pi4J's gpiod library picks
 * the GPIO chip whose label contains "pinctrl" (gpiochip0 on a Pi 5 since kernel 6.6.45, gpiochip4 before).
 *
 * <p>Not exercised on hardware in this repository's tests (the build machine has no /dev/spidev); the driver logic
 * above this class is tested against the register-level emulator.
 */
public final class Pi4jRadioBus implements AutoCloseable {
    public static final String SPI_PROVIDER = "linuxfs-spi";
    public static final String INPUT_PROVIDER = "gpiod-digital-input";
    public static final String OUTPUT_PROVIDER = "gpiod-digital-output";

    private final Context context;
    private final RadioBus bus;

    private Pi4jRadioBus(Context context, RadioBus bus) {
        this.context = context;
        this.bus = bus;
    }

    /**
     * Opens the devices. First checks the host (missing /dev/spidev*, permissions) so the error says what to do.
     *
     * @throws IOException naming the cause
     */
    public static Pi4jRadioBus open(SpiWiring wiring, HostDeviceCheck check) throws IOException {
        Optional<String> problem = check.problem(wiring);
        if (problem.isPresent()) throw new IOException(problem.get());
        Context context = Pi4J.newContextBuilder().autoDetectProviders().build();
        try {
            Spi spi = context.create(Spi.newConfigBuilder(context).id("sx127x-spi").name("SX127x SPI")
                    .bus(SpiBus.getByNumber(wiring.spiBus()))
                    .chipSelect(SpiChipSelect.getByNumber(wiring.spiChipSelect()))
                    .mode(SpiMode.MODE_0).baud(wiring.spiHz()).provider(SPI_PROVIDER));
            DigitalInput dio0 = input(context, "sx127x-dio0", wiring.dio0Gpio());
            DigitalOutput reset = wiring.resetGpio().isPresent()
                    ? output(context, "sx127x-reset", wiring.resetGpio().getAsInt(), true, true) : null;
            DigitalOutput cs = wiring.softwareChipSelectGpio().isPresent()
                    ? output(context, "sx127x-cs", wiring.softwareChipSelectGpio().getAsInt(), true, true) : null;
            return new Pi4jRadioBus(context, RadioBus.of(spiDevice(spi), dio0, reset, cs));
        } catch (RuntimeException e) {
            context.shutdown();
            throw new IOException("Pi4J could not open " + wiring.spiDevicePath() + " / GPIO " + wiring.dio0Gpio()
                    + ": " + e.getMessage(), e);
        }
    }

    /** A radio's SPI through a Pi4J {@link Spi}: one full-duplex transfer per call. */
    public static SpiDevice spiDevice(Spi spi) {
        return tx -> {
            byte[] rx = new byte[tx.length];
            try {
                int n = spi.transfer(tx, rx, tx.length);
                if (n != tx.length) throw new IOException("spidev transferred " + n + " of " + tx.length + " bytes");
            } catch (RuntimeException e) {
                throw new IOException(e.getMessage(), e);
            }
            return rx;
        };
    }

    /** An interrupt or status line (pull-down, debounce 0: Pi4J's 10 ms default would swallow interrupts). */
    public static DigitalInput input(Context context, String id, int gpio) {
        com.pi4j.io.gpio.digital.DigitalInput in = context.create(
                com.pi4j.io.gpio.digital.DigitalInput.newConfigBuilder(context).id(id).address(gpio)
                        .pull(PullResistance.PULL_DOWN).debounce(0L).provider(INPUT_PROVIDER));
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

    /**
     * An output that starts at {@code initialHigh} and is left at {@code shutdownHigh} when Pi4J shuts down
     * (NRESET and chip select: high and high, released and idle).
     */
    public static DigitalOutput output(Context context, String id, int gpio, boolean initialHigh,
                                       boolean shutdownHigh) {
        com.pi4j.io.gpio.digital.DigitalOutput out = context.create(
                com.pi4j.io.gpio.digital.DigitalOutput.newConfigBuilder(context).id(id).address(gpio)
                        .initial(initialHigh ? DigitalState.HIGH : DigitalState.LOW)
                        .shutdown(shutdownHigh ? DigitalState.HIGH : DigitalState.LOW).provider(OUTPUT_PROVIDER));
        return high -> out.state(high ? DigitalState.HIGH : DigitalState.LOW);
    }

    public RadioBus bus() {
        return bus;
    }

    @Override
    public void close() {
        context.shutdown();
    }
}
