package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import org.junit.jupiter.api.Test;

class BoardConfigParserTest {
    private static BoardConfig bundled(String name) {
        BoardConfigParser.Result r = BoardCatalog.bundled(name).orElseThrow();
        assertTrue(r.ok(), r.errors().toString());
        return r.config().orElseThrow();
    }

    @Test
    void everyFileInBoardConfigsIsListedAndValid() throws IOException {
        Path dir = Path.of("../../board-configs");
        List<String> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted()
                    .map(n -> n.substring(0, n.length() - 5)).collect(Collectors.toList());
        }
        assertEquals(files, BoardCatalog.bundledNames().stream().sorted().collect(Collectors.toList()));
        for (String name : files) {
            BoardConfigParser.Result r = BoardCatalog.bundled(name).orElseThrow();
            assertTrue(r.ok(), name + ": " + r.errors());
            assertTrue(r.warnings().isEmpty(), name + ": " + r.warnings());
        }
    }

    /** Pins from the radio facts table (radio.md, "Raspberry Pi SX127x boards"). */
    @Test
    void bundledBoardsCarryThePinsOfTheirHardware() {
        BoardConfig adafruit = bundled("adafruit-lora-radio-bonnet");
        assertEquals("spidev0.1", adafruit.spidev());
        assertEquals(22, adafruit.irqGpio());
        assertEquals(OptionalInt.of(25), adafruit.resetGpio());
        assertFalse(adafruit.softwareChipSelect());

        BoardConfig dragino = bundled("dragino-lora-gps-hat");
        assertEquals("spidev0.0", dragino.spidev());
        assertEquals(25, dragino.csGpio());
        assertTrue(dragino.softwareChipSelect());
        assertEquals(4, dragino.irqGpio());
        assertEquals(OptionalInt.of(17), dragino.resetGpio());
        assertEquals(OptionalInt.of(25), dragino.wiring().softwareChipSelectGpio());

        BoardConfig elecrow = bundled("elecrow-lora-rfm95");
        assertEquals("spidev0.1", elecrow.spidev());
        assertEquals(25, elecrow.irqGpio());
        assertEquals(OptionalInt.of(22), elecrow.resetGpio());

        BoardConfig ce0 = bundled("uputronics-lora-ce0");
        BoardConfig ce1 = bundled("uputronics-lora-ce1");
        assertEquals("spidev0.0", ce0.spidev());
        assertEquals(25, ce0.irqGpio());
        assertEquals("spidev0.1", ce1.spidev());
        assertEquals(16, ce1.irqGpio());
        assertTrue(ce0.resetGpio().isEmpty() && ce1.resetGpio().isEmpty());
    }

    @Test
    void regionChannelAndPresetBecomeModemSettings() {
        LoRaSettings s = bundled("adafruit-lora-radio-bonnet").loRaSettings();
        assertEquals(869_525_000L, s.frequencyHz(), "EU868 channel 3");
        assertEquals(11, s.spreadingFactor());
        assertEquals(250_000.0, s.bandwidth().hertz());
        assertEquals(16, s.preambleLength());
        assertEquals(14, s.txPowerDbm());
    }

    @Test
    void acceptsAPlainMeshtasticdFile() {
        String yaml = """
                Lora:
                  Module: RF95
                  Reset: 25
                  CS: 7
                  IRQ: 22
                  spidev: spidev0.1
                  Busy: 4
                Webserver:
                  Port: 443
                """;
        BoardConfigParser.Result r = BoardConfigParser.parse(yaml, "community.yaml");
        assertTrue(r.ok(), r.errors().toString());
        assertTrue(r.config().get().region().isEmpty());
        assertEquals("community.yaml:7: Busy: does not apply to an SX127x radio; ignored", r.warnings().get(0).toString());
    }

    private static List<String> errors(String yaml) {
        return BoardConfigParser.parse(yaml, "board.yaml").errors().stream().map(Object::toString).toList();
    }

    @Test
    void powerAboveTheRegionLimitNamesFileLineAndKey() {
        List<String> e = errors("""
                Lora:
                  Module: RF95
                  CS: 7
                  IRQ: 22
                  spidev: spidev0.1
                  region: EU868
                  channel: 0
                  power: 20
                  preset: medium
                """);
        assertEquals(List.of("board.yaml:8: power: power 20 dBm is above the limit of EU868 g1 (16 dBm EIRP)"), e);
    }

    @Test
    void unknownModuleIsAnError() {
        assertEquals(List.of("board.yaml:2: Module: unknown module 'XYZ123' (expected RF95 for SX1276/77/78/79, or "
                + "sx1262, sx1268, llcc68)"), errors("Lora:\n  Module: XYZ123\n  IRQ: 22\n"));
        assertTrue(errors("Lora:\n  Module: sx1280\n  IRQ: 22\n").get(0).contains("is not supported"));
        // an SX126x module is known now; without its BUSY pin it cannot be driven
        assertEquals(List.of("board.yaml:1: Busy: missing (the GPIO wired to the SX1262's BUSY line)"),
                errors("Lora:\n  Module: sx1262\n  IRQ: 22\n  DIO2_AS_RF_SWITCH: true\n"));
    }

    @Test
    void frequencyOutsideTheRegionIsAnError() {
        List<String> e = errors("""
                Lora:
                  Module: RF95
                  IRQ: 22
                  region: EU868
                  frequency: 870.1
                """);
        // LongFast's 250 kHz does not fit into EU868 g1 around 868.1 MHz (867.975-868.225 MHz)
        assertTrue(errors("Lora:\n  Module: RF95\n  IRQ: 22\n  region: EU868\n  channel: 0\n").get(0)
                .startsWith("board.yaml:5: channel: frequency 868.100 MHz (250 kHz wide) is outside region EU868"));
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("board.yaml:5: frequency: frequency 870.100 MHz (250 kHz wide) is outside "
                + "region EU868"), e.get(0));
        // a 433 MHz module cannot serve EU868
        List<String> band = errors("Lora:\n  Module: RF95\n  IRQ: 22\n  band: 410-525\n  region: EU868\n");
        assertTrue(band.get(0).startsWith("board.yaml:5: region: frequency 868.100 MHz is outside the module's band"),
                band.toString());
    }

    @Test
    void otherMistakesAreReportedWithTheirLines() {
        List<String> e = errors("""
                Lora:
                  Module: RF95
                  CS: 25
                  IRQ: 99
                  spidev: spi0
                  chipSelect: hardware
                  region: EU999
                  preset: turbo
                """);
        assertTrue(e.contains("board.yaml:4: IRQ: must be within 0..27, got 99"), e.toString());
        assertTrue(e.contains("board.yaml:5: spidev: 'spi0' is not a spidev name like spidev0.1"), e.toString());
        assertTrue(e.stream().anyMatch(s -> s.startsWith("board.yaml:6: chipSelect: hardware chip select needs CS")));
        assertTrue(e.stream().anyMatch(s -> s.startsWith("board.yaml:7: region: unknown region 'EU999'")));
        assertTrue(e.stream().anyMatch(s -> s.startsWith("board.yaml:8: preset: unknown preset 'turbo'")));
        List<String> broken = errors("a: b: c\n");
        assertTrue(broken.get(0).startsWith("board.yaml:1: yaml: mapping values are not allowed"), broken.toString());
    }

    @Test
    void regionsDescribeTheirDutyCycles() {
        assertEquals(36e9, Region.EU868.subBandOf(868_100_000L, 125_000).orElseThrow().hourlyBudgetNanos(), 1);
        assertEquals(3.6e9, Region.EU868.subBandOf(868_850_000L, 125_000).orElseThrow().hourlyBudgetNanos(), 1);
        assertEquals(360e9, Region.EU868.subBandOf(869_525_000L, 125_000).orElseThrow().hourlyBudgetNanos(), 1);
        assertEquals(360e9, Region.EU433.subBandOf(433_175_000L, 125_000).orElseThrow().hourlyBudgetNanos(), 1);
        assertFalse(Region.US915.subBandOf(903_900_000L, 125_000).orElseThrow().regulated());
        assertEquals(36e9, Region.AS923.subBandOf(923_200_000L, 125_000).orElseThrow().hourlyBudgetNanos(), 1);
        assertTrue(Region.EU868.subBandOf(869_525_000L, 500_000).isEmpty(), "500 kHz does not fit in g3");
    }
}
