package net.sovereignbridge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.lora.LoraTransportFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon with a LoRa board configured, on this machine (which has no SPI). */
class GatewayLoraTest {
    @Test
    void configuredRadioWithoutSpiIsReportedNotFatal(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sbridge.yaml");
        Files.writeString(file, """
                lan:
                  enabled: false
                lora:
                  board: adafruit-lora-radio-bonnet
                  region: EU868
                  channel: 3
                """);
        GatewayConfig cfg = GatewayConfig.load(file, dir.resolve("state"), null);
        assertEquals("adafruit-lora-radio-bonnet",
                ((LoraTransportFactory.Settings) cfg.transport("lora0").orElseThrow()).radio().board());
        try (Gateway g = Gateway.start(cfg)) {
            Map<String, Object> status = g.handle(Map.of("op", "status"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> transports = (List<Map<String, Object>>) status.get("transports");
            Map<String, Object> lora = transports.stream().filter(t -> "lora0".equals(t.get("id"))).findFirst()
                    .orElseThrow();
            if (!Files.exists(Path.of("/dev/spidev0.1"))) {
                assertEquals("UNAVAILABLE", lora.get("state"));
                assertTrue(String.valueOf(lora.get("reason")).contains("/dev/spidev"), String.valueOf(lora.get("reason")));
                assertTrue(g.endpoints().stream().anyMatch(e -> e.startsWith("lora0 UNAVAILABLE: lora0: no /dev/spidev")),
                        g.endpoints().toString());
            }
        }
    }

    @Test
    void badLoraSettingsFailAtStartWithTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sbridge.yaml");
        Files.writeString(file, "lora:\n  board: dragino-lora-gps-hat\n  internet-share: 3\n");
        try {
            GatewayConfig.load(file, dir.resolve("state"), null);
            throw new AssertionError("accepted internet-share 3");
        } catch (ConfigException e) {
            assertTrue(e.getMessage().contains("internet-share"), e.getMessage());
        }
    }
}
