package net.sovereignbridge.app.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * CoAP {@code /dht/{key}} on a gateway whose daemon runs the DHT: alpha (seed, server mode) and bravo (joins
 * alpha over TCP on loopback); libcoap's coap-client reads bravo's signed contact record from alpha.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DhtCoapTest {
    Path dir;
    Gateway alpha;
    Gateway bravo;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("sbridge-dht-coap");
        LocalTools.coapClient();
        int aPort = LocalTools.freeTcpPort();
        int bPort = LocalTools.freeTcpPort();
        alpha = Gateway.start(config("alpha", aPort, "  enabled: true\n  mode: server\n"));
        String seed = "/ip4/127.0.0.1/tcp/" + aPort + "/p2p/" + alpha.identity().publicIdentity().peerId();
        bravo = Gateway.start(config("bravo", bPort, "  mode: server\n  bootstrap: [" + seed + "]\n"));
    }

    private GatewayConfig config(String name, int p2pPort, String dht) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\nlan:\n  enabled: false\n"
                + "coap:\n  port: 0\n  bind: [127.0.0.1]\nmqtt:\n  enabled: false\n"
                + "p2p:\n  listen: [/ip4/127.0.0.1/tcp/" + p2pPort + "]\ndht:\n" + dht);
        return GatewayConfig.load(file, dir.resolve(name), null);
    }

    @AfterAll
    void stop() throws Exception {
        if (bravo != null) bravo.close();
        if (alpha != null) alpha.close();
        LocalTools.deleteTree(dir);
    }

    private LocalTools.Result get(String path) throws Exception {
        return LocalTools.run(30, null, LocalTools.coapClient(), "-B", "20", "-m", "get",
                "coap://127.0.0.1:" + alpha.services().coap().port("coap") + path);
    }

    @Test
    @SuppressWarnings("unchecked")
    void coapClientReadsASignedContactRecordFromTheDht() throws Exception {
        String bravoId = bravo.identity().publicIdentity().peerId();
        LocalTools.await("bravo's contact record in the DHT", 60, () -> {
            try {
                return get("/dht/sbridge/node/" + bravoId).out().contains("\"type\":\"node\"");
            } catch (Exception e) {
                return false;
            }
        });
        LocalTools.Result r = get("/dht/sbridge/node/" + bravoId);
        assertEquals(0, r.exit(), r.toString());
        Map<String, Object> body = Json.parseObject(r.out().trim());
        assertEquals("/sbridge/node/" + bravoId, body.get("key"));
        Map<String, Object> record = (Map<String, Object>) body.get("record");
        assertEquals(bravoId, record.get("peerId"));
        assertEquals(bravo.identity().address().toHex(), record.get("address"));
        assertTrue(((String) body.get("value")).length() > 64, "the signed record's bytes, hex");

        LocalTools.Result core = get("/.well-known/core");
        assertTrue(core.out().contains("</dht>"), core.toString());
    }

    @Test
    void missingAndMalformedKeysGetCoapErrorsWithReasons() throws Exception {
        String nobody = NodeIdentity.fromSeed(new byte[32]).publicIdentity().peerId();
        LocalTools.Result missing = get("/dht/sbridge/node/" + nobody);
        String m = missing.out() + missing.err();
        assertTrue(m.contains("4.04") && m.contains("no valid value found"), missing.toString());
        LocalTools.Result badHex = get("/dht/hex:zz");
        String b = badHex.out() + badHex.err();
        assertTrue(b.contains("4.00") && b.contains("not hex"), badHex.toString());
        LocalTools.Result noKey = get("/dht");
        assertTrue((noKey.out() + noKey.err()).contains("4.00"), noKey.toString());
    }
}
