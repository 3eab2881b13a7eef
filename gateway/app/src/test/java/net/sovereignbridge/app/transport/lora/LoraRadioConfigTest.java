package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.mesh.identity.MeshAddress;
import org.junit.jupiter.api.Test;

class LoraRadioConfigTest {
    private static final MeshAddress NODE = MeshAddress.of(new byte[] {(byte) 0xBE, (byte) 0xEF, 1, 2, 3, 4, 5, 6, 7, 8,
        9, 10, 11, 12, 13, 14});

    @Test
    void noBoardMeansNoLora() {
        assertEquals(Optional.empty(), LoraRadioConfig.fromKeys(Map.of("lora.region", "EU868")));
    }

    @Test
    void keysAreParsedAndBadValuesNamed() {
        LoraRadioConfig c = LoraRadioConfig.fromKeys(Map.of("lora.board", "dragino-lora-gps-hat", "lora.region", "eu868",
                "lora.channel", "3", "lora.internet-share", "0.1", "lora.lbt", "false")).orElseThrow();
        assertEquals(Optional.of(Region.EU868), c.region());
        assertEquals(3, c.channel());
        assertEquals(0.1, c.internetShare());
        assertEquals(false, c.listenBeforeTalk());
        var e = assertThrows(IllegalArgumentException.class,
                () -> LoraRadioConfig.fromKeys(Map.of("lora.board", "x", "lora.internet-share", "2")));
        assertTrue(e.getMessage().startsWith("lora.internet-share:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LoraRadioConfig.fromKeys(Map.of("lora.board", "x", "lora.region", "MARS")));
        assertTrue(e.getMessage().startsWith("lora.region: unknown region 'MARS'"), e.getMessage());
    }

    @Test
    void linkIdComesFromTheMeshAddress() {
        assertEquals(0xBEEF, LoraRadioConfig.linkIdOf(NODE));
    }

    @Test
    void bringsTheConfiguredBoardUp() throws Exception {
        try (ScaledAirClock clock = new ScaledAirClock(10)) {
            EmulatedSx127x chip = new SimulatedAir(clock, 1).newRadio("a");
            LoraRadioConfig c = LoraRadioConfig.fromKeys(Map.of("lora.board", "uputronics-lora-ce1")).orElseThrow();
            var up = assertInstanceOf(LoraBringUp.Up.class, c.bringUp("lora0", NODE,
                    w -> new LoraBringUp.OpenedBus(RadioBus.of(chip, chip.dio0(), null, null), () -> { })));
            assertEquals(0xBEEF, up.transport().linkId());
            assertTrue(up.transport().profile().airtimeGoverned());
            up.radio().close();
            var down = assertInstanceOf(LoraBringUp.Down.class,
                    LoraRadioConfig.fromKeys(Map.of("lora.board", "/nonexistent/board.yaml")).orElseThrow()
                            .bringUp("lora0", NODE, w -> {
                                throw new AssertionError("not reached");
                            }));
            assertTrue(down.reason().contains("no board file /nonexistent/board.yaml"), down.reason());
        }
    }
}
