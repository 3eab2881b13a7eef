package net.sovereignbridge.app.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.p2p.host.Reachability;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

/** The reachability the daemon gives its host before AutoNAT exists: the rule the DHT used to apply once. */
class ConfiguredReachabilityTest {
    static P2pSettings settings(String p2pYaml) throws Exception {
        return P2pSettings.read(ConfigNode.parse("test", "p2p:\n" + p2pYaml).section("p2p"), false);
    }

    @Test
    void announcedOrSpecificallyBoundIsPublic() throws Exception {
        List<Multiaddr> lo = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));
        var announced = OverlayService.configuredReachability(settings("  announce: [/ip4/192.0.2.7/tcp/4001]\n"), lo);
        assertEquals(Reachability.PUBLIC, announced.getKey());
        assertTrue(announced.getValue().contains("p2p.announce"), announced.getValue());
        var bound = OverlayService.configuredReachability(settings("  listen: [/ip4/127.0.0.1/tcp/4001]\n"), lo);
        assertEquals(Reachability.PUBLIC, bound.getKey());
    }

    @Test
    void aWildcardWithOnlyPrivateAddressesIsUnknownAndAPublicInterfaceAddressIsPublic() throws Exception {
        P2pSettings wildcard = settings("  listen: [/ip4/0.0.0.0/tcp/4001]\n");
        List<Multiaddr> privateOnes = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"), Multiaddr.parse("/ip4/192.168.1.5/tcp/4001"),
                Multiaddr.parse("/ip4/100.64.0.9/tcp/4001"), Multiaddr.parse("/ip6/fd00::1/tcp/4001"));
        assertEquals(Reachability.UNKNOWN, OverlayService.configuredReachability(wildcard, privateOnes).getKey());
        var pub = OverlayService.configuredReachability(wildcard, List.of(Multiaddr.parse("/ip4/192.168.1.5/tcp/4001"),
                Multiaddr.parse("/ip4/198.51.100.20/tcp/4001")));
        assertEquals(Reachability.PUBLIC, pub.getKey());
        assertTrue(pub.getValue().contains("198.51.100.20"), pub.getValue());
        assertTrue(OverlayService.isPublic(Multiaddr.parse("/ip6/2001:db8::1/tcp/4001")));
        assertFalse(OverlayService.isPublic(Multiaddr.parse("/ip6/fe80::1/tcp/4001")));
    }
}
