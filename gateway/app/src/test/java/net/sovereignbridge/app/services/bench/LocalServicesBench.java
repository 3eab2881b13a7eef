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
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

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
        try (LocalTools.Mosquitto broker = new LocalTools.Mosquitto(dir.resolve("broker"))) {
            int lanA = LocalTools.freeUdpPort();
            int lanB = LocalTools.freeUdpPort();
            // Idle memory: the same gateway with and without the services, heap after GC.
            try (Gateway plain = Gateway.start(config(dir, "plain", LocalTools.freeUdpPort(), lanA, false, broker.uri()))) {
                Thread.sleep(1000);
                heapBefore = usedHeapAfterGc();
            }
            try (Gateway a = Gateway.start(config(dir, "alpha", lanA, lanB, true, broker.uri()));
                    Gateway b = Gateway.start(config(dir, "bravo", lanB, lanA, true, broker.uri()))) {
                LocalTools.await("peers", 30, () -> a.node().peers().key(b.identity().address()).isPresent()
                        && b.node().peers().key(a.identity().address()).isPresent()
                        && a.services().mqtt().connected());
                Thread.sleep(1000);
                long threadsNow = Thread.activeCount();
                long heapTwo = usedHeapAfterGc();
                System.out.printf("idle heap after GC: no services %.1f MiB; two gateways with services %.1f MiB"
                        + " (services of one gateway ~ %.1f MiB incl. its own node); JVM threads %d%n",
                        heapBefore / 1048576.0, heapTwo / 1048576.0, (heapTwo - heapBefore) / 2 / 1048576.0, threadsNow);

                String node = "coap://127.0.0.1:" + a.services().coap().port("coap") + "/node";
                String msg = "coap://127.0.0.1:" + a.services().coap().port("coap") + "/msg";
                String body = "{\"to\":\"" + b.identity().address().toHex() + "\",\"text\":\"bench message 0123456789\"}";
                rate("CoAP GET /node", seconds, threads, c -> c.get(), node, null);
                rate("CoAP POST /msg", seconds, threads, c -> c.post(body, MediaTypeRegistry.APPLICATION_JSON), msg, null);

                // MQTT: send requests published as fast as QoS 1 allows; count receipts.
                String base = "sbridge/" + a.identity().address().toHex() + "/";
                MqttClient device = new MqttClient(broker.uri(), "bench-device", new MemoryPersistence());
                MqttConnectOptions o = new MqttConnectOptions();
                o.setMaxInflight(1000);
                device.connect(o);
                AtomicInteger receipts = new AtomicInteger();
                AtomicInteger sent = new AtomicInteger();
                device.subscribe(base + "receipts", 1, (t, m) -> {
                    receipts.incrementAndGet();
                    if (new String(m.getPayload(), StandardCharsets.UTF_8).contains("\"state\":\"sent\"")) sent.incrementAndGet();
                });
                int n = 2000;
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) device.publish(base + "send", body.getBytes(StandardCharsets.UTF_8), 1, false);
                while (receipts.get() < n && System.nanoTime() - t0 < 120_000_000_000L) Thread.sleep(5);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("MQTT send -> mesh -> receipt: %d requests, %d receipts (%d sent) in %.2f s = %.0f msg/s%n",
                        n, receipts.get(), sent.get(), s, receipts.get() / s);
                device.disconnect();
                device.close();
            }
        }
    }

    interface Call {
        CoapResponse call(CoapClient c) throws Exception;
    }

    private static void rate(String name, int seconds, int threads, Call call, String uri, Object unused) throws Exception {
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
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
                        else bad.incrementAndGet();
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
