package net.sovereignbridge.app.gps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.control.ControlClient;
import net.sovereignbridge.drivers.nmea.FakeGpsPty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole gateway with a {@code gps:} section on a pty where python3-gps's fake GPS replays a recorded fix: the fix,
 * position, satellites, GPS time and the system clock's offset from it show in {@code sbridge status}; a corrupted
 * sentence is counted, not used; bad keys are refused with file, line and key.
 */
class GpsDaemonTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String gps) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, "lan:\n  enabled: false\np2p:\n  enabled: false\ncoap:\n  enabled: false\nmqtt:\n"
                + "  enabled: false\ngps:\n" + gps);
        return GatewayConfig.load(f, dir.resolve("state"), null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFixFromTheSerialGpsShowsInTheStatus() throws Exception {
        try (FakeGpsPty gps = new FakeGpsPty(dir, List.of(
                "$GPRMC,123519.00,A,4807.0380,N,01131.0000,E,0.02,,041226,,,A*4E",
                "$GPGGA,123519.00,4807.0380,N,01131.0000,E,1,08,0.9,545.4,M,46.9,M,,*69",
                "$GPRMC,123519.50,A,4807.0380,N,01131.0000,E,0.02,,041226,,,A*00"))) {
            GatewayConfig config = load("  device: " + gps.device() + "\n  speed: 4800\n");
            assertEquals(gps.device(), config.gps().device());
            Gateway g = Gateway.start(config);
            try {
                Map<String, Object> status = Map.of();
                Map<String, Object> fix = Map.of();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline) {
                    status = ControlClient.call(config.stateDir(), Map.of("op", "status"));
                    fix = (Map<String, Object>) status.getOrDefault("gps", Map.of());
                    if (Boolean.TRUE.equals(fix.get("fix")) && fix.containsKey("satellites")
                            && ((Number) fix.get("badChecksums")).longValue() > 0) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertEquals(Boolean.TRUE, fix.get("fix"), status.toString());
                assertEquals(48.1173, ((Number) fix.get("latitude")).doubleValue(), 1e-9);
                assertEquals(11.516667, ((Number) fix.get("longitude")).doubleValue(), 1e-6);
                assertEquals(8, ((Number) fix.get("satellites")).intValue());
                assertEquals("2026-12-04T12:35:19Z", fix.get("gpsTime"));
                assertTrue(fix.containsKey("clockOffsetMillis"), fix.toString());
                assertTrue(((Number) fix.get("badChecksums")).longValue() > 0, "the corrupted RMC was counted");
                assertTrue(String.valueOf(fix.get("problem")).contains("does not match"), fix.toString());
                // the node announces the fix's geohash at the configured precision (6 by default)
                assertEquals(java.util.Optional.of(net.sovereignbridge.mesh.routing.Geohash.encode(48.1173,
                        11.0 + 31.0 / 60, 6)), g.node().position());
                assertEquals(6, g.node().position().get().length());
            } finally {
                g.close();
            }
        }
    }

    @Test
    void aConfiguredPositionWinsOverTheFix() throws Exception {
        try (FakeGpsPty gps = new FakeGpsPty(dir, List.of(
                "$GPRMC,123519.00,A,4807.0380,N,01131.0000,E,0.02,,041226,,,A*4E"))) {
            Path f = dir.resolve("fixed.yaml");
            Files.writeString(f, "node:\n  position: u0yjjd\nlan:\n  enabled: false\np2p:\n  enabled: false\n"
                    + "coap:\n  enabled: false\nmqtt:\n  enabled: false\ngps:\n  device: " + gps.device()
                    + "\n  geohash-precision: 9\n");
            GatewayConfig config = GatewayConfig.load(f, dir.resolve("fixed-state"), null);
            assertEquals(9, config.gps().geohashPrecision());
            Gateway g = Gateway.start(config);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                Map<String, Object> fix = Map.of();
                while (!Boolean.TRUE.equals(fix.get("fix")) && System.nanoTime() < deadline) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) ControlClient.call(config.stateDir(),
                            Map.of("op", "status")).getOrDefault("gps", Map.of());
                    fix = m;
                    Thread.sleep(100);
                }
                assertEquals(Boolean.TRUE, fix.get("fix"));
                assertEquals(java.util.Optional.of("u0yjjd"), g.node().position());
            } finally {
                g.close();
            }
        }
    }

    @Test
    void badKeysAreRefusedWithFileLineAndKey() {
        ConfigException speed = assertThrows(ConfigException.class, () -> load("  device: /dev/ttyAMA0\n  speed: 5\n"));
        assertTrue(speed.getMessage().contains("sbridge.yaml:") && speed.getMessage().contains("gps.speed"),
                speed.getMessage());
        assertThrows(ConfigException.class, () -> load("  device: /dev/ttyAMA0\n  geohash-precision: 13\n"));
        ConfigException unknown = assertThrows(ConfigException.class, () -> load("  device: /dev/ttyAMA0\n  baud: 9600\n"));
        assertTrue(unknown.getMessage().contains("gps.baud") && unknown.getMessage().contains("unknown key"),
                unknown.getMessage());
    }

    @Test
    void withoutADeviceThereIsNoGps() throws Exception {
        assertTrue(!load("  speed: 9600\n").gps().enabled());
    }
}
