package net.sovereignbridge.app.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.lan.LanTransportFactory;
import net.sovereignbridge.app.transport.lora.LoraTransportFactory;
import net.sovereignbridge.mesh.transport.radio.Region;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code transports:} list, the {@code lan:} and {@code lora:} shorthands, and their ids. */
class TransportSectionsTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String yaml) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, yaml);
        return GatewayConfig.load(f, null, null);
    }

    private static List<String> ids(GatewayConfig c) {
        return c.transports().stream().map(t -> t.id() + "/" + t.type()).toList();
    }

    @Test
    void twoLoraRadiosAndALanFromTheList() throws Exception {
        GatewayConfig c = load("""
                lan:
                  enabled: false
                transports:
                  - type: lan
                    id: lan-wired
                    port: 5000
                  - type: lora
                    id: lora0
                    board: uputronics-lora-ce0
                    region: EU868
                    channel: 3
                  - type: lora
                    id: lora1
                    board: uputronics-lora-ce1
                    region: EU433
                    internet-share: 0.1
                    lbt: false
                """);
        assertEquals(List.of("lan-wired/lan", "lora0/lora", "lora1/lora"), ids(c));
        assertEquals(5000, ((LanTransportFactory.Settings) c.transport("lan-wired").orElseThrow()).options().port());
        var lora1 = ((LoraTransportFactory.Settings) c.transport("lora1").orElseThrow()).radio();
        assertEquals("uputronics-lora-ce1", lora1.board());
        assertEquals(Optional.of(Region.EU433), lora1.region());
        assertEquals(0.1, lora1.internetShare());
        assertEquals(false, lora1.listenBeforeTalk());
        var lora0 = ((LoraTransportFactory.Settings) c.transport("lora0").orElseThrow()).radio();
        assertEquals(3, lora0.channel());
    }

    @Test
    void bleSectionsWithTheirDefaults() throws Exception {
        GatewayConfig c = load("""
                transports:
                  - {type: ble, id: ble0}
                  - {type: ble, id: ble1, adapter: hci1, name: sbridge1, max-links: 4, connect-timeout-ms: 5000,
                     neighbour-timeout-ms: 60000}
                """);
        assertEquals(List.of("lan/lan", "ble0/ble", "ble1/ble"), ids(c));
        var ble0 = ((net.sovereignbridge.app.transport.ble.BleTransportFactory.Settings) c.transport("ble0").orElseThrow())
                .options();
        assertEquals(new net.sovereignbridge.app.transport.ble.BleTransport.Options("hci0", "", 8, 10_000, 180_000), ble0);
        var ble1 = ((net.sovereignbridge.app.transport.ble.BleTransportFactory.Settings) c.transport("ble1").orElseThrow())
                .options();
        assertEquals(new net.sovereignbridge.app.transport.ble.BleTransport.Options("hci1", "sbridge1", 4, 5_000, 60_000), ble1);
    }

    @Test
    void theShorthandsComeFirstAndKeepTheirIds() throws Exception {
        GatewayConfig c = load("""
                lora:
                  board: uputronics-lora-ce0
                transports:
                  - {type: lora, id: lora1, board: uputronics-lora-ce1}
                """);
        assertEquals(List.of("lan/lan", "lora0/lora", "lora1/lora"), ids(c));
    }

    @Test
    void theLanPortFlagReachesListedLanTransportsToo() throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, "lan:\n  enabled: false\ntransports:\n  - {type: lan, id: lan2, port: 5000}\n"
                + "  - {type: lora, id: lora0, board: uputronics-lora-ce0}\n");
        GatewayConfig c = GatewayConfig.load(f, null, 6001);
        assertEquals(6001, ((LanTransportFactory.Settings) c.transport("lan2").orElseThrow()).options().port());
        assertTrue(c.transport("lora0").isPresent(), "a transport without a UDP port is left as it is");
    }

    @Test
    void theBootstrapRoleChecksRadioSectionsButStartsNone() throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, "transports:\n  - {type: lora, id: lora1, board: uputronics-lora-ce1}\n");
        GatewayConfig c = GatewayConfig.load(f, null, null, GatewayConfig.Role.BOOTSTRAP);
        assertEquals(List.of("lan/lan"), ids(c));
        Files.writeString(f, "transports:\n  - {type: lora, id: lora1, board: uputronics-lora-ce1, lbt: perhaps}\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayConfig.load(f, null, null, GatewayConfig.Role.BOOTSTRAP));
        assertTrue(e.getMessage().contains(":2: transports[0].lbt: must be true or false"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "transports:\\n  - {type: lora, id: lora0, board: x, bord: y}|:2: transports[0].bord: unknown key",
        "transports:\\n  - {type: lan, id: lan2}\\n  - {type: lan, id: lan2, port: 1}|:3: transports[1].id: 'lan2' is already used by transports[0]",
        "lora:\\n  board: x\\ntransports:\\n  - {type: lora, id: lora0, board: y}|:4: transports[0].id: 'lora0' is already used by the lora: section",
        "transports:\\n  - {type: lan}|transports[0].id: missing",
        "transports:\\n  - {type: lan, id: Lan}|:2: transports[0].id: 'Lan' is not 1..16 of a-z",
        "transports:\\n  - {type: lan, id: overlay}|:2: transports[0].id: 'overlay' is the node's own transport",
        "transports:\\n  - {type: lan, id: bundle}|:2: transports[0].id: 'bundle' is the node's own transport",
        "transports:\\n  - {id: x}|transports[0].type: missing; one of lan, lora",
        "transports:\\n  - {type: sonar, id: sonar0}|:2: transports[0].type: 'sonar' is not one of lan, lora, kiss, rnode, satellite, meshtastic, ble, audio",
        "transports:\\n  - {type: ble, id: ble0, adapter: usb0}|:2: transports[0].adapter: 'usb0' is no BlueZ adapter name",
        "transports:\\n  - {type: ble, id: ble0, name: sovereign-gw}|:2: transports[0].name: advertisement of 35 bytes exceeds the legacy 31-byte limit",
        "transports:\\n  - {type: ble, id: ble0, max-links: 0}|:2: transports[0].max-links: 0 is out of range 1..32",
        "transports:\\n  - {type: ble, id: ble0, connect-timeout-ms: 10}|:2: transports[0].connect-timeout-ms: 10 is out of range 1000..60000",
        "transports:\\n  - {type: ble, id: ble0, mtu: 23}|:2: transports[0].mtu: unknown key",
        "ble:\\n  adapter: hci0|:2: ble.adapter: BLE is configured in transports:",
        "transports:\\n  - {type: lora, id: lora1}|transports[0].board: missing",
        "transports:\\n  - {type: lora, id: lora1, board: x, region: MARS}|:2: transports[0].region: unknown region 'MARS'",
        "transports:\\n  - {type: lora, id: lora1, board: x, channel: two}|:2: transports[0].channel: must be an integer",
        "transports:\\n  - {type: lan, id: lan2, port: 70000}|:2: transports[0].port: 70000 is out of range 0..65535",
        "transports:\\n  - lan|:2: transports[0]: expected a mapping",
        "transports: lan|:1: transports: expected a list of mappings",
        "transports:\\n  - {type: lan, id: lan2, enabled: false}|:2: transports[0].enabled: unknown key",
    })
    void badSectionsAreNamedByFileLineAndPath(String yaml, String expected) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml.replace("\\n", "\n")));
        assertTrue(e.getMessage().startsWith(dir.resolve("sbridge.yaml").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void atMostSixteenSections() {
        StringBuilder y = new StringBuilder("transports:\n");
        for (int i = 0; i < 17; i++) y.append("  - {type: lan, id: lan").append(i).append("}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(y.toString()));
        assertTrue(e.getMessage().contains("transports: 17 sections; at most 16"), e.getMessage());
    }
}
