package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.nat.NatLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons behind real NATs (the NatLab: one endpoint-independent, one symmetric router; neither can
 * be dialled from the public net) exchange mesh messages through a js-libp2p circuit relay v2 relay on
 * the public net. The relay speaks no mesh protocol, so every frame crossed the circuit: A holds a
 * reservation there ({@code p2p.relay.use}), B keeps A as a static peer at its relayed address.
 */
class NatRelayDaemonsTest {
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

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> answer, String field) {
        return (List<Map<String, Object>>) answer.get(field);
    }

    @Test
    void twoNatedDaemonsExchangeMeshMessagesThroughAJsRelay() throws Exception {
        try (NatLab lab = NatLab.start();
             JsLibp2pPeer relay = JsLibp2pPeer.startIn(lab.pub.namespace(),
                     Map.of("host", lab.pub.address(), "tcpPort", 4001, "relayServer", Map.of()))) {
            String relayAddr = "/ip4/" + lab.pub.address() + "/tcp/4001/p2p/" + relay.peerId();
            Path aState = dir.resolve("a");
            Path bState = dir.resolve("b");
            String aId = peerIdOf(aState);
            Path aCfg = config("alpha", "  listen: [/ip4/0.0.0.0/tcp/4001]\n  relay:\n    use: [" + relayAddr + "]\n");
            Path bCfg = config("bravo", "  listen: [/ip4/0.0.0.0/tcp/4001]\n"
                    + "  static-peers: [" + relayAddr + "/p2p-circuit/p2p/" + aId + "]\n");
            try (Daemon a = Daemon.startIn(lab.eimHost.namespace(), aState, Daemon.freeUdpPort(), aCfg, Map.of());
                 Daemon b = Daemon.startIn(lab.symHost.namespace(), bState, Daemon.freeUdpPort(), bCfg, Map.of())) {
                a.awaitOutput("reachable through relay: " + relayAddr + "/p2p-circuit/p2p/" + aId, 30);
                String aAddr = a.address();
                String bAddr = b.address();
                Daemon.await("alpha to hear bravo's announce through the relay", 60, () -> Daemon.knowsPeer(bAddr).test(a.status()));
                Daemon.await("bravo to hear alpha's announce through the relay", 60, () -> Daemon.knowsPeer(aAddr).test(b.status()));

                assertEquals(0, a.cliHere("send", bAddr, "alpha behind a home router").exit());
                assertEquals(0, b.cliHere("send", aAddr, "bravo behind a symmetric NAT").exit());
                Daemon.await("alpha's message in bravo's inbox", 60,
                        () -> b.cliHere("inbox", "--json").out().contains("alpha behind a home router"));
                Daemon.await("bravo's message in alpha's inbox", 60,
                        () -> a.cliHere("inbox", "--json").out().contains("bravo behind a symmetric NAT"));
                for (Daemon d : List.of(a, b)) {
                    Daemon.await("both messages acknowledged", 60, () -> {
                        List<Map<String, Object>> mine = list(d.cliHere("messages", "--json").json(), "messages");
                        return !mine.isEmpty() && mine.stream().allMatch(m -> "delivered".equals(m.get("state")));
                    });
                }
                assertEquals("overlay", list(b.cliHere("inbox", "--json").json(), "messages").get(0).get("transport"));

                // the only connection between them is the circuit through the relay
                Map<String, Object> peers = Daemon.cli("p2p", "peers", "--state-dir", bState.toString(), "--json").json();
                Map<String, Object> aPeer = list(peers, "peers").stream().filter(p -> aId.equals(p.get("peerId"))).findFirst()
                        .orElseThrow(() -> new AssertionError("alpha not in " + peers));
                List<?> connections = (List<?>) aPeer.get("connections");
                assertTrue(!connections.isEmpty(), aPeer.toString());
                for (Object c : connections) {
                    String remote = String.valueOf(((Map<?, ?>) c).get("remote"));
                    assertTrue(remote.startsWith(relayAddr + "/p2p-circuit"), remote);
                }
                assertEquals(List.of(aId), JsLibp2pPeer.strings(relay.call("relayReservations").get("peers")));
            }
        }
    }
}
