package net.sovereignbridge.app.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicesConfigTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String yaml) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return GatewayConfig.load(f, dir.resolve("s"), null);
    }

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).getMessage();
    }

    @Test
    void defaults() throws Exception {
        GatewayConfig c = GatewayConfig.load(null, null, null);
        assertTrue(c.coap().enabled());
        assertEquals(5683, c.coap().port());
        assertEquals(java.util.List.of("127.0.0.1"), c.coap().bind());
        assertFalse(c.coap().dtlsEnabled(), "no DTLS without credentials");
        assertTrue(c.mqtt().embedded());
        assertEquals(1883, c.mqtt().embeddedPort());
    }

    @Test
    void validKeys() throws Exception {
        GatewayConfig c = load("coap:\n  port: 15683\n  bind: [127.0.0.1, lo]\n  dtls:\n    port: 15684\n"
                + "    psk: [\"s1:00112233445566778899aabbccddeeff\"]\nmqtt:\n  broker: ssl://broker.example:8883\n"
                + "  username: u\n  password: p\n  queue-limit: 50\n");
        assertTrue(c.coap().dtlsEnabled());
        assertEquals("s1", c.coap().psks().get(0).identity());
        assertFalse(c.coap().psks().toString().contains("0011"), "the key never appears in toString");
        assertEquals("ssl://broker.example:8883", c.mqtt().broker());
        assertFalse(c.mqtt().toString().contains("p]"), "the password never appears in toString");
    }

    @Test
    void invalidKeysNameTheLineAndKey() {
        assertTrue(error("coap:\n  port: 70000\n").contains("coap.port"));
        assertTrue(error("coap:\n  dtls:\n    psk: [\"nokey\"]\n").contains("coap.dtls.psk"));
        assertTrue(error("coap:\n  dtls:\n    psk: [\"id:0011\"]\n").contains("16..64"));
        assertTrue(error("coap:\n  dtls:\n    psk: [\"id:zz\"]\n").contains("not hex"));
        assertTrue(error("mqtt:\n  broker: http://x\n").contains("mqtt.broker"));
        assertTrue(error("mqtt:\n  password: x\n").contains("mqtt.password"));
        assertTrue(error("mqtt:\n  ca-file: /x.pem\n").contains("ssl://"));
        String unknown = error("mqtt:\n  brokr: tcp://x:1\n");
        assertTrue(unknown.contains("mqtt.brokr") && unknown.contains("unknown key"), unknown);
        assertTrue(error("coap:\n  bind: []\n").contains("coap.bind"));
        String topic = error("mqtt:\n  topics: [weather, \"a/b\"]\n");
        assertTrue(topic.contains("mqtt.topics") && topic.contains("'a/b'") && topic.contains("'/'"), topic);
    }

    @Test
    void accessAndLimitKeys() throws Exception {
        GatewayConfig d = GatewayConfig.load(null, null, null);
        assertEquals(net.sovereignbridge.app.coap.CoapSettings.PlainAccess.OWNER, d.coap().plainAccess());
        assertEquals(64, d.coap().maxObservers());
        assertEquals(8, d.coap().maxObserversPerPeer());
        GatewayConfig c = load("coap:\n  plain-access: local\n  max-observers: 200\n  max-observers-per-peer: 20\n"
                + "mqtt:\n  device-accounts: /etc/sbridge/mqtt-devices\n");
        assertEquals(net.sovereignbridge.app.coap.CoapSettings.PlainAccess.LOCAL, c.coap().plainAccess());
        assertEquals(200, c.coap().maxObservers());
        assertEquals(Path.of("/etc/sbridge/mqtt-devices"), c.mqtt().deviceAccounts());
        assertTrue(error("coap:\n  plain-access: everyone\n").contains("coap.plain-access"));
        assertTrue(error("coap:\n  max-observers: 10\n  max-observers-per-peer: 11\n")
                .contains("coap.max-observers-per-peer"));
        assertTrue(error("mqtt:\n  broker: tcp://b:1883\n  device-accounts: /x\n").contains("mqtt.device-accounts"));
    }

    @Test
    void bridgedTopics() throws Exception {
        assertTrue(GatewayConfig.load(null, null, null).mqtt().bridges("anything"), "default: every topic");
        GatewayConfig c = load("mqtt:\n  topics: [weather, alerts]\n");
        assertTrue(c.mqtt().bridges("weather"));
        assertFalse(c.mqtt().bridges("chat"));
        assertFalse(load("mqtt:\n  topics: []\n").mqtt().bridges("weather"));
    }
}
