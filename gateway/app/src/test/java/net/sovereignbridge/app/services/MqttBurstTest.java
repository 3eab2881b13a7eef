package net.sovereignbridge.app.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.cli.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A device's QoS 1 burst through the embedded Mosquitto that the gateway starts: every message the broker
 * acknowledged to mosquitto_pub must reach the mesh, or be refused with a receipt that says why. Before the
 * broker's queue was sized, 979 of 2000 vanished after the broker had acknowledged them (its own dropped
 * counter said so) because the bridge drains about 1000 per second and Mosquitto queues 1000 per client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MqttBurstTest {
    static final int BURST = 2000;
    LocalTools.LanPair pair;
    Gateway alpha;
    Gateway bravo;
    String a;
    String b;
    int port;
    String password;

    @BeforeAll
    void start() throws Exception {
        port = LocalTools.freeTcpPort();
        // a cap above the burst: this test is about the broker and the bridge, not the airtime gate
        pair = LocalTools.LanPair.start("services-burst", "coap:\n  enabled: false\nmqtt:\n  embedded-port: " + port
                + "\n  ingress-per-minute: 100000\n  ingress-burst: 10000\n",
                "coap:\n  enabled: false\nmqtt:\n  enabled: false\n");
        alpha = pair.alpha;
        bravo = pair.bravo;
        a = alpha.identity().address().toHex();
        b = bravo.identity().address().toHex();
        LocalTools.await("alpha's bridge to connect", 20, () -> alpha.services().mqtt().connected());
        password = Files.readString(pair.dir.resolve("alpha").resolve("mqtt").resolve("password")).strip();
    }

    @AfterAll
    void stop() throws Exception {
        if (pair != null) pair.close();
    }

    private Map<String, Object> mqttStatus() {
        return LocalTools.serviceStatus(alpha, "mqtt");
    }

    private static long number(Map<String, Object> m, String key) {
        return LocalTools.counter(m, key);
    }

    private static int inboxSize(Gateway g) {
        return LocalTools.inboxSize(g);
    }

    @Test
    void aBurstOfTwoThousandQos1PublishesReachesTheMeshOrIsRefusedOutLoud() throws Exception {
        String sub = LocalTools.require("mosquitto_sub", "mosquitto-clients");
        String pub = LocalTools.require("mosquitto_pub", "mosquitto-clients");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < BURST; i++) {
            lines.append("{\"to\":\"").append(b).append("\",\"text\":\"burst ").append(i).append("\",\"ref\":\"r")
                    .append(i).append("\"}\n");
        }
        long receivedBefore = number(mqttStatus(), "received");
        int inboxBefore = inboxSize(bravo);
        try (LocalTools.Background receipts = new LocalTools.Background(sub, "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-u", "sbridge", "-P", password, "-q", "1", "-t", "sbridge/" + a + "/receipts")) {
            Thread.sleep(500);
            long t0 = System.nanoTime();
            // -l: one message per line of standard input, all with QoS 1, as fast as the broker acknowledges
            LocalTools.Result burst = LocalTools.run(120, lines.toString().getBytes(StandardCharsets.UTF_8), pub, "-h",
                    "127.0.0.1", "-p", Integer.toString(port), "-u", "sbridge", "-P", password, "-q", "1", "-t",
                    "sbridge/" + a + "/send", "-l");
            assertEquals(0, burst.exit(), burst.toString());
            double publishSeconds = (System.nanoTime() - t0) / 1e9;
            LocalTools.await("the bridge to take every message of the burst", 120,
                    () -> number(mqttStatus(), "received") - receivedBefore >= BURST);
            double bridgeSeconds = (System.nanoTime() - t0) / 1e9;
            try {
                LocalTools.await("a receipt for every message", 60, () -> firstReceipts(receipts.lines()).size() >= BURST);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + firstReceipts(receipts.lines()).size() + " receipts; "
                        + mqttStatus(), e);
            }
            Map<String, String> first = firstReceipts(receipts.lines());
            long accepted = first.values().stream().filter(s -> s.equals("sent") || s.equals("queued")).count();
            long refused = first.values().stream().filter(s -> s.equals("rejected")).count();
            assertEquals(BURST, accepted + refused, "every message accepted or refused with a receipt: " + first);
            assertEquals(refused, number(mqttStatus(), "rejected"), "refusals are counted: " + mqttStatus());
            assertEquals(0, number(mqttStatus(), "brokerDropped"), "the broker dropped nothing: " + mqttStatus());
            assertEquals(0, number(mqttStatus(), "dropped"), "the bridge dropped no receipt: " + mqttStatus());
            LocalTools.await("every accepted message in bravo's inbox", 120,
                    () -> inboxSize(bravo) - inboxBefore >= accepted);
            System.out.printf("burst of %d: published in %.1f s, taken by the bridge after %.1f s, %d accepted,"
                    + " %d refused with a receipt; %s%n", BURST, publishSeconds, bridgeSeconds, accepted, refused,
                    mqttStatus());
            assertEquals(BURST, accepted, "with the ingress cap above the burst, the mesh takes all of it");
        }
    }

    /** ref -> state of the first receipt for each ref (later receipts, e.g. delivered, are not counted here). */
    private static Map<String, String> firstReceipts(List<String> lines) {
        Map<String, String> out = new HashMap<>();
        for (String l : lines) {
            if (!l.startsWith("{") || !l.endsWith("}")) continue;
            Map<String, Object> r;
            try {
                r = Json.parseObject(l);
            } catch (IllegalArgumentException e) {
                continue; // a line still being written
            }
            if (r.get("ref") instanceof String ref) out.putIfAbsent(ref, String.valueOf(r.get("state")));
        }
        return out;
    }
}
