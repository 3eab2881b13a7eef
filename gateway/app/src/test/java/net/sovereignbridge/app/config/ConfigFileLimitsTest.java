package net.sovereignbridge.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration file is checked before the YAML parser sees it: size (comments included), line length
 * (the scanner is quadratic in it) and encoding, each refused fast with file, line or offset.
 */
class ConfigFileLimitsTest {
    /**
     * CPU time of this thread, not wall time: on a loaded machine the wall clock counts the wait for a core, and
     * what these tests guard against is work (a quadratic scan, reading 50 MB), which CPU time measures.
     */
    private static long cpuMillis() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
    }

    @TempDir
    Path dir;

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
        long start = cpuMillis();
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(f, null, null));
        assertTrue(e.getMessage().startsWith(f + ":2: line is 1048551 bytes long; lines may be at most 16384 bytes"),
                e.getMessage());
        assertTrue(cpuMillis() - start < 1000, "refusing the long line took " + (cpuMillis() - start) + " ms of CPU");

        // The same megabyte spread over 70-byte lines of one double-quoted scalar: accepted, and quick.
        StringBuilder y = new StringBuilder("node:\n  state-dir: \"");
        while (y.length() < ConfigNode.MAX_FILE_BYTES - 100) y.append("a".repeat(70)).append("\n    ");
        Path g = write(y.append("\"\n").toString());
        start = cpuMillis();
        GatewayConfig c = GatewayConfig.load(g, null, null);
        long ms = cpuMillis() - start;
        assertTrue(c.stateDir().toString().length() > 900_000, "folded into one value");
        assertTrue(ms < 1000, "a 1 MiB file of short lines took " + ms + " ms of CPU");
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
        long start = cpuMillis();
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(f, null, null));
        long ms = cpuMillis() - start;
        assertEquals(f + ": configuration file is " + size + " bytes; at most 1048576 bytes (1 MiB, comments included)"
                + " are accepted", e.getMessage());
        assertTrue(ms < 1000, "refusing took " + ms + " ms of CPU");
    }

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
