package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.sovereignbridge.drivers.sx126x.Sx126xChip;
import net.sovereignbridge.drivers.sx126x.Sx126xSettings;
import net.sovereignbridge.drivers.sx126x.TcxoVoltage;
import net.sovereignbridge.drivers.sx126x.pi4j.Sx126xWiring;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import org.junit.jupiter.api.Test;

/** SX126x board files: the bundled HATs carry meshtasticd's pins; mistakes are reported with file, line and key. */
class Sx126xBoardConfigTest {
    private static BoardConfig bundled(String name) {
        BoardConfigParser.Result r = BoardCatalog.bundled(name).orElseThrow();
        assertTrue(r.ok(), name + ": " + r.errors());
        assertTrue(r.warnings().isEmpty(), name + ": " + r.warnings());
        return r.config().orElseThrow();
    }

    private static List<String> errors(String yaml) {
        return BoardConfigParser.parse(yaml, "hat.yaml").errors().stream().map(Object::toString).toList();
    }

    private record Pins(String board, String spidev, int cs, boolean softwareCs, int dio1, int busy, int reset,
                        OptionalInt txen, OptionalInt rxen, boolean dio2, boolean tcxo, List<Integer> enable) {}

    /** Pins from meshtasticd's config.d as collected in shared/reference/radio.md ("SX1262 Raspberry Pi HATs"). */
    private static final List<Pins> HATS = List.of(
            new Pins("meshadv-pi-e22-900m30s", "spidev0.0", 21, true, 16, 20, 18, OptionalInt.of(13), OptionalInt.of(12),
                    false, true, List.of()),
            new Pins("meshadv-mini-e22-900m22s", "spidev0.0", 8, false, 16, 20, 24, OptionalInt.empty(),
                    OptionalInt.of(12), true, true, List.of()),
            new Pins("rak6421-rak13300-slot1", "spidev0.0", 8, false, 22, 24, 16, OptionalInt.empty(), OptionalInt.empty(),
                    true, true, List.of(12, 13)),
            new Pins("rak6421-rak13300-slot2", "spidev0.1", 7, false, 18, 19, 24, OptionalInt.empty(), OptionalInt.empty(),
                    true, true, List.of(26, 23)),
            new Pins("nebrahat-1w", "spidev0.0", 8, false, 22, 4, 18, OptionalInt.empty(), OptionalInt.of(25), true, true,
                    List.of()),
            new Pins("nebrahat-2w", "spidev0.0", 8, false, 22, 4, 18, OptionalInt.empty(), OptionalInt.of(25), true, true,
                    List.of()),
            new Pins("zebrahat-1w", "spidev0.0", 24, true, 22, 27, 17, OptionalInt.empty(), OptionalInt.empty(), true,
                    true, List.of()),
            new Pins("pitastic-1w", "spidev0.0", 24, true, 22, 27, 17, OptionalInt.empty(), OptionalInt.empty(), true,
                    true, List.of()),
            new Pins("pimesh-1w-v2", "spidev0.0", 8, false, 6, 5, 18, OptionalInt.empty(), OptionalInt.empty(), true, true,
                    List.of()),
            new Pins("station-g3", "spidev0.0", 8, false, 22, 24, 16, OptionalInt.empty(), OptionalInt.empty(), true, true,
                    List.of()),
            new Pins("waveshare-pico-lora-sx1262-adapter", "spidev0.0", 21, true, 16, 20, 18, OptionalInt.empty(),
                    OptionalInt.empty(), true, true, List.of()),
            new Pins("waveshare-sx1262-lora-hat", "spidev0.0", 21, true, 16, 20, 18, OptionalInt.empty(),
                    OptionalInt.empty(), true, false, List.of(6)));

