package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, MQTT part, against a real Mosquitto broker and its real clients: a device publishes on gateway A's
 * send topic, the message crosses the mesh, B publishes it on its inbox topic, and A's receipts say delivered.
 * Fails (does not skip) when Mosquitto is missing: .ci/run installs it.
 */
class MqttBridgeTest {
    @TempDir
    Path dir;

    @Test
    void deviceToDeviceAcrossTheMeshThroughMosquitto() throws Exception {
        int mqttPort;
        try (ServerSocket s = new ServerSocket(0)) {
            mqttPort = s.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + mqttPort + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        Process broker = start(List.of("mosquitto", "-c", conf.toString()));
        Process sub = null;
        StringBuffer seen = new StringBuffer();
        try {
            Daemon.await("Mosquitto to listen", 20, () -> {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", mqttPort)) {
                    return true;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            sub = start(List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", Integer.toString(mqttPort), "-t", "sbridge/#", "-v"));
            Process subscriber = sub;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(subscriber.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) seen.append(line).append('\n');
                } catch (java.io.IOException ignored) {
                    // subscriber ended
                }
            });
            reader.setDaemon(true);
            reader.start();

            int discovery = Daemon.freeUdpPort();
            String mqtt = "mqtt:\n  enabled: true\n  broker: tcp://127.0.0.1:" + mqttPort + "\n";
            Path cfgA = Daemon.loopbackConfig(dir, "alpha", discovery, true);
            Files.writeString(cfgA, Files.readString(cfgA) + mqtt);
            Path cfgB = Daemon.loopbackConfig(dir, "bravo", discovery, true);
            Files.writeString(cfgB, Files.readString(cfgB) + mqtt);
            try (Daemon a = Daemon.start(dir.resolve("a"), Daemon.freeUdpPort(), cfgA);
                    Daemon b = Daemon.start(dir.resolve("b"), Daemon.freeUdpPort(), cfgB)) {
                String addressA = a.address();
                String addressB = b.address();
                Daemon.await("A to learn B", 45, () -> Daemon.knowsPeer(addressB).test(a.status()));
                Daemon.await("A's retained online status", 30,
                        () -> seen.toString().contains("sbridge/" + addressA + "/status {\"state\":\"online\""));

                pub(mqttPort, "sbridge/" + addressA + "/send",
                        "{\"to\":\"" + addressB + "\",\"text\":\"temperature 21.5\",\"ref\":\"r1\"}");
                Daemon.await("B's inbox topic to carry the message", 45, () -> seen.toString().lines().anyMatch(
                        l -> l.startsWith("sbridge/" + addressB + "/inbox ") && l.contains("\"text\":\"temperature 21.5\"")
                                && l.contains("\"from\":\"" + addressA + "\"")));
                Daemon.await("A's receipt for the request", 30, () -> seen.toString().lines().anyMatch(
                        l -> l.startsWith("sbridge/" + addressA + "/receipts ") && l.contains("\"ref\":\"r1\"")));
                Daemon.await("A's receipt saying delivered", 45, () -> seen.toString().lines().anyMatch(
                        l -> l.startsWith("sbridge/" + addressA + "/receipts ") && l.contains("\"state\":\"delivered\"")));

                pub(mqttPort, "sbridge/" + addressA + "/send", "this is not json");
                pub(mqttPort, "sbridge/" + addressA + "/send", "{\"to\":\"nobody\",\"text\":\"x\"}");
                Daemon.await("errors for bad input", 30, () -> seen.toString().contains("sbridge/" + addressA
                        + "/errors {\"error\":\"malformed send request") && seen.toString().contains("mesh address"));
                assertTrue(a.alive());

                assertEquals(143, b.terminate());
                Daemon.await("B's offline status", 30, () -> seen.toString().contains("sbridge/" + addressB + "/status offline"));
            }
        } finally {
            if (sub != null) sub.destroy();
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Process start(List<String> cmd) throws Exception {
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError(cmd.get(0) + " is not installed (Debian packages mosquitto, mosquitto-clients): "
                    + e.getMessage());
        }
    }

    private static void pub(int port, String topic, String payload) throws Exception {
        Process p = start(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "1", "-t", topic,
                "-m", payload));
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
