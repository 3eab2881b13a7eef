package net.sovereignbridge.app.services;

import static net.sovereignbridge.app.services.LocalTools.asStranger;
import static net.sovereignbridge.app.services.LocalTools.coapUri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Another Unix user on the gateway's host (nobody, through setpriv) must not read the inbox or send as the
 * gateway, neither over CoAP nor through the embedded Mosquitto; the gateway's own user (root here) and
 * devices given a credential (a DTLS PSK, an MQTT device account) still are served. Real clients only:
 * libcoap's coap-client, mosquitto_sub / mosquitto_pub, the broker the gateway starts itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServicesAccessTest {
    static final String PSK_ID = "sensor-9";
    static final String PSK_TEXT = "services-test-psk-9";
    static final String DEVICE = "thermostat";
    static final String DEVICE_PASSWORD = "device-password-1";

    LocalTools.LanPair pair;
    Path dir;
    Gateway alpha;
    Gateway bravo;
    int brokerPort;
    String a;
    String b;

    @BeforeAll
    void start() throws Exception {
        LocalTools.coapClient();
        // an operator's device accounts, made with Mosquitto's own tool
        Path accounts = Files.createTempFile("services-mqtt-devices", "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        LocalTools.Result made = LocalTools.run(15, null, LocalTools.require("mosquitto_passwd", "mosquitto"), "-b",
                accounts.toString(), DEVICE, DEVICE_PASSWORD);
        assertEquals(0, made.exit(), made.toString());
        brokerPort = LocalTools.freeTcpPort();
        String psk = java.util.HexFormat.of().formatHex(PSK_TEXT.getBytes(StandardCharsets.US_ASCII));
        pair = LocalTools.LanPair.start("services-access", "coap:\n  port: 0\n  bind: [127.0.0.1]\n  ingress-burst: 50\n"
                + "  dtls:\n    port: 0\n    psk: [\"" + PSK_ID + ":" + psk + "\"]\n"
                + "mqtt:\n  embedded-port: " + brokerPort + "\n  device-accounts: " + accounts + "\n",
                "mqtt:\n  enabled: false\n");
        Files.delete(accounts); // read at the broker's start
        dir = pair.dir;
        alpha = pair.alpha;
        bravo = pair.bravo;
        a = alpha.identity().address().toHex();
        b = bravo.identity().address().toHex();
        LocalTools.await("alpha's bridge to connect to the broker it started", 20, () -> alpha.services().mqtt().connected());
    }

    @AfterAll
    void stop() throws Exception {
        if (pair != null) pair.close();
    }

    private LocalTools.Result coap(boolean stranger, String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = LocalTools.coapClient();
        cmd[1] = "-B";
        cmd[2] = "5";
        System.arraycopy(args, 0, cmd, 3, args.length);
        return LocalTools.run(20, null, stranger ? asStranger(cmd) : cmd);
    }

    private static int inboxSize(Gateway g) {
        return LocalTools.inboxSize(g);
    }

    private String sendJson(String text) {
        return "{\"to\":\"" + b + "\",\"text\":\"" + text + "\"}";
    }

    @Test
    void strangerCannotReadTheInboxOrSendAsTheGatewayOverPlainCoap() throws Exception {
        bravo.node().send(alpha.identity().address(), "private to alpha".getBytes(StandardCharsets.UTF_8), SendOptions.defaults());
        LocalTools.await("the private message in alpha's inbox", 20, () -> inboxSize(alpha) > 0);
        int before = inboxSize(bravo);

        LocalTools.Result read = coap(true, "-m", "get", coapUri(alpha, "/msg"));
        assertTrue((read.out() + read.err()).contains("4.01"), read.toString());
        assertFalse(read.out().contains("private to alpha"), read.toString());
        LocalTools.Result send = coap(true, "-m", "post", "-t", "50", "-e", sendJson("forged by nobody"),
                coapUri(alpha, "/msg"));
        assertTrue((send.out() + send.err()).contains("4.01"), send.toString());
        LocalTools.Result topic = coap(true, "-m", "post", "-e", "forged topic", coapUri(alpha, "/topics/alerts"));
        assertTrue((topic.out() + topic.err()).contains("4.01"), topic.toString());
        LocalTools.Result receipts = coap(true, "-m", "get", coapUri(alpha, "/receipts"));
        assertTrue((receipts.out() + receipts.err()).contains("4.01"), receipts.toString());
        // public resources stay public
        LocalTools.Result node = coap(true, "-m", "get", coapUri(alpha, "/node"));
        assertTrue(node.out().contains("\"address\":\"" + a + "\""), node.toString());

        // the gateway's own user: reads and sends
        LocalTools.Result ownRead = coap(false, "-m", "get", coapUri(alpha, "/msg"));
        assertTrue(ownRead.out().contains("private to alpha"), ownRead.toString());
        LocalTools.Result ownSend = coap(false, "-m", "post", "-t", "50", "-e", sendJson("sent by the owner"),
                coapUri(alpha, "/msg"));
        assertTrue(ownSend.out().contains("\"state\":\"sent\""), ownSend.toString());
        LocalTools.await("the owner's message at bravo", 20, () -> inboxSize(bravo) > before);
        Thread.sleep(1000);
        assertTrue(bravo.node().inbox().list(0, 1000).stream()
                .noneMatch(m -> new String(m.body(), StandardCharsets.UTF_8).contains("forged")), "nothing forged arrived");
        Map<String, Object> coapStatus = LocalTools.serviceStatus(alpha, "coap");
        assertTrue(LocalTools.counter(coapStatus, "unauthorized") >= 4, coapStatus.toString());
    }

    @Test
    void strangerWithAPreSharedKeyIsADevice() throws Exception {
        String uri = "coaps://127.0.0.1:" + alpha.services().coap().port("coaps") + "/msg";
        LocalTools.Result withKey = coap(true, "-u", PSK_ID, "-k", PSK_TEXT, "-m", "get", uri);
        assertEquals(0, withKey.exit(), withKey.toString());
        assertTrue(withKey.out().contains("\"messages\""), withKey.toString());
    }

    @Test
    void strangerCannotUseTheEmbeddedBroker() throws Exception {
        String sub = LocalTools.require("mosquitto_sub", "mosquitto-clients");
        String pub = LocalTools.require("mosquitto_pub", "mosquitto-clients");
        String port = Integer.toString(brokerPort);
        Path password = dir.resolve("alpha").resolve("mqtt").resolve("password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(password)));

        LocalTools.Result anonymous = LocalTools.run(10, null, asStranger(sub, "-h", "127.0.0.1", "-p", port, "-t",
                "sbridge/+/inbox", "-C", "1", "-W", "3"));
        assertNotEquals(0, anonymous.exit(), anonymous.toString());
        assertTrue(anonymous.err().contains("not authorised"), anonymous.toString());
        LocalTools.Result forged = LocalTools.run(10, null, asStranger(pub, "-h", "127.0.0.1", "-p", port, "-q", "1",
                "-t", "sbridge/" + a + "/send", "-m", sendJson("forged over mqtt")));
        assertNotEquals(0, forged.exit(), forged.toString());
        LocalTools.Result steal = LocalTools.run(10, null, asStranger("cat", password.toString()));
        assertNotEquals(0, steal.exit(), "the stranger cannot read the broker password: " + steal);
        LocalTools.Result guessed = LocalTools.run(10, null, asStranger(sub, "-h", "127.0.0.1", "-p", port, "-u",
                "sbridge", "-P", "guess", "-t", "#", "-C", "1", "-W", "3"));
        assertNotEquals(0, guessed.exit(), guessed.toString());

        // the owner, with the password the gateway keeps, receives the inbox and sends
        String secret = Files.readString(password).strip();
        int before = inboxSize(bravo);
        try (LocalTools.Background inbox = new LocalTools.Background(sub, "-h", "127.0.0.1", "-p", port, "-u", "sbridge",
                "-P", secret, "-q", "1", "-v", "-t", "sbridge/" + a + "/inbox")) {
            Thread.sleep(500);
            bravo.node().send(alpha.identity().address(), "to the owner's subscriber".getBytes(StandardCharsets.UTF_8), SendOptions.defaults());
            inbox.awaitLine("the delivered message on alpha's inbox topic", 20,
                    l -> l.contains("to the owner's subscriber"));
        }
        LocalTools.Result ownSend = LocalTools.run(10, null, pub, "-h", "127.0.0.1", "-p", port, "-u", "sbridge", "-P",
                secret, "-q", "1", "-t", "sbridge/" + a + "/send", "-m", sendJson("sent by the owner over mqtt"));
        assertEquals(0, ownSend.exit(), ownSend.toString());
        LocalTools.await("the owner's MQTT message at bravo", 20, () -> inboxSize(bravo) > before);
        assertTrue(bravo.node().inbox().list(0, 1000).stream()
                .noneMatch(m -> new String(m.body(), StandardCharsets.UTF_8).contains("forged")), "nothing forged arrived");
    }

    @Test
    void aDeviceAccountLetsAnotherUserSubscribe() throws Exception {
        String sub = LocalTools.require("mosquitto_sub", "mosquitto-clients");
        LocalTools.Result status = LocalTools.run(10, null, asStranger(sub, "-h", "127.0.0.1", "-p",
                Integer.toString(brokerPort), "-u", DEVICE, "-P", DEVICE_PASSWORD, "-t", "sbridge/" + a + "/status",
                "-C", "1", "-W", "5"));
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("online"), status.toString());
    }

    @Test
    void aBrokerOfAnotherUserOnTheEmbeddedPortIsNotUsed() throws Exception {
        // the stranger gets there first: its own Mosquitto on the port a gateway would use
        Path strangerDir = Files.createTempDirectory("services-rogue",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        int port = LocalTools.freeTcpPort();
        Path conf = strangerDir.resolve("rogue.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        conf.toFile().setReadable(true, false);
        try (LocalTools.Background rogue = new LocalTools.Background(asStranger(LocalTools.require("mosquitto", "mosquitto"),
                "-c", conf.toString()))) {
            LocalTools.await("the stranger's broker", 10, () -> {
                try (var s = new java.net.Socket("127.0.0.1", port)) {
                    return true;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            Path file = dir.resolve("charlie.yaml");
            Files.writeString(file, "lan:\n  enabled: false\ncoap:\n  enabled: false\np2p:\n  enabled: false\n"
                    + "mqtt:\n  embedded-port: " + port + "\n");
            try (Gateway charlie = Gateway.start(GatewayConfig.load(file, dir.resolve("charlie"), null))) {
                assertEquals(null, charlie.services().mqtt(), "no bridge to the stranger's broker");
                String status = charlie.services().status().toString();
                assertTrue(status.contains("UNAVAILABLE") && status.contains("uid [" + LocalTools.STRANGER_UID + "]"),
                        status);
            }
        } finally {
            LocalTools.deleteTree(strangerDir);
        }
    }
}
