package net.sovereignbridge.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.sovereignbridge.app.Main;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.transport.lan.LanTransport;
import net.sovereignbridge.app.transport.lan.LanTransportFactory;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayConfigTest {
    @TempDir
    Path dir;

    @Test
    void embeddedDefaultsNeedNoFile() throws Exception {
        GatewayConfig c = GatewayConfig.load(null, null, null);
        assertEquals(4242, lan(c).port());
        assertTrue(c.transport("lan").isPresent(), "the LAN runs by default");
        assertTrue(c.transport("lora0").isEmpty());
        assertEquals(8, c.hopLimit());
        assertEquals(0.02, c.routing().announceAirtimeShare());
        assertTrue(c.routing().position().isEmpty());
    }

    @Test
    void routingKeysAreRead() throws Exception {
        Path f = write("node:\n  announce-airtime-share: 0.05\n  position: u0vxkq\n");
        GatewayConfig c = GatewayConfig.load(f, null, null);
        assertEquals(0.05, c.routing().announceAirtimeShare());
        assertEquals("u0vxkq", c.routing().position().orElseThrow());
    }

    @Test
    void custodyKeysAreReadAndDefaultsFitWithinSmallerLimits() throws Exception {
        GatewayConfig c = GatewayConfig.load(write("custody:\n  own-total: 500\n  own-per-destination: 50\n"
                + "  relayed-total: 300\n  relayed-per-neighbour: 100\n  relayed-per-origin: 10\n"
                + "  relayed-unknown-origins: 60\n"), null, null);
        assertEquals(new CustodyQueue.Limits(500, 50, 300, 100, 10, 60), c.custody());
        assertEquals(CustodyQueue.Limits.defaults(), GatewayConfig.load(null, null, null).custody());
        // Unset limits within a smaller outer one shrink to it instead of failing.
        c = GatewayConfig.load(write("custody:\n  relayed-total: 100\n  own-total: 10\n"), null, null);
        assertEquals(new CustodyQueue.Limits(10, 10, 100, 100, 100, 100), c.custody());
    }

    @Test
    void validFileIsRead() throws Exception {
        Path f = write("node:\n  name: roof\nlan:\n  port: 5000\n  peers: [\"192.0.2.1:4242\", \"[::1]:4242\"]\n");
        GatewayConfig c = GatewayConfig.load(f, dir.resolve("s"), 6000);
        assertEquals("roof", c.nodeName());
        assertEquals(6000, lan(c).port(), "the command-line flag wins over the file");
        assertEquals(2, lan(c).staticPeers().size());
        assertEquals(dir.resolve("s"), c.stateDir());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lan:\\n  prot: 5000|:2: lan.prot: unknown key",
        "lan:\\n  port: 70000|:2: lan.port: 70000 is out of range 0..65535",
        "lan:\\n  port: many|:2: lan.port: expected an integer, got 'many'",
        "node:\\n  hop-limit: 0|:2: node.hop-limit: 0 is out of range 1..15",
        "node:\\n  announce-airtime-share: 2|:2: node.announce-airtime-share: '2' is not a number in 0.001..1",
        "node:\\n  position: atlantis|:2: node.position: 'atlantis' is not a geohash",
        "custody:\\n  own-total: 0|:2: custody.own-total: 0 is out of range 1..1000000",
        "custody:\\n  relayed-per-neighbour: 20000|:2: custody.relayed-per-neighbour: 20000 is more than relayed-total (10000)",
        "custody:\\n  relayed-per-origin: 3000|:2: custody.relayed-per-origin: 3000 is more than relayed-per-neighbour (2000)",
        "custody:\\n  relayed-unknown-origins: x|:2: custody.relayed-unknown-origins: expected an integer",
        "custody:\\n  relayed: 5|:2: custody.relayed: unknown key",
        "colour: blue|:1: colour: unknown key",
        "lan: 5|:1: lan: expected a mapping",
        "lan:\\n  discovery: maybe|:2: lan.discovery: expected true or false",
        "lan:\\n  peers: [nowhere]|:2: lan.peers: 'nowhere' is not host:port",
        "log:\\n  level: loud|:2: log.level: 'loud' is not one of",
        "lora:\\n  board: dragino\\n  region: MARS|:3: lora.region:",
        "lan:\\n  port: 1\\n  port: 2|:3: lan.port: duplicate key",
        "lan: [unclosed|not valid YAML",
    })
    void badConfigurationNamesFileLineAndKey(String yaml, String expected) throws Exception {
        Path f = write(yaml.replace("\\n", "\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(f, null, null));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void runWithBadConfigExitsTwoNamingTheKey() throws Exception {
        Path f = write("lan:\n  port: -4\n");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute("run", "--config", f.toString(), "--state-dir", dir.resolve("s").toString());
        } finally {
            System.setErr(old);
        }
        assertEquals(ExitCodes.CONFIG, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("lan.port: -4 is out of range"), err.toString());
        assertTrue(Files.notExists(dir.resolve("s")), "nothing may be created for a bad configuration");
    }

    static LanTransport.Options lan(GatewayConfig c) {
        return ((LanTransportFactory.Settings) c.transport("lan").orElseThrow()).options();
    }

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
