package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.drivers.sx127x.pi4j.HostDeviceCheck;
import net.sovereignbridge.drivers.sx127x.pi4j.Pi4jRadioBus;
import net.sovereignbridge.mesh.transport.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraBringUpTest {
    private static BoardConfig board(String name) {
        return BoardCatalog.bundled(name).orElseThrow().config().orElseThrow();
    }

    private static LoraBringUp.BusOpener emulated(EmulatedSx127x chip, boolean softwareCs) {
        return wiring -> new LoraBringUp.OpenedBus(RadioBus.of(chip, chip.dio0(), chip.resetPin(),
                softwareCs ? chip.chipSelectPin() : null), () -> { });
    }

    private static LoraBringUp.Outcome up(BoardConfig b, Optional<Region> region, LoraBringUp.BusOpener opener) {
        return LoraBringUp.bringUp("lora0", b, region, 0, 7, opener, LoraTransport.Options.defaults(),
                LoraTransport.TimeSource.SYSTEM);
    }

    @Test
    void noSpiDeviceSaysHowToEnableIt(@TempDir Path dev) {
        LoraBringUp.BusOpener opener = wiring -> {
            Pi4jRadioBus b = Pi4jRadioBus.open(wiring, new HostDeviceCheck(dev, p -> true));
            return new LoraBringUp.OpenedBus(b.bus(), b);
        };
        var down = assertInstanceOf(LoraBringUp.Down.class, up(board("adafruit-lora-radio-bonnet"), Optional.empty(), opener));
        assertTrue(down.reason().contains("dtparam=spi=on"), down.reason());
    }

    @Test
    void thePi4jOpenerOnThisMachineReportsTheMissingDevice() {
        // the build machine has no /dev/spidev*: the real opener must say so rather than fail obscurely
        BoardConfig bonnet = board("adafruit-lora-radio-bonnet");
        if (java.nio.file.Files.exists(Path.of("/dev/spidev0.1"))) {
            // on a Pi with SPI enabled, the host check must not claim the device is missing
            var problem = HostDeviceCheck.system().problem(bonnet.wiring());
            assertTrue(problem.map(p -> !p.startsWith("no /dev/spidev")).orElse(true), problem.toString());
        } else {
            var down = assertInstanceOf(LoraBringUp.Down.class, up(bonnet, Optional.empty(), LoraBringUp.pi4j()));
            assertTrue(down.reason().startsWith("lora0: no /dev/spidev"), down.reason());
        }
    }

    @Test
    void wrongChipIsAVersionMismatch() throws Exception {
        try (ScaledAirClock clock = new ScaledAirClock(10)) {
            EmulatedSx127x chip = new SimulatedAir(clock, 1).newRadio("x");
            chip.setVersion(0x22);
            var down = assertInstanceOf(LoraBringUp.Down.class,
                    up(board("adafruit-lora-radio-bonnet"), Optional.empty(), emulated(chip, false)));
            assertTrue(down.reason().contains("version mismatch") && down.reason().contains("0x22"), down.reason());
        }
    }

    @Test
    void draginoWithoutItsSoftwareChipSelectFindsNoChip() throws Exception {
        try (ScaledAirClock clock = new ScaledAirClock(10)) {
            EmulatedSx127x chip = new SimulatedAir(clock, 1).newRadio("x");
            chip.chipSelectPin(); // the chip's NSS is on a GPIO ...
            LoraBringUp.BusOpener noCs = wiring -> new LoraBringUp.OpenedBus(
                    RadioBus.of(chip, chip.dio0(), chip.resetPin(), null), () -> { }); // ... that nobody drives
            var down = assertInstanceOf(LoraBringUp.Down.class, up(board("dragino-lora-gps-hat"), Optional.empty(), noCs));
            assertTrue(down.reason().contains("check wiring / chip select"), down.reason());
        }
    }

    @Test
    void regionOverridesAreCheckedToo() {
        var down = assertInstanceOf(LoraBringUp.Down.class,
                up(board("dragino-lora-gps-hat"), Optional.of(Region.EU433), wiring -> {
                    throw new IOException("must not be opened");
                }));
        assertTrue(down.reason().contains("outside the band of board"), down.reason());
    }

    @Test
    void boardAndRegionBringTwoRadiosUpAndTheyTalk() throws Exception {
        try (ScaledAirClock clock = new ScaledAirClock(10)) {
            SimulatedAir air = new SimulatedAir(clock, 3);
            EmulatedSx127x chipA = air.newRadio("a"), chipB = air.newRadio("b");
            LoraTransport.TimeSource airTime = new LoraTransport.TimeSource() {
                public long nanoTime() {
                    return clock.nanoTime();
                }

                public long wallNanos(long n) {
                    return n / 10;
                }
            };
            // both files choose the "medium" preset (SF9, 125 kHz): radios with different presets hear nothing
            var a = assertInstanceOf(LoraBringUp.Up.class, LoraBringUp.bringUp("lora0", board("dragino-lora-gps-hat"),
                    Optional.of(Region.EU868), 3, 0xA, emulated(chipA, true), LoraTransport.Options.defaults(), airTime));
            var b = assertInstanceOf(LoraBringUp.Up.class, LoraBringUp.bringUp("lora0", board("uputronics-lora-ce1"),
                    Optional.of(Region.EU868), 3, 0xB, emulated(chipB, false), LoraTransport.Options.defaults(), airTime));
            assertEquals(0x12, a.chipVersion());
            LoraTransportTest.Recorder rb = new LoraTransportTest.Recorder();
            try {
                a.transport().start(new LoraTransportTest.Recorder());
                b.transport().start(rb);
                a.transport().send(Endpoint.broadcast("lora0"), "from the dragino".getBytes());
                var got = rb.frames.poll(5, TimeUnit.SECONDS);
                assertNotNull(got);
                assertArrayEquals("from the dragino".getBytes(), got.frame());
                assertEquals(0x2B, chipA.peek(0x0B) & 0x3F, "OCP written (100 mA at 14 dBm)");
            } finally {
                a.transport().stop();
                b.transport().stop();
                a.radio().close();
                b.radio().close();
            }
        }
    }
}
