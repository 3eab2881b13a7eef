package net.sovereignbridge.app.services;

import static net.sovereignbridge.app.services.LocalTools.coapRequest;
import static net.sovereignbridge.app.services.LocalTools.coapUri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.app.config.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two gateways (alpha, bravo) linked by the LAN transport on loopback, each with CoAP (plain and DTLS
 * PSK) and an MQTT bridge to a real Mosquitto; driven only by libcoap's coap-client and Mosquitto's
 * command-line clients, as devices would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalServicesTest {
    static final String PSK_ID = "sensor-7";
    /** coap-client's -k takes the key as text; the configuration holds its bytes in hex. */
    static final String PSK_TEXT = "sbridge-test-psk-7";
    static final String PSK_HEX = java.util.HexFormat.of().formatHex(PSK_TEXT.getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    Path dir;
    LocalTools.Mosquitto broker;
    /** A device's raw public key for DTLS (EC P-256), trusted by alpha; and one that is not. */
    java.security.KeyPair deviceKey;
    java.security.KeyPair strangerKey;
    Gateway alpha;
    Gateway bravo;
    String a;
    String b;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("sbridge-services");
        LocalTools.coapClient();
        broker = new LocalTools.Mosquitto(dir.resolve("broker"));
        var gen = java.security.KeyPairGenerator.getInstance("EC");
        gen.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        deviceKey = gen.generateKeyPair();
        strangerKey = gen.generateKeyPair();
        int lanA = LocalTools.freeUdpPort();
        int lanB = LocalTools.freeUdpPort();
        alpha = Gateway.start(config("alpha", lanA, lanB));
        bravo = Gateway.start(config("bravo", lanB, lanA));
        a = alpha.identity().address().toHex();
        b = bravo.identity().address().toHex();
        LocalTools.awaitLanPairWithMqtt(alpha, bravo);
    }

    private GatewayConfig config(String name, int lanPort, int peerPort) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\n"
                + "lan:\n  bind: 127.0.0.1\n  port: " + lanPort + "\n  discovery: false\n  interfaces: [lo]\n"
                + "  peers: [\"127.0.0.1:" + peerPort + "\"]\n"
                + "coap:\n  port: 0\n  bind: [127.0.0.1]\n  ingress-burst: 50\n"
                + "  dtls:\n    port: 0\n    psk: [\"" + PSK_ID + ":" + PSK_HEX + "\"]\n"
                + "    raw-public-key: true\n    trusted-keys: [\""
                + java.util.Base64.getEncoder().encodeToString(deviceKey.getPublic().getEncoded()) + "\"]\n"
                + "mqtt:\n  broker: " + broker.uri() + "\n");
        return GatewayConfig.load(file, dir.resolve(name), null);
    }

    @AfterAll
    void stop() throws Exception {
        if (alpha != null) alpha.close();
        if (bravo != null) bravo.close();
        if (broker != null) broker.close();
        LocalTools.deleteTree(dir);
    }

    @Test
    void getNodeAndDiscovery() throws Exception {
        LocalTools.Result r = coapRequest("-m", "get", coapUri(alpha, "/node"));
        assertEquals(0, r.exit(), r.toString());
        Map<String, Object> node = Json.parseObject(r.out().trim());
        assertEquals(a, node.get("address"));
        assertTrue(String.valueOf(node.get("did")).startsWith("did:key:z6Mk"), r.out());
        assertEquals(List.of(b), node.get("neighbours"), r.out());
        assertTrue(((List<?>) node.get("transports")).stream().anyMatch(t -> "lan".equals(((Map<?, ?>) t).get("id"))));

        LocalTools.Result core = coapRequest("-m", "get", coapUri(alpha, "/.well-known/core"));
        assertTrue(core.out().contains("</msg>") && core.out().contains("obs"), core.toString());
        assertTrue(core.out().contains("</node>") && core.out().contains("</peers>"), core.toString());

        LocalTools.Result peers = coapRequest("-m", "get", coapUri(alpha, "/peers"));
        assertTrue(peers.out().contains(b) && peers.out().contains("bravo"), peers.toString());
    }

    @Test
    void badRequestsGetCoapErrorsWithDiagnostics() throws Exception {
        LocalTools.Result malformed = coapRequest("-m", "post", "-t", "50", "-e", "{\"to\": 12}", coapUri(alpha, "/msg"));
        assertTrue(malformed.out().contains("4.00") || malformed.err().contains("4.00"), malformed.toString());
        assertTrue((malformed.out() + malformed.err()).contains("'to'"), malformed.toString());
        assertTrue(!(malformed.out() + malformed.err()).contains("Exception"), malformed.toString());

        String unknown = "00112233445566778899aabbccddeeff";
        LocalTools.Result notFound = coapRequest("-m", "post", "-t", "50", "-e",
                "{\"to\":\"" + unknown + "\",\"text\":\"x\"}", coapUri(alpha, "/msg"));
        assertTrue((notFound.out() + notFound.err()).contains("4.04"), notFound.toString());

        Path big = dir.resolve("big.json");
        Files.writeString(big, "{\"to\":\"" + b + "\",\"text\":\"" + "x".repeat(5000) + "\"}");
        LocalTools.Result tooLarge = coapRequest("-m", "post", "-t", "50", "-f", big.toString(), coapUri(alpha, "/msg"));
        assertTrue((tooLarge.out() + tooLarge.err()).contains("4.13"), tooLarge.toString());
    }

    @Test
    void mqttSendCrossesTheMeshToACoapObserverAndTheReceiptComesBack() throws Exception {
        try (LocalTools.Background observer = new LocalTools.Background("stdbuf", "-oL", LocalTools.coapClient(), "-s", "40", "-B", "40",
                        "-m", "get", coapUri(bravo, "/msg"));
                LocalTools.Background receipts = broker.subscribe("sbridge/" + a + "/receipts")) {
            Thread.sleep(500); // the observe registration
            LocalTools.Result pub = broker.publish("sbridge/" + a + "/send",
                    "{\"to\":\"" + b + "\",\"text\":\"hello from a sensor\",\"ref\":\"r1\"}");
            assertEquals(0, pub.exit(), pub.toString());
            String note = observer.awaitLine("the message in an Observe notification", 20,
                    l -> l.contains("hello from a sensor"));
            assertTrue(note.contains("\"from\":\"" + a + "\""), note);
            String receipt = receipts.awaitLine("the first receipt on A's receipts topic", 20, l -> l.contains("\"ref\":\"r1\""));
            assertTrue(receipt.contains("\"state\":\"sent\"") && receipt.contains("\"to\":\"" + b + "\""), receipt);
            String messageId = receipt.replaceAll(".*\"messageId\":(\\d+).*", "$1");
            // B's authenticated end-to-end acknowledgement turns into a second receipt for the same message
            String delivered = receipts.awaitLine("the delivered receipt", 30,
                    l -> l.contains("\"state\":\"delivered\"") && l.contains("\"messageId\":" + messageId + ","));
            assertTrue(delivered.contains("\"ref\":\"r1\""), delivered);
        }
    }

    @Test
    void coapPostReachesTheOtherGatewaysMqttInbox() throws Exception {
        try (LocalTools.Background inbox = broker.subscribe("sbridge/" + b + "/inbox")) {
            LocalTools.Result r = coapRequest("-m", "post", "-t", "50", "-e",
                    "{\"to\":\"" + b + "\",\"text\":\"posted over coap\"}", coapUri(alpha, "/msg"));
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("\"state\":\"sent\""), r.toString());
            String line = inbox.awaitLine("the message on B's inbox topic", 20, l -> l.contains("posted over coap"));
            assertTrue(line.contains("\"from\":\"" + a + "\""), line);
            String messageId = r.out().replaceAll(".*\"messageId\":(\\d+).*", "$1").trim();
            LocalTools.await("a delivered receipt on A's /receipts", 30, () -> {
                try {
                    String receipts = coapRequest("-m", "get", coapUri(alpha, "/receipts")).out();
                    return receipts.contains("\"messageId\":" + messageId + ",\"state\":\"delivered\"");
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void cborPostAndCborInbox() throws Exception {
        Path body = dir.resolve("msg.cbor");
        Files.write(body, Cbor.encode(Map.of("to", b, "data", new byte[] {1, 2, 3, (byte) 0xff})));
        LocalTools.Result r = coapRequest("-m", "post", "-t", "60", "-f", body.toString(), coapUri(alpha, "/msg"));
        assertEquals(0, r.exit(), r.toString());
        LocalTools.await("the binary message in B's inbox", 20, () -> {
            try {
                return bravo.node().inbox().list(0, 100).stream()
                        .anyMatch(m -> java.util.Arrays.equals(m.body(), new byte[] {1, 2, 3, (byte) 0xff}));
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
        Path out = dir.resolve("inbox.cbor");
        LocalTools.Result get = coapRequest("-m", "get", "-A", "60", "-o", out.toString(), coapUri(bravo, "/msg?limit=100"));
        assertEquals(0, get.exit(), get.toString());
        Cbor.Result decoded = Cbor.decode(Files.readAllBytes(out));
        assertTrue(decoded instanceof Cbor.Ok, decoded.toString());
        List<?> messages = (List<?>) ((Map<?, ?>) ((Cbor.Ok) decoded).value()).get("messages");
        assertTrue(messages.stream().anyMatch(m -> java.util.Arrays.equals((byte[]) ((Map<?, ?>) m).get("data"),
                new byte[] {1, 2, 3, (byte) 0xff})), "CBOR inbox carries the bytes as a byte string");
    }

    @Test
    void largeMessagesTravelBlockwiseBothWays() throws Exception {
        String text = "block-wise " + "0123456789".repeat(300);
        Path body = dir.resolve("large.json");
        Files.writeString(body, "{\"to\":\"" + b + "\",\"text\":\"" + text + "\"}");
        // -b 64: coap-client sends the 3 kB request as Block1 pieces of 64 bytes
        LocalTools.Result post = coapRequest("-b", "64", "-m", "post", "-t", "50", "-f", body.toString(), coapUri(alpha, "/msg"));
        assertEquals(0, post.exit(), post.toString());
        assertTrue(post.out().contains("\"state\""), post.toString());
        LocalTools.await("the large message in B's inbox", 30, () -> {
            try {
                return bravo.node().inbox().list(0, 1000).stream().anyMatch(m -> m.body().length == text.length());
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
        long id = bravo.node().inbox().list(0, 1000).stream().filter(m -> m.body().length == text.length())
                .findFirst().orElseThrow().id();
        // the answer (text + base64 copy, about 7 kB) comes back as Block2 pieces and is reassembled
        LocalTools.Result get = coapRequest("-b", "128", "-m", "get", coapUri(bravo, "/msg?after=" + (id - 1) + "&limit=1"));
        assertEquals(0, get.exit(), get.toString());
        Map<String, Object> page = Json.parseObject(get.out().trim());
        Map<?, ?> m = (Map<?, ?>) ((List<?>) page.get("messages")).get(0);
        assertEquals(text, m.get("text"));
    }

    @Test
    void dtlsWithPreSharedKey() throws Exception {
        int port = alpha.services().coap().port("coaps");
        assertTrue(port > 0, "DTLS endpoint bound");
        String uri = "coaps://127.0.0.1:" + port + "/node";
        LocalTools.Result ok = coapRequest("-u", PSK_ID, "-k", PSK_TEXT, "-m", "get", uri);
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("\"address\":\"" + a + "\""), ok.toString());

        LocalTools.Result wrong = coapRequest("-u", PSK_ID, "-k", "not-the-key-0123", "-m", "get", uri);
        assertTrue(!wrong.out().contains(a), "a wrong key must not get an answer: " + wrong);
    }

    /** The key as an "EC PRIVATE KEY" (SEC 1) PEM, the form libcoap's -M reads with GnuTLS. */
    private Path pem(String name, java.security.KeyPair kp) throws Exception {
        // SEC 1 ECPrivateKey with the curve and the public key, as "openssl ecparam -genkey" writes it
        var d = ((java.security.interfaces.ECPrivateKey) kp.getPrivate()).getS();
        var spki = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded());
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, spki.getPublicKeyData(),
                org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1).getEncoded();
        var b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path f = dir.resolve(name);
        Files.writeString(f, "-----BEGIN EC PRIVATE KEY-----\n" + b64.encodeToString(sec1) + "\n-----END EC PRIVATE KEY-----\n");
        return f;
    }

    @Test
    void dtlsWithRawPublicKeys() throws Exception {
        String gnutls = LocalTools.require("coap-client-gnutls", "libcoap3-bin");
        String uri = "coaps://127.0.0.1:" + alpha.services().coap().port("coaps") + "/node";
        LocalTools.Result ok = LocalTools.run(20, null, gnutls, "-B", "10", "-M", pem("device.pem", deviceKey).toString(),
                "-m", "get", uri);
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("\"address\":\"" + a + "\""), ok.toString());
        assertTrue(ok.out().contains("\"dtlsRawPublicKey\""), "the gateway publishes its RPK in /node: " + ok);

        LocalTools.Result stranger = LocalTools.run(20, null, gnutls, "-B", "5", "-M",
                pem("stranger.pem", strangerKey).toString(), "-m", "get", uri);
        assertTrue(!stranger.out().contains(a), "an untrusted raw public key must not get an answer: " + stranger);
    }

    @Test
    void malformedMqttInputIsReportedOnTheErrorsTopic() throws Exception {
        try (LocalTools.Background errors = broker.subscribe("sbridge/" + a + "/errors")) {
            broker.publish("sbridge/" + a + "/send", "{not json");
            String line = errors.awaitLine("the refusal on A's errors topic", 15, l -> l.contains("MALFORMED"));
            assertTrue(line.contains("invalid JSON"), line);
        }
    }

    @Test
    void messagesWaitWhileTheBrokerIsAway() throws Exception {
        broker.stop();
        LocalTools.await("A's bridge to notice the broker is gone", 60, () -> !alpha.services().mqtt().connected());
        LocalTools.Result r = coapRequest("-m", "post", "-t", "50", "-e",
                "{\"to\":\"" + a + "\",\"text\":\"while the broker slept\"}", coapUri(bravo, "/msg"));
        assertTrue(r.out().contains("\"state\":\"sent\""), r.toString());
        LocalTools.await("the message in A's inbox", 20, () -> alpha.services().mqtt().status().get("waiting") instanceof Integer w && w > 0);
        broker.start();
        try (LocalTools.Background inbox = broker.subscribe("sbridge/" + a + "/inbox")) {
            inbox.awaitLine("the kept message after the reconnect", 40, l -> l.contains("while the broker slept"));
        }
        assertNotEquals(Boolean.FALSE, alpha.services().mqtt().connected());
    }
}
