package net.sovereignbridge.app.services;

import static net.sovereignbridge.app.services.LocalTools.coapRequest;
import static net.sovereignbridge.app.services.LocalTools.coapUri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.mesh.topics.TopicMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Mesh topics end to end: two gateways (alpha, bravo) over LAN on loopback, each bridged to its own real
 * Mosquitto, driven by mosquitto_pub/mosquitto_sub and libcoap's coap-client as devices would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeshTopicsTest {
    Path dir;
    LocalTools.Mosquitto brokerA;
    LocalTools.Mosquitto brokerB;
    Gateway alpha;
    Gateway bravo;
    String a;
    String b;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("sbridge-topics");
        LocalTools.coapClient();
        brokerA = new LocalTools.Mosquitto(dir.resolve("broker-a"));
        brokerB = new LocalTools.Mosquitto(dir.resolve("broker-b"));
        int lanA = LocalTools.freeUdpPort();
        int lanB = LocalTools.freeUdpPort();
        alpha = Gateway.start(config("alpha", lanA, lanB, brokerA));
        bravo = Gateway.start(config("bravo", lanB, lanA, brokerB));
        a = alpha.identity().address().toHex();
        b = bravo.identity().address().toHex();
        LocalTools.awaitLanPairWithMqtt(alpha, bravo);
    }

    private GatewayConfig config(String name, int lanPort, int peerPort, LocalTools.Mosquitto broker) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\n"
                + "lan:\n  bind: 127.0.0.1\n  port: " + lanPort + "\n  discovery: false\n  interfaces: [lo]\n"
                + "  peers: [\"127.0.0.1:" + peerPort + "\"]\n"
                + "coap:\n  port: 0\n  bind: [127.0.0.1]\n  ingress-burst: 50\n"
                + "mqtt:\n  broker: " + broker.uri() + "\n");
        return GatewayConfig.load(file, dir.resolve(name), null);
    }

    @AfterAll
    void stop() throws Exception {
        if (alpha != null) alpha.close();
        if (bravo != null) bravo.close();
        if (brokerA != null) brokerA.close();
        if (brokerB != null) brokerB.close();
        LocalTools.deleteTree(dir);
    }

    @Test
    void mqttPublishOnAlphaReachesACoapObserverOnBravoAndIsNotEchoed() throws Exception {
        try (LocalTools.Background observer = new LocalTools.Background("stdbuf", "-oL", LocalTools.coapClient(), "-s",
                        "40", "-B", "40", "-m", "get", coapUri(bravo, "/topics/weather"));
                LocalTools.Background onA = brokerA.subscribe("sbridge/topic/weather");
                LocalTools.Background onB = brokerB.subscribe("sbridge/topic/weather")) {
            LocalTools.await("bravo to subscribe through the Observe", 10,
                    () -> bravo.node().topics().subscribed("weather"));
            Thread.sleep(300);
            LocalTools.Result pub = brokerA.publish("sbridge/topic/weather", "21.5 C at the well");
            assertEquals(0, pub.exit(), pub.toString());
            String note = observer.awaitLine("the topic message in an Observe notification on bravo", 20,
                    l -> l.contains("21.5 C at the well"));
            assertTrue(note.contains("\"from\":\"" + a + "\"") && note.contains("\"topic\":\"weather\""), note);
            assertTrue(note.contains("\"origin\":\"device\""), note);
            String rendered = onB.awaitLine("alpha's publish on bravo's broker", 20, l -> l.contains("21.5 C at the well"));
            assertTrue(rendered.contains("\"sbridge\":\"mesh-topic\"") && rendered.contains("\"from\":\"" + a + "\""),
                    rendered);
            LocalTools.await("bravo's bridge to ignore its own rendering coming back from its broker", 10,
                    () -> ((Number) bravo.services().mqtt().status().get("renderingsIgnored")).longValue() >= 1);
            Thread.sleep(1500);
            // alpha's broker: the device's own publish, and nothing from the gateways (no echo)
            assertEquals(1, onA.lines().stream().filter(l -> l.contains("21.5 C at the well")).count(), onA.lines().toString());
            assertTrue(onA.lines().stream().noneMatch(l -> l.contains("mesh-topic")), onA.lines().toString());
            // no loop: nothing came back into the mesh from bravo's side
            var atAlpha = alpha.node().topics().recent("weather");
            assertEquals(1, atAlpha.size(), atAlpha.toString());
            assertTrue(atAlpha.get(0).own());
            var atBravo = bravo.node().topics().recent("weather");
            assertEquals(1, atBravo.size());
            assertEquals(alpha.identity().address(), atBravo.get(0).from());
        }
    }

    @Test
    void coapPostOnBravoReachesMosquittoSubOnAlpha() throws Exception {
        try (LocalTools.Background onA = brokerA.subscribe("sbridge/topic/alerts")) {
            LocalTools.Result r = coapRequest("-m", "post", "-t", "0", "-e", "flood warning, river gauge 3",
                    coapUri(bravo, "/topics/alerts"));
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("\"state\":\"published\"") && r.out().contains("\"topic\":\"alerts\""), r.toString());
            String line = onA.awaitLine("bravo's CoAP post on alpha's broker", 20,
                    l -> l.contains("flood warning, river gauge 3"));
            assertTrue(line.startsWith("sbridge/topic/alerts "), line);
            Map<String, Object> m = net.sovereignbridge.app.cli.Json.parseObject(line.substring(line.indexOf('{')));
            assertEquals(b, m.get("from"));
            assertEquals("alerts", m.get("topic"));
            assertEquals("device", m.get("origin"));
            assertEquals(0L, ((Number) m.get("hops")).longValue());
            String messageId = r.out().replaceAll("(?s).*\"messageId\":(\\d+).*", "$1").trim();
            assertEquals(messageId, String.valueOf(m.get("messageId")));

            LocalTools.Result recent = coapRequest("-m", "get", coapUri(alpha, "/topics/alerts"));
            assertTrue(recent.out().contains("flood warning, river gauge 3") && recent.out().contains(b), recent.toString());
        }
    }

    @Test
    void badTopicRequestsGetCoapErrorsWithReasons() throws Exception {
        LocalTools.Result badName = coapRequest("-m", "post", "-e", "x", coapUri(alpha, "/topics/bad!name"));
        String all = badName.out() + badName.err();
        assertTrue(all.contains("4.00") && all.contains("'!'"), badName.toString());
        Path big = dir.resolve("big.txt");
        Files.writeString(big, "x".repeat(600));
        LocalTools.Result tooLarge = coapRequest("-m", "post", "-f", big.toString(), coapUri(alpha, "/topics/big"));
        assertTrue((tooLarge.out() + tooLarge.err()).contains("4.13"), tooLarge.toString());
        LocalTools.Result core = coapRequest("-m", "get", coapUri(alpha, "/.well-known/core"));
        assertTrue(core.out().contains("</topics>"), core.toString());
        // an MQTT topic publish the mesh refuses lands on the errors topic
        try (LocalTools.Background errors = brokerA.subscribe("sbridge/" + a + "/errors")) {
            brokerA.publish("sbridge/topic/big", "y".repeat(600));
            String e = errors.awaitLine("the refusal on alpha's errors topic", 15, l -> l.contains("TOO_LARGE"));
            assertTrue(e.contains("sbridge/topic/big"), e);
        }
        for (TopicMessage m : alpha.node().topics().recent("big")) throw new AssertionError("refused but kept: " + m);
    }
}
