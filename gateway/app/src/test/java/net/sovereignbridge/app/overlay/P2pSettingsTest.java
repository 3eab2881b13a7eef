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

    static final String RELAY = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

    @Test
    void relayKeysDefaultsAndValues() throws Exception {
        P2pSettings d = GatewayConfig.load(null, dir, null).p2p();
        assertEquals(net.sovereignbridge.p2p.relay.RelayConfig.defaults(), d.relayService());
        assertTrue(d.relays().isEmpty());
        P2pSettings p = load("p2p:\n  static-peers: [/ip4/192.0.2.1/tcp/4001/p2p/" + RELAY + "/p2p-circuit/p2p/" + PEER + "]\n"
                + "  relay:\n    service: on\n    max-reservations: 10\n    max-reservations-per-address: 2\n"
                + "    max-circuits: 3\n    max-circuits-per-peer: 1\n    reservation-ttl-seconds: 600\n"
                + "    circuit-duration-seconds: 0\n    circuit-data-bytes: 1048576\n"
                + "    use: [/ip4/192.0.2.1/tcp/4001/p2p/" + RELAY + "]\n").p2p();
        var r = p.relayService();
        assertEquals(net.sovereignbridge.p2p.relay.RelayConfig.Mode.ON, r.mode());
        assertEquals(List.of(10, 2, 3, 1), List.of(r.maxReservations(), r.maxReservationsPerIp(), r.maxCircuits(), r.maxCircuitsPerPeer()));
        assertEquals(java.time.Duration.ofMinutes(10), r.reservationTtl());
        assertEquals(new net.sovereignbridge.p2p.relay.CircuitLimit(0, 1048576), r.limit());
        assertEquals(List.of(Multiaddr.parse("/ip4/192.0.2.1/tcp/4001/p2p/" + RELAY)), p.relays());
        assertEquals(PEER, net.sovereignbridge.mesh.encoding.Base58.encode(p.staticPeers().get(0).trailingPeerId().value()));
    }

    @Test
    void autonatKeys() throws Exception {
        assertEquals(net.sovereignbridge.p2p.autonat.AutonatConfig.defaults(), GatewayConfig.load(null, dir, null).p2p().autonat());
        var a = load("p2p:\n  autonat:\n    server: false\n    dials-per-minute: 5\n    dials-per-peer-per-minute: 1\n"
                + "    confidence: 3\n    refresh-seconds: 600\n").p2p().autonat();
        assertEquals(new net.sovereignbridge.p2p.autonat.AutonatConfig(false, 5, 1, 3, java.time.Duration.ofMinutes(10),
                java.time.Duration.ofSeconds(5)), a);
        assertEquals(null, load("p2p:\n  autonat:\n    enabled: false\n").p2p().autonat());
        ConfigException e = assertThrows(ConfigException.class, () -> load("p2p:\n  autonat:\n    confidence: 0\n"));
        assertTrue(e.getMessage().contains("p2p.autonat.confidence"), e.getMessage());
    }

    @Test
    void badRelayKeysAreRefusedWithTheKeyNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("p2p:\n  relay:\n    service: maybe\n"));
        assertTrue(e.getMessage().contains("p2p.relay.service"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("p2p:\n  relay:\n    use: [/ip4/192.0.2.1/tcp/4001]\n"));
        assertTrue(e.getMessage().contains("p2p.relay.use"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("p2p:\n  relay:\n    reservation-ttl-seconds: 5\n"));
        assertTrue(e.getMessage().contains("reservation-ttl-seconds"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("p2p:\n  static-peers: [/ip4/192.0.2.1/tcp/4001/p2p/" + RELAY + "/p2p-circuit]\n"));
        assertTrue(e.getMessage().contains("must end in /p2p-circuit/p2p/"), e.getMessage());
    }
}