    @Test
    void theBundledSx1262HatsCarryMeshtasticdsPins() {
        assertTrue(HATS.size() >= 8);
        for (Pins p : HATS) {
            BoardConfig b = bundled(p.board());
            Sx126xBoard x = b.sx126x().orElseThrow(() -> new AssertionError(p.board() + " is not an SX126x board"));
            assertEquals(Sx126xChip.SX1262, x.chip(), p.board());
            assertEquals(p.spidev(), b.spidev(), p.board());
            assertEquals(p.cs(), b.csGpio(), p.board());
            assertEquals(p.softwareCs(), b.softwareChipSelect(), p.board());
            assertEquals(p.dio1(), b.irqGpio(), p.board());
            assertEquals(p.busy(), x.busyGpio(), p.board());
            assertEquals(OptionalInt.of(p.reset()), b.resetGpio(), p.board());
            assertEquals(p.txen(), x.txEnableGpio(), p.board());
            assertEquals(p.rxen(), x.rxEnableGpio(), p.board());
            assertEquals(p.dio2(), x.dio2RfSwitch(), p.board());
            assertEquals(p.tcxo() ? Optional.of(TcxoVoltage.V1_8) : Optional.empty(), x.tcxo(), p.board());
            assertEquals(p.enable(), x.enableGpios(), p.board());
            Sx126xWiring w = b.sx126xWiring().orElseThrow();
            assertEquals(p.busy(), w.busyGpio());
            assertEquals(p.softwareCs() ? OptionalInt.of(p.cs()) : OptionalInt.empty(), w.softwareChipSelectGpio());
            // every bundled HAT is tuned to a channel its chip can run, within its region's power limit
            Sx126xSettings s = b.sx126xSettings();
            s.check(x.chip());
            Region.SubBand sub = b.region().orElseThrow().subBandOf(s.frequencyHz(), s.bandwidth().hertz()).orElseThrow();
            assertTrue(s.txPowerDbm() + b.paGainDb() + b.antennaGainDbi() <= sub.maxEirpDbm(), p.board());
        }
    }

    @Test
    void anExternalPaCountsAgainstTheRegionsLimit() {
        BoardConfig m30s = bundled("meshadv-pi-e22-900m30s");
        assertEquals(8, m30s.paGainDb());
        assertEquals(21, m30s.sx126xSettings().txPowerDbm(), "EU868 g3: 29 dBm EIRP - 8 dB PA");
        assertEquals(4, bundled("nebrahat-2w").sx126xSettings().txPowerDbm(), "29 - 25, below the PA's 8 dBm input limit");
        assertEquals(18, bundled("zebrahat-1w").maxPowerDbm());
        assertEquals(22, bundled("meshadv-mini-e22-900m22s").sx126xSettings().txPowerDbm());
        List<String> e = errors("""
                Lora:
                  Module: sx1262
                  IRQ: 16
                  Busy: 20
                  DIO2_AS_RF_SWITCH: true
                  paGain: 8
                  region: EU868
                  channel: 3
                  power: 22
                """);
        assertEquals(List.of("hat.yaml:9: power: power 22 dBm + 8 dB PA is above the limit of EU868 g3 (29 dBm EIRP)"), e);
    }

    @Test
    void anSx126xBoardIsNotHandedToTheSx127xBringUp() {
        var e = assertThrows(IllegalStateException.class, () -> bundled("nebrahat-1w").wiring());
        assertTrue(e.getMessage().contains("does not drive SX126x radios yet"), e.getMessage());
        assertFalse(bundled("dragino-lora-gps-hat").sx126xWiring().isPresent());
        // the daemon's bring-up leaves such a radio UNAVAILABLE with that reason instead of probing it as an SX127x
        LoraBringUp.Outcome out = LoraRadioConfig.fromKeys(java.util.Map.of(LoraRadioConfig.BOARD, "nebrahat-1w"))
                .orElseThrow().bringUp("lora0", net.sovereignbridge.mesh.identity.MeshAddress.of(new byte[16]),
                        wiring -> {
                            throw new AssertionError("an SX126x board must not be opened as an SX127x");
                        });
        LoraBringUp.Down down = (LoraBringUp.Down) out;
        assertTrue(down.reason().contains("does not drive SX126x radios yet"), down.reason());
    }

