package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.sovereignbridge.p2p.nat.NatLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AutoNAT v1 between daemons through the NatLab's real NAT: two daemons on the public net (bound to the
 * public address, so PUBLIC by configuration) answer dial-back requests; a daemon behind the
 * endpoint-independent router learns it is PRIVATE (its router drops the dial-backs), and a daemon on the
 * public net that listens on the wildcard (UNKNOWN by configuration) learns it is PUBLIC.
 */
class NatAutonatDaemonsTest {
    @TempDir
    Path dir;

    private Path config(String name, String p2p) throws Exception {
        String y = "node:\n  name: " + name + "\n"
                + "lan:\n  enabled: false\ncoap:\n  enabled: false\nmqtt:\n  enabled: false\n"
                + "p2p:\n" + p2p + "log:\n  level: info\n";
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, y);
        return file;
    }

    private static String peerIdOf(Path state) throws Exception {
        Daemon.Result r = Daemon.cli("identity", "--state-dir", state.toString(), "--json");
        if (r.exit() != 0) throw new AssertionError("identity: " + r);
        return (String) r.json().get("peerId");
    }

    private static String reachability(Daemon d) throws Exception {
        return String.valueOf(((Map<?, ?>) d.status().get("p2p")).get("reachability"));
    }

    @Test
    void aNatedDaemonLearnsItIsPrivateAndAPublicOneThatItIsPublic() throws Exception {
        try (NatLab lab = NatLab.start()) {
            String pub = lab.pub.address();
            Path s1State = dir.resolve("s1");
            Path s2State = dir.resolve("s2");
            String servers = "/ip4/" + pub + "/tcp/4001/p2p/" + peerIdOf(s1State) + ", /ip4/" + pub + "/tcp/4002/p2p/" + peerIdOf(s2State);
            Path s1 = config("server1", "  listen: [/ip4/" + pub + "/tcp/4001]\n");
            Path s2 = config("server2", "  listen: [/ip4/" + pub + "/tcp/4002]\n");
            Path natted = config("natted", "  listen: [/ip4/0.0.0.0/tcp/4001]\n  static-peers: [" + servers + "]\n");
            Path open = config("open", "  listen: [/ip4/0.0.0.0/tcp/4003]\n  static-peers: [" + servers + "]\n");
            try (Daemon a = Daemon.startIn(lab.pub.namespace(), s1State, Daemon.freeUdpPort(), s1, Map.of());
                 Daemon b = Daemon.startIn(lab.pub.namespace(), s2State, Daemon.freeUdpPort(), s2, Map.of());
                 Daemon n = Daemon.startIn(lab.eimHost.namespace(), dir.resolve("n"), Daemon.freeUdpPort(), natted, Map.of());
                 Daemon o = Daemon.startIn(lab.pub.namespace(), dir.resolve("o"), Daemon.freeUdpPort(), open, Map.of())) {
                assertEquals("PUBLIC", reachability(a));
                Daemon.await("the NATed daemon to learn it is PRIVATE", 60, () -> "PRIVATE".equals(reachability(n)));
                n.awaitOutput("reachability UNKNOWN -> PRIVATE: autonat: 0 of 2 peers dialled us back", 10);
                Daemon.await("the open daemon to learn it is PUBLIC", 60, () -> "PUBLIC".equals(reachability(o)));
                o.awaitOutput("reachability UNKNOWN -> PUBLIC: autonat: 2 of 2 peers dialled us back", 10);
            }
        }
    }
}
