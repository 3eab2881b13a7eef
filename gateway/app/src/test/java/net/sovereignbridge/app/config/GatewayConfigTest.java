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
        assertEquals(4242, c.lan().port());
        assertTrue(c.lanEnabled());
        assertTrue(c.lora().isEmpty());
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
    void validFileIsRead() throws Exception {
        Path f = write("node:\n  name: roof\nlan:\n  port: 5000\n  peers: [\"192.0.2.1:4242\", \"[::1]:4242\"]\n");
        GatewayConfig c = GatewayConfig.load(f, dir.resolve("s"), 6000);
        assertEquals("roof", c.nodeName());
        assertEquals(6000, c.lan().port(), "the command-line flag wins over the file");
        assertEquals(2, c.lan().staticPeers().size());
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

    @Test
    void fourMegabyteQuotedScalarIsRefusedFastBySize() throws Exception {
        Path f = dir.resolve("big.yaml");
        byte[] body = new byte[4 << 20];
        java.util.Arrays.fill(body, (byte) 'a');
        try (var out = Files.newOutputStream(f)) {
            out.write("node:\n  name: \"".getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write("\"\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertRefusedFastAsTooLarge(f, Files.size(f));
    }

    @Test
    void fiftyMegabytesOfCommentsAreRefusedFastBySize() throws Exception {
        Path f = dir.resolve("comments.yaml");
        byte[] line = ("# " + "c".repeat(61) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(f), 1 << 16)) {
            out.write("lan:\n  port: 5000\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < (50 << 20) / line.length; i++) out.write(line);
        }
        assertRefusedFastAsTooLarge(f, Files.size(f));
    }

    @Test
    void aLongLineIsRefusedBeforeTheQuadraticScanAndAFullFileOfShortLinesParsesFast() throws Exception {
        Path f = write("node:\n  state-dir: \"" + "a".repeat(ConfigNode.MAX_FILE_BYTES - 40) + "\"\n");
        long start = System.nanoTime();
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(f, null, null));
        assertTrue(e.getMessage().startsWith(f + ":2: line is 1048551 bytes long; lines may be at most 16384 bytes"),
                e.getMessage());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1000);

        // The same megabyte spread over 70-byte lines of one double-quoted scalar: accepted, and quick.
        StringBuilder y = new StringBuilder("node:\n  state-dir: \"");
        while (y.length() < ConfigNode.MAX_FILE_BYTES - 100) y.append("a".repeat(70)).append("\n    ");
        Path g = write(y.append("\"\n").toString());
        start = System.nanoTime();
        GatewayConfig c = GatewayConfig.load(g, null, null);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(c.stateDir().toString().length() > 900_000, "folded into one value");
        assertTrue(ms < 1000, "a 1 MiB file of short lines took " + ms + " ms");
    }

    @Test
    void binaryConfigurationIsNamedAsNotUtf8WithTheOffset() throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.write(f, new byte[] {'l', 'a', 'n', ':', '\n', ' ', ' ', 'p', (byte) 0xff, 0, 1, 2});
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(f, null, null));
        assertEquals(f + ":2: not UTF-8 text: byte 0xff at offset 8 is not valid UTF-8 (is this a binary file?)",
                e.getMessage());
    }

    @Test
    void unreadableConfigurationSaysWhy() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayConfig.load(dir.resolve("absent.yaml"), null, null));
        assertEquals(dir.resolve("absent.yaml") + ": cannot read configuration: no such file", e.getMessage());
    }

    private void assertRefusedFastAsTooLarge(Path f, long size) {
        long start = System.nanoTime();
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(f, null, null));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(f + ": configuration file is " + size + " bytes; at most 1048576 bytes (1 MiB, comments included)"
                + " are accepted", e.getMessage());
        assertTrue(ms < 1000, "refusing took " + ms + " ms");
    }

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