    @Test
    void llcc68AndSx1268LimitsAreCheckedInTheFile() {
        List<String> e = errors("Lora:\n  Module: llcc68\n  IRQ: 16\n  Busy: 20\n  DIO2_AS_RF_SWITCH: true\n"
                + "  region: EU868\n  channel: 3\n");
        assertEquals(1, e.size(), e.toString());
        assertTrue(e.get(0).startsWith("hat.yaml:2: Module: the LLCC68 runs SF5..SF10 at 250 kHz, not SF11"), e.get(0));
        assertEquals(List.of(), errors("Lora:\n  Module: llcc68\n  IRQ: 16\n  Busy: 20\n  DIO2_AS_RF_SWITCH: true\n"
                + "  region: EU868\n  channel: 3\n  preset: medium\n"));
        List<String> band = errors("Lora:\n  Module: sx1268\n  IRQ: 16\n  Busy: 20\n  DIO2_AS_RF_SWITCH: true\n"
                + "  region: EU868\n");
        assertTrue(band.get(0).contains("outside the module's band 410-810 MHz"), band.toString());
        BoardConfigParser.Result ok = BoardConfigParser.parse("Lora:\n  Module: sx1268\n  IRQ: 16\n  Busy: 20\n"
                + "  DIO2_AS_RF_SWITCH: true\n  DIO3_TCXO_VOLTAGE: 3.3\n  region: EU433\n  preset: medium\n", "x.yaml");
        assertTrue(ok.ok(), ok.errors().toString());
        assertEquals(Optional.of(TcxoVoltage.V3_3), ok.config().get().sx126x().get().tcxo());
        assertEquals(433_175_000L, ok.config().get().sx126xSettings().frequencyHz());
        assertEquals(Bandwidth.BW_125, ok.config().get().sx126xSettings().bandwidth());
    }

    @Test
    void sx126xMistakesNameTheirLines() {
        List<String> e = errors("""
                Lora:
                  Module: sx1262
                  CS: 21
                  IRQ: 16
                  Busy: 16
                  TXen: 40
                  DIO2_AS_RF_SWITCH: yes please
                  DIO3_TCXO_VOLTAGE: 5.0
                  Enable_Pins:
                    - 12
                    - x
                  maxPower: 30
                  SX126X_MAX_POWER: 8
                """);
        assertTrue(e.contains("hat.yaml:6: TXen: must be within 0..27, got 40"), e.toString());
        assertTrue(e.contains("hat.yaml:7: DIO2_AS_RF_SWITCH: must be true or false, got 'yes please'"), e.toString());
        assertTrue(e.stream().anyMatch(s -> s.startsWith("hat.yaml:8: DIO3_TCXO_VOLTAGE: must be true (1.8 V)")), e.toString());
        assertTrue(e.contains("hat.yaml:11: Enable_Pins: each entry must be a GPIO 0..27, got 'x'"), e.toString());
        assertTrue(e.contains("hat.yaml:12: maxPower: must be within -9..22, got 30"), e.toString());
        List<String> clash = errors("Lora:\n  Module: sx1262\n  IRQ: 16\n  Busy: 16\n  DIO2_AS_RF_SWITCH: true\n");
        assertEquals(List.of("hat.yaml:4: Busy: GPIO16 is already the IRQ pin"), clash);
        List<String> twice = errors("Lora:\n  Module: sx1262\n  IRQ: 16\n  Busy: 20\n  DIO2_AS_RF_SWITCH: true\n"
                + "  maxPower: 20\n  SX126X_MAX_POWER: 8\n");
        assertEquals(List.of("hat.yaml:7: SX126X_MAX_POWER: says 8 but maxPower says 20; give one"), twice);
        // a plain meshtasticd file works as it is
        BoardConfigParser.Result r = BoardConfigParser.parse("""
                # MeshAdv Mini, as shipped with meshtasticd
                Lora:
                  Module: sx1262  # Ebyte E22-900M22S
                  CS: 8
                  IRQ: 16
                  Busy: 20
                  Reset: 24
                  RXen: 12
                  DIO2_AS_RF_SWITCH: true
                  DIO3_TCXO_VOLTAGE: true
                I2C:
                  I2CDevice: /dev/i2c-1
                """, "meshtasticd.yaml");
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(List.of(), r.warnings());
        BoardConfigParser.Result noSwitch = BoardConfigParser.parse("Lora:\n  Module: sx1262\n  IRQ: 16\n  Busy: 20\n",
                "bare.yaml");
        assertTrue(noSwitch.ok());
        assertTrue(noSwitch.warnings().get(0).toString().startsWith("bare.yaml:2: Module: no RF switch control"));
    }
}
