package net.sovereignbridge.app.services.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.services.LocalTools;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;

/**
 * Local services throughput and idle memory (docs/benchmarks.md, "Local services"). Not a test: run by
 * hand. Two gateways over LAN on loopback, a Mosquitto on a free loopback port.
 */
public final class LocalServicesBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path dir = Files.createTempDirectory("sbridge-bench");
        long heapBefore;
        try (LocalTools.Mosquitto broker = new LocalTools.Mosquitto(dir.resolve("broker"), LocalTools.freeTcpPort(),
                // Mosquitto's default of 1000 queued QoS 1 messages per client would drop the burst
                // (mosquitto_pub -l publishes 2000 in ~0.2 s, faster than any one subscriber drains).
                "max_queued_messages 100000\n")) {
            int lanA = LocalTools.freeUdpPort();
            int lanB = LocalTools.freeUdpPort();
            // Idle memory: the same gateway with and without the services, heap after GC.
            int threadsPlain;
            try (Gateway plain = Gateway.start(config(dir, "plain", LocalTools.freeUdpPort(), lanA, false, broker.uri()))) {
                Thread.sleep(1000);
                heapBefore = usedHeapAfterGc();
                threadsPlain = Thread.activeCount();
            }
            try (Gateway a = Gateway.start(config(dir, "alpha", lanA, lanB, true, broker.uri()))) {
                LocalTools.await("mqtt", 30, () -> a.services().mqtt().connected());
                Thread.sleep(1000);
                long heapServices = usedHeapAfterGc();
                System.out.printf("idle, one gateway, heap after GC: services off %.2f MiB, %d threads; CoAP + MQTT on"
                        + " %.2f MiB, %d threads (services: +%.2f MiB, +%d threads)%n", heapBefore / 1048576.0,
                        threadsPlain, heapServices / 1048576.0, Thread.activeCount(),
                        (heapServices - heapBefore) / 1048576.0, Thread.activeCount() - threadsPlain);
            try (Gateway b = Gateway.start(config(dir, "bravo", lanB, lanA, true, broker.uri()))) {
                LocalTools.await("peers", 30, () -> a.node().peers().key(b.identity().address()).isPresent()
                        && b.node().peers().key(a.identity().address()).isPresent()
                        && a.services().mqtt().connected());
                // MQTT: Mosquitto's own clients as the devices: mosquitto_pub -l sends one request per line,
                // mosquitto_sub -C N counts N receipts.
                String base = "sbridge/" + a.identity().address().toHex() + "/";
                String body = "{\"to\":\"" + b.identity().address().toHex() + "\",\"text\":\"bench message 0123456789\"}";
                int n = 2000;
                try (LocalTools.Background receipts = new LocalTools.Background(
                        LocalTools.require("mosquitto_sub", "mosquitto-clients"), "-h", "127.0.0.1", "-p",
                        Integer.toString(broker.port), "-q", "1", "-C", Integer.toString(2 * n), "-t", base + "receipts")) {
                    Thread.sleep(500);
                    byte[] lines = (body + "\n").repeat(n).getBytes(StandardCharsets.UTF_8);
                    long t0 = System.nanoTime();
                    LocalTools.run(120, lines, LocalTools.require("mosquitto_pub", "mosquitto-clients"), "-h", "127.0.0.1",
                            "-p", Integer.toString(broker.port), "-q", "1", "-l", "-t", base + "send");
                    double pubSeconds = (System.nanoTime() - t0) / 1e9;
                    long lastDelivered = 0;
                    long lastChange = System.nanoTime();
                    while (receipts.alive() && System.nanoTime() - t0 < 120_000_000_000L) {
                        long d = receipts.lines().stream().filter(l -> l.contains("\"state\":\"delivered\"")).count();
                        if (d != lastDelivered) {
                            lastDelivered = d;
                            lastChange = System.nanoTime();
                        }
                        Thread.sleep(20);
                    }
                    double s = (lastChange - t0) / 1e9; // time of the last delivered receipt
                    // each message gets two receipts: "sent" when handed to the LAN link, "delivered" when B's
                    // authenticated end-to-end acknowledgement comes back
                    long sent = receipts.lines().stream().filter(l -> l.contains("\"state\":\"sent\"")).count();
                    long delivered = receipts.lines().stream().filter(l -> l.contains("\"state\":\"delivered\"")).count();
                    System.out.printf("MQTT send -> mesh -> delivered receipt: %d requests (published in %.2f s), %d sent and"
                            + " %d delivered receipts in %.2f s = %.0f messages/s end to end%n", n, pubSeconds, sent, delivered,
                            s, delivered / s);
                    System.out.printf("  B's inbox holds %d messages; A's custody has %d pending; B's LAN drops: %s%n",
                            b.node().inbox().count(), a.node().custody().pendingCount(),
                            b.node().transports().counters("lan").dropsByReason());
                }
                // CoAP after MQTT: the POST flood leaves B with a backlog of inbox writes for a while.
                String node = "coap://127.0.0.1:" + a.services().coap().port("coap") + "/node";
                String msg = "coap://127.0.0.1:" + a.services().coap().port("coap") + "/msg";
                rate("CoAP GET /node", seconds, threads, c -> c.get(), node, null);
                rate("CoAP POST /msg", seconds, threads, c -> c.post(body, MediaTypeRegistry.APPLICATION_JSON), msg, null);

            }
            }
        }
    }

    interface Call {
        CoapResponse call(CoapClient c) throws Exception;
    }

    private static void rate(String name, int seconds, int threads, Call call, String uri, Object unused) throws Exception {
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
        java.util.Map<String, AtomicInteger> codes = new java.util.concurrent.ConcurrentHashMap<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            new Thread(() -> {
                CoapClient c = new CoapClient(uri);
                c.setEndpoint(new CoapEndpoint.Builder().build());
                try {
                    while (System.nanoTime() < end) {
                        CoapResponse r = call.call(c);
                        if (r != null && r.isSuccess()) ok.incrementAndGet();
                        else {
                            bad.incrementAndGet();
                            codes.computeIfAbsent(r == null ? "timeout" : r.getCode().toString(), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    bad.incrementAndGet();
                } finally {
                    c.shutdown();
                    done.countDown();
                }
            }).start();
        }
        done.await();
        System.out.printf("%s: %d ok, %d failed in %d s with %d clients = %.0f requests/s%n", name, ok.get(), bad.get(),
                seconds, threads, ok.get() / (double) seconds);
        if (!codes.isEmpty()) System.out.println("  failures by code: " + codes);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static GatewayConfig config(Path dir, String name, int lan, int peer, boolean services, String broker)
            throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\nlan:\n  bind: 127.0.0.1\n  port: " + lan
                + "\n  discovery: false\n  interfaces: [lo]\n  peers: [\"127.0.0.1:" + peer + "\"]\n"
                + "coap:\n  enabled: " + services + "\n  port: 0\n  ingress-per-minute: 100000\n  ingress-burst: 10000\n"
                + "mqtt:\n  enabled: " + services + "\n  broker: " + broker
                + "\n  ingress-per-minute: 100000\n  ingress-burst: 10000\n  queue-limit: 10000\nlog:\n  level: warn\n");
        return GatewayConfig.load(file, dir.resolve(name), null);
    }
}
