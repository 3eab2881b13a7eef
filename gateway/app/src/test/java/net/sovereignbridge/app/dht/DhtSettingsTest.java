package net.sovereignbridge.app.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DhtSettingsTest {
    @TempDir
    Path dir;

    private static final String PEER = NodeIdentity.fromSeed(new byte[32]).publicIdentity().peerId();

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void offWithoutPeersOnWithThemAndAlwaysForTheBootstrapRole() throws Exception {
        assertFalse(GatewayConfig.load(null, null, null).dht().enabled());
        GatewayConfig c = GatewayConfig.load(write("dht:\n  bootstrap: [/ip4/192.0.2.1/tcp/4001/p2p/" + PEER + "]\n"
                + "  region: U0VXKQ\n"), null, null);
        assertTrue(c.dht().enabled());
        assertEquals(1, c.dht().bootstrap().size());
        assertEquals(PEER, c.dht().bootstrap().get(0).idText());
        assertEquals("u0vxkq", c.dht().region());
        GatewayConfig b = GatewayConfig.load(write("lora:\n  board: dragino-lora-gps-hat\n"), null, null,
                GatewayConfig.Role.BOOTSTRAP);
        assertTrue(b.dht().enabled());
        assertEquals("server", b.dht().mode());
        assertTrue(b.transport("lora0").isEmpty(), "the bootstrap role starts no radio");
    }

    @Test
    void theImagesBootstrapPeersFileBesideTheConfigIsRead() throws Exception {
        Files.writeString(dir.resolve("bootstrap-peers"), "# from first boot\n\n/dns4/seed.example.org/tcp/4001/p2p/" + PEER + "\n");
        GatewayConfig c = GatewayConfig.load(write("node:\n  name: roof\n"), null, null);
        assertTrue(c.dht().enabled());
        assertEquals(1, c.dht().bootstrap().size());
        Files.writeString(dir.resolve("bootstrap-peers"), "/ip4/192.0.2.1/tcp/4001\n");
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(write("node:\n  name: roof\n"), null, null));
        assertTrue(e.getMessage().startsWith(dir.resolve("bootstrap-peers") + ":1: bootstrap peer"), e.getMessage());
        assertTrue(e.getMessage().contains("/p2p/12D3KooW"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dht:\\n  listen: /ip4/0.0.0.0/tcp/4001|:2: dht.listen: moved to p2p.listen",
        "p2p:\\n  listen: [/ip4/0.0.0.0/udp/4001]|:2: p2p.listen: '/ip4/0.0.0.0/udp/4001' is not a multiaddr",
        "p2p:\\n  listen: [/dns4/example.org/tcp/4001]|:2: p2p.listen: '/dns4/example.org/tcp/4001' must be /ip4/ADDRESS/tcp/PORT",
        "p2p:\\n  static-peers: [/ip4/192.0.2.1/tcp/4001]|:2: p2p.static-peers: '/ip4/192.0.2.1/tcp/4001' must look like",
        "p2p:\\n  max-inbound: 5000|:2: p2p.max-inbound: 5000 is out of range 0..1024",
        "p2p:\\n  enabled: false\\ndht:\\n  enabled: true|:2: p2p.enabled: the DHT runs on the overlay's libp2p host",
        "dht:\\n  bootstrap: [/ip4/192.0.2.1/tcp/4001]|:2: dht.bootstrap: '/ip4/192.0.2.1/tcp/4001' must look like",
        "dht:\\n  bootstrap: [seed.example.org]|:2: dht.bootstrap: 'seed.example.org' is not a multiaddr",
        "dht:\\n  announce: [/ip4/192.0.2.1/tcp/4001]|:2: dht.announce: moved to p2p.announce",
        "p2p:\\n  announce: [/ip4/192.0.2.1/tcp/4001/p2p/12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf]|:2: p2p.announce:",
        "dht:\\n  region: u0|:2: dht.region: 'u0' must be a geohash of 3..12 characters",
        "dht:\\n  region: u0vxai|:2: dht.region: 'u0vxai' is not a geohash",
        "dht:\\n  alpha: 0|:2: dht.alpha: 0 is out of range 1..10",
        "dht:\\n  mode: sometimes|:2: dht.mode: 'sometimes' is not one of auto, server, client",
        "dht:\\n  maintenance-interval-seconds: 1|:2: dht.maintenance-interval-seconds: 1 is out of range 10..86400",
        "dht:\\n  bootstrap-file: /nonexistent/peers|:2: dht.bootstrap-file: /nonexistent/peers does not exist",
        "dht:\\n  bootsrap: []|:2: dht.bootsrap: unknown key",
        "dht:\\n  public-bootstrap: [/ip4/192.0.2.1/tcp/4001]|:2: dht.public-bootstrap: '/ip4/192.0.2.1/tcp/4001' must look like",
    })
    void badValuesNameFileLineAndKey(String yaml, String expected) throws Exception {
        Path f = write(yaml.replace("\\n", "\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(f, null, null));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theBootstrapRoleRefusesClientMode() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(write("dht:\n  mode: client\n"),
                null, null, GatewayConfig.Role.BOOTSTRAP));
        assertTrue(e.getMessage().contains("dht.mode: the bootstrap role always runs in server mode"), e.getMessage());
    }

    @Test
    void cliKeySpellings() {
        assertArrayEquals(net.sovereignbridge.p2p.dht.RegionKeys.providerKey("u0vx"), DhtDaemonCommands.parseKey("region:u0vx"));
        assertArrayEquals(new byte[] {1, (byte) 0xab}, DhtDaemonCommands.parseKey("hex:01ab"));
        assertArrayEquals("/sbridge/node/x".getBytes(), DhtDaemonCommands.parseKey("/sbridge/node/x"));
        assertEquals(34, DhtDaemonCommands.parseKey("mesh:00112233445566778899aabbccddeeff").length);
        assertThrows(IllegalArgumentException.class, () -> DhtDaemonCommands.parseKey("hex:abc"));
        assertThrows(IllegalArgumentException.class, () -> DhtDaemonCommands.parseKey("mesh:0011"));
        assertThrows(IllegalArgumentException.class, () -> DhtDaemonCommands.parseKey("region:u0vxa!"));
    }
}
