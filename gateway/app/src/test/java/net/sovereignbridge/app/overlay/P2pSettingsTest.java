package net.sovereignbridge.app.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The p2p.* keys: defaults a field gateway gets, what is accepted, what is refused and why. */
class P2pSettingsTest {
    static final String PEER = "12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf";
    @TempDir
    Path dir;

    private GatewayConfig load(String yaml) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, yaml);
        return GatewayConfig.load(f, null, null);
    }

    @Test
    void defaultsListenOnTcp4001AndWebSocket4002() throws Exception {
        P2pSettings p = GatewayConfig.load(null, dir, null).p2p();
        assertTrue(p.enabled());
        assertEquals(List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/4001"), Multiaddr.parse("/ip4/0.0.0.0/tcp/4002/ws")), p.listen());
        assertTrue(p.announce().isEmpty());
        assertTrue(p.staticPeers().isEmpty());
        assertEquals(64, p.limits().maxInbound());
        assertEquals(32, p.limits().maxOutbound());
        assertFalse(p.boundOrAnnounced(), "a wildcard listener without announce is not known to be reachable");
    }

    @Test
    void listenAnnounceStaticPeersAndLimits() throws Exception {
        P2pSettings p = load("p2p:\n  listen: [/ip6/::/tcp/4001, /ip4/127.0.0.1/tcp/0/ws]\n"
                + "  announce: [/dns4/gw.example.org/tcp/4002/ws]\n"
                + "  static-peers: [/dns4/b.example.org/tcp/4001/p2p/" + PEER + ", /ip4/192.0.2.9/tcp/4002/ws/p2p/" + PEER + "]\n"
                + "  max-inbound: 8\n  max-outbound: 4\n  max-streams-per-connection: 32\n").p2p();
        assertEquals(2, p.listen().size());
        assertEquals(1, p.announce().size());
        assertEquals(2, p.staticPeers().size());
        assertEquals(8, p.limits().maxInbound());
        assertEquals(4, p.limits().maxOutbound());
        assertEquals(32, p.limits().maxStreamsPerConnection());
        assertTrue(p.boundOrAnnounced());
    }

    @Test
    void offTurnsOffAndTheBootstrapRoleNeedsIt() throws Exception {
        assertFalse(load("p2p:\n  enabled: false\n").p2p().enabled());
        Path f = dir.resolve("boot.yaml");
        Files.writeString(f, "p2p:\n  enabled: false\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayConfig.load(f, null, null, GatewayConfig.Role.BOOTSTRAP));
        assertTrue(e.getMessage().contains(":2: p2p.enabled: the bootstrap role needs the overlay"), e.getMessage());
        ConfigException empty = assertThrows(ConfigException.class, () -> load("p2p:\n  listen: []\n"));
        assertTrue(empty.getMessage().contains("p2p.listen: empty"), empty.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> load("p2p:\n  lisen: []\n"));
        assertTrue(unknown.getMessage().contains("p2p.lisen: unknown key"), unknown.getMessage());
        ConfigException p2pInListen = assertThrows(ConfigException.class,
                () -> load("p2p:\n  listen: [/ip4/0.0.0.0/tcp/4001/p2p/" + PEER + "]\n"));
        assertTrue(p2pInListen.getMessage().contains("must be /ip4/ADDRESS/tcp/PORT"), p2pInListen.getMessage());
    }
}
