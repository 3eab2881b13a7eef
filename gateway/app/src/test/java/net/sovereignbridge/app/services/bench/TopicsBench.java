package net.sovereignbridge.app.services.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.services.LocalTools;
import net.sovereignbridge.mesh.topics.Topics;

/**
 * Mesh topics through two bridges (docs/benchmarks.md, "Local services"): mosquitto_pub -l publishes N messages
 * on gateway A's broker, they cross the mesh (LAN on loopback) and mosquitto_sub counts them on gateway B's
 * broker. Not a test: run by hand. Rate limits are lifted to measure the path, not the limiter.
 */
public final class TopicsBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path dir = Files.createTempDirectory("sbridge-topics-bench");
        try (LocalTools.Mosquitto brokerA = new LocalTools.Mosquitto(dir.resolve("a"), LocalTools.freeTcpPort(),
                        "max_queued_messages 100000\n");
                LocalTools.Mosquitto brokerB = new LocalTools.Mosquitto(dir.resolve("b"), LocalTools.freeTcpPort(),
                        "max_queued_messages 100000\n")) {
            int lanA = LocalTools.freeUdpPort();
            int lanB = LocalTools.freeUdpPort();
            try (Gateway a = Gateway.start(config(dir, "alpha", lanA, lanB, brokerA.uri()));
                    Gateway b = Gateway.start(config(dir, "bravo", lanB, lanA, brokerB.uri()))) {
                Topics.Limits open = new Topics.Limits(1_000_000, 100_000);
                a.node().topics().setLimits(open);
                b.node().topics().setLimits(open);
                LocalTools.await("peers and brokers", 30, () -> a.node().peers().key(b.identity().address()).isPresent()
                        && b.node().peers().key(a.identity().address()).isPresent() && a.services().mqtt().connected()
                        && b.services().mqtt().connected());
                try (LocalTools.Background sub = new LocalTools.Background(
                        LocalTools.require("mosquitto_sub", "mosquitto-clients"), "-h", "127.0.0.1", "-p",
                        Integer.toString(brokerB.port), "-q", "1", "-C", Integer.toString(n), "-t", "sbridge/topic/bench")) {
                    Thread.sleep(500);
                    byte[] lines = "reading 21.5 C, gauge 3 at 0.42 m\n".repeat(n).getBytes(StandardCharsets.UTF_8);
                    long t0 = System.nanoTime();
                    LocalTools.run(120, lines, LocalTools.require("mosquitto_pub", "mosquitto-clients"), "-h",
                            "127.0.0.1", "-p", Integer.toString(brokerA.port), "-q", "1", "-l", "-t", "sbridge/topic/bench");
                    long last = 0;
                    long lastChange = System.nanoTime();
                    while (sub.alive() && System.nanoTime() - t0 < 120_000_000_000L) {
                        long c = sub.lines().stream().filter(l -> l.contains("mesh-topic")).count();
                        if (c != last) {
                            last = c;
                            lastChange = System.nanoTime();
                        }
                        Thread.sleep(20);
                    }
                    long got = sub.lines().stream().filter(l -> l.contains("mesh-topic")).count();
                    double s = (lastChange - t0) / 1e9;
                    System.out.printf("MQTT A -> mesh topic -> MQTT B: %d of %d messages in %.2f s = %.0f messages/s;"
                            + " B's LAN drops %s, B kept %d (buffer %d)%n", got, n, s, got / s,
                            b.node().transports().counters("lan").dropsByReason(),
                            b.node().topics().recent("bench").size(), Topics.RECENT);
                }
            }
        }
    }

    private static GatewayConfig config(Path dir, String name, int lan, int peer, String broker) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\nlan:\n  bind: 127.0.0.1\n  port: " + lan
                + "\n  discovery: false\n  interfaces: [lo]\n  peers: [\"127.0.0.1:" + peer + "\"]\n"
                + "coap:\n  enabled: false\nmqtt:\n  broker: " + broker
                + "\n  ingress-per-minute: 100000\n  ingress-burst: 10000\n  queue-limit: 10000\nlog:\n  level: warn\n");
        return GatewayConfig.load(file, dir.resolve(name), null);
    }
}
