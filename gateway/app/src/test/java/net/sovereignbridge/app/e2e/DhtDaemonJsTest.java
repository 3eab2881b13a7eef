package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.dht.RegionKeys;
import net.sovereignbridge.p2p.dht.SignedRecords;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real sbridge daemon in a DHT of js-libp2p kad-dht nodes on {@code /sbridge/kad/1.0.0}: it joins
 * through a js node, and js nodes read its contact record, find it as a region provider and by PeerId,
 * while the daemon's CLI finds js providers, js peers and a record put from js.
 */
class DhtDaemonJsTest {
    @TempDir
    Path dir;

    private static Map<String, Object> jsKad() {
        return Map.of("kad", Map.of("protocol", "/sbridge/kad/1.0.0", "clientMode", false));
    }

    private static void awaitTable(JsLibp2pPeer p, int atLeast) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (((Number) p.call("kadRoutingTable").get("size")).intValue() < atLeast) {
            if (System.nanoTime() > end) throw new AssertionError("js routing table below " + atLeast);
            Thread.sleep(100);
        }
    }

    private static Daemon.Result dht(Daemon d, String sub, String... args) throws Exception {
        List<String> a = new java.util.ArrayList<>(List.of("dht", sub, "--state-dir", d.stateDir.toString()));
        a.addAll(List.of(args));
        return Daemon.cli(a.toArray(new String[0]));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDaemonJoinsAJsDhtAndBothSidesFindEachOther() throws Exception {
        try (JsLibp2pPeer j0 = JsLibp2pPeer.start(jsKad()); JsLibp2pPeer j1 = JsLibp2pPeer.start(jsKad())) {
            j0.call("kadSetMode", "mode", "server");
            j1.call("kadSetMode", "mode", "server");
            int port = DhtDaemonsTest.freeTcpPort();
            Path cfg = dir.resolve("a.yaml");
            Files.writeString(cfg, "node:\n  name: alpha\nlan:\n  bind: 127.0.0.1\n  discovery: false\n"
                    + "coap:\n  enabled: false\nmqtt:\n  enabled: false\n"
                    + "p2p:\n  listen: [/ip4/127.0.0.1/tcp/" + port + "]\ndht:\n  bootstrap: [" + j0.tcpAddr() + "]\n  region: u0vxkq\n");
            try (Daemon a = Daemon.start(dir.resolve("a"), Daemon.freeUdpPort(), cfg)) {
                String aId = (String) a.cliHere("identity", "--json").json().get("peerId");
                j1.call("dial", "addr", j0.tcpAddr());
                awaitTable(j1, 1);
                Daemon.await("the daemon to join through j0", 60, () -> ((Number) dht(a, "status", "--json").json()
                        .get("routingTable")).intValue() >= 1);

                // js reads the daemon's contact record (its sbridge validator checks our signature)
                byte[] key = SignedRecords.nodeKey(aId);
                String keyHex = HexFormat.of().formatHex(key);
                Daemon.await("j1 to read alpha's contact record", 60, () -> {
                    try {
                        j1.call("kadGet", "key", keyHex);
                        return true;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                String jsValue = (String) j1.call("kadGet", "key", keyHex).get("value");
                assertEquals(dht(a, "get", "/sbridge/node/" + aId, "--json").json().get("value"), jsValue);

                // region provider and FIND_NODE, js asking about the daemon
                Daemon.await("j1 to find alpha as a u0vx provider", 60, () -> ((List<?>) j1.call("kadFindProviders",
                        "multihash", HexFormat.of().formatHex(RegionKeys.providerKey("u0vx"))).get("providers")).stream()
                        .anyMatch(p -> aId.equals(((Map<?, ?>) p).get("peerId"))));
                Map<String, Object> found = j1.call("kadFindPeer", "peer", aId);
                assertTrue(JsLibp2pPeer.strings(found.get("addrs")).contains("/ip4/127.0.0.1/tcp/" + port), found.toString());

                // the daemon asking about js
                Daemon.Result peer = dht(a, "find-peer", j1.peerId(), "--json");
                assertEquals(ExitCodes.OK, peer.exit(), peer.toString());
                String j1Tcp = j1.tcpAddr().substring(0, j1.tcpAddr().indexOf("/p2p/"));
                assertTrue(((List<String>) peer.json().get("addrs")).contains(j1Tcp), peer.out());
                byte[] jsKey = RegionKeys.providerKey("gcpvj");
                j1.call("kadProvide", "multihash", HexFormat.of().formatHex(jsKey));
                Map<String, Object> providers = dht(a, "providers", "hex:" + HexFormat.of().formatHex(jsKey), "--json").json();
                assertTrue(((List<?>) providers.get("providers")).stream().anyMatch(p -> j1.peerId().equals(((Map<?, ?>) p).get("peerId"))),
                        providers.toString());

                // a profile put from js, read through the daemon's CLI
                NodeIdentity user = NodeIdentity.generate(new SecureRandom());
                byte[] pkey = SignedRecords.profileKey(user.publicIdentity().did());
                byte[] pval = SignedRecords.signProfile(user, 1, new byte[] {9, 9, 9});
                j1.call("kadPut", "key", HexFormat.of().formatHex(pkey), "value", HexFormat.of().formatHex(pval));
                Map<String, Object> got = dht(a, "get", "/sbridge/profile/" + user.publicIdentity().did(), "--json").json();
                assertEquals(HexFormat.of().formatHex(pval), got.get("value"), got.toString());
                assertEquals(3L, ((Number) ((Map<String, Object>) got.get("record")).get("blobBytes")).longValue());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void regionRendezvousOnAPublicStyleDhtOfJsNodes() throws Exception {
        Map<String, Object> ipfs = Map.of("kad", Map.of("protocol", "/ipfs/kad/1.0.0", "clientMode", false));
        try (JsLibp2pPeer p0 = JsLibp2pPeer.start(ipfs); JsLibp2pPeer p1 = JsLibp2pPeer.start(ipfs)) {
            p0.call("kadSetMode", "mode", "server");
            p1.call("kadSetMode", "mode", "server");
            p1.call("dial", "addr", p0.tcpAddr());
            awaitTable(p1, 1);
            byte[] theirs = RegionKeys.providerKey("u0vxk");
            p1.call("kadProvide", "multihash", HexFormat.of().formatHex(theirs));
            Path cfg = dir.resolve("b.yaml");
            Files.writeString(cfg, "node:\n  name: bravo\nlan:\n  bind: 127.0.0.1\n  discovery: false\n"
                    + "coap:\n  enabled: false\nmqtt:\n  enabled: false\n"
                    + "p2p:\n  listen: [/ip4/127.0.0.1/tcp/" + DhtDaemonsTest.freeTcpPort() + "]\ndht:\n  public-bootstrap: ["
                    + p0.tcpAddr() + "]\n  region: u0vxkq\n");
            try (Daemon b = Daemon.start(dir.resolve("b"), Daemon.freeUdpPort(), cfg)) {
                String bId = (String) b.cliHere("identity", "--json").json().get("peerId");
                Daemon.await("the daemon to join the public-style DHT and find the js bridge of its region", 60, () -> {
                    Map<String, Object> st = dht(b, "status", "--json").json();
                    return String.valueOf(st.get("publicDht")).startsWith("bootstrapped")
                            && ((List<String>) st.get("regionBridges")).contains(p1.peerId());
                });
                // js finds the daemon as a provider of its region keys (it never serves /ipfs/kad/1.0.0)
                Daemon.await("p1 to find the daemon as a u0vxk provider", 60, () -> ((List<?>) p1.call("kadFindProviders",
                        "multihash", HexFormat.of().formatHex(theirs)).get("providers")).stream()
                        .anyMatch(p -> bId.equals(((Map<?, ?>) p).get("peerId"))));
                Map<String, Object> listed = dht(b, "providers", "--public", "region:u0vxk", "--json").json();
                List<String> ids = ((List<?>) listed.get("providers")).stream().map(p -> (String) ((Map<?, ?>) p).get("peerId")).toList();
                assertTrue(ids.contains(p1.peerId()), listed.toString());
                // what the daemon itself says in identify (js's peer store would also count protocols we opened)
                Map<String, Object> id = p1.call("identify", "peer", bId);
                assertTrue(!JsLibp2pPeer.strings(id.get("protocols")).contains("/ipfs/kad/1.0.0"),
                        "a public-DHT client does not list the protocol: " + id);
            }
        }
    }
}
