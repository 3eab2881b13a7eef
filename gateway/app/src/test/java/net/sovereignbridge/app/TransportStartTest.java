package net.sovereignbridge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.app.transport.lora.LoraBringUp;
import net.sovereignbridge.app.transport.lora.ScaledAirTime;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sbridge transport start ID}: a radio that was UNAVAILABLE at start (SPI not enabled) comes up once the
 * cause is fixed, without restarting the daemon.
 */
class TransportStartTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> transport(Gateway g, String id) throws Exception {
        List<Map<String, Object>> ts = (List<Map<String, Object>>) g.handle(Map.of("op", "status")).get("transports");
        return ts.stream().filter(t -> id.equals(t.get("id"))).findFirst().orElseThrow(() -> new AssertionError(ts));
    }

    private static String[] cli(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void anUnavailableRadioIsBroughtUpWhenTheOperatorAsks() throws Exception {
        AtomicBoolean spiEnabled = new AtomicBoolean(false);
        try (ScaledAirClock clock = new ScaledAirClock(2)) {
            EmulatedSx127x chip = new SimulatedAir(clock, 3).newRadio("lora0");
            LoraBringUp.BusOpener opener = wiring -> {
                if (!spiEnabled.get()) throw new IOException("no /dev/spidev0.0: SPI is not enabled");
                return new LoraBringUp.OpenedBus(RadioBus.of(chip, chip.dio0(), null, null), () -> { });
            };
            Path file = dir.resolve("sbridge.yaml");
            Files.writeString(file, "lan:\n  bind: 127.0.0.1\n  port: 0\n  discovery: false\n"
                    + "lora:\n  board: uputronics-lora-ce0\n"
                    + "p2p:\n  enabled: false\ncoap:\n  enabled: false\nmqtt:\n  enabled: false\nweb:\n  enabled: false\n");
            Path state = dir.resolve("state");
            GatewayConfig config = GatewayConfig.load(file, state, null, GatewayConfig.Role.GATEWAY,
                    TransportFactories.all(opener, ScaledAirTime.of(clock, 2)));
            try (Gateway g = Gateway.start(config)) {
                Map<String, Object> lora = transport(g, "lora0");
                assertEquals("UNAVAILABLE", lora.get("state"));
                assertEquals("lora0: no /dev/spidev0.0: SPI is not enabled", lora.get("reason"));

                // not fixed yet: still unavailable, with the reason, and the CLI fails
                Map<String, Object> answer = g.handle(Map.of("op", "transport-start", "id", "lora0"));
                assertEquals(false, answer.get("ok"));
                assertEquals("still unavailable: lora0: no /dev/spidev0.0: SPI is not enabled", answer.get("error"));
                String[] r = cli("transport", "start", "lora0", "--state-dir", state.toString());
                assertEquals(Integer.toString(ExitCodes.FAILED), r[0]);
                assertTrue(r[2].contains("still unavailable: lora0: no /dev/spidev0.0"), r[2]);

                spiEnabled.set(true);
                r = cli("transport", "start", "lora0", "--state-dir", state.toString());
                assertEquals(Integer.toString(ExitCodes.OK), r[0], r[1] + r[2]);
                assertEquals("transport lora0 ACTIVE\n", r[1]);
                lora = transport(g, "lora0");
                assertEquals("ACTIVE", lora.get("state"));
                assertEquals("lora", lora.get("type"));
                assertEquals("EU868 g3", lora.get("subBand"), "the radio's own fields are there now");
                r = cli("status", "--state-dir", state.toString());
                assertEquals(Integer.toString(ExitCodes.OK), r[0], r[2]);
                assertTrue(r[1].contains("transport lora0 ACTIVE in="), r[1]);
                assertTrue(r[1].contains("\n  subBand EU868 g3, dutyCycle 0.1, airtimeLastHourMs "), r[1]);
                assertTrue(r[1].contains("\n  udp 127.0.0.1:"), "the LAN's own fields: " + r[1]);
                assertTrue(g.endpoints().stream().noneMatch(e -> e.contains("UNAVAILABLE")), g.endpoints().toString());
                assertTrue(g.statusLine().contains("2/2 transports active"), g.statusLine());

                answer = g.handle(Map.of("op", "transport-start", "id", "lora0"));
                assertEquals("ACTIVE", answer.get("state"));
                assertEquals("already active", answer.get("reason"));
                var e = assertThrows(IllegalArgumentException.class,
                        () -> g.handle(Map.of("op", "transport-start", "id", "lora7")));
                assertTrue(e.getMessage().startsWith("no transport 'lora7' (this daemon has: "), e.getMessage());
                assertTrue(e.getMessage().contains("lan") && e.getMessage().contains("lora0"), e.getMessage());
            }
        }
    }
}
