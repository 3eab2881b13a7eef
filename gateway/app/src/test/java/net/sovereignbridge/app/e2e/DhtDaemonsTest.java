package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DHT in real daemons (issue 6): a bootstrap node started with {@code run --role bootstrap}, gateways
 * that join it from {@code dht.bootstrap} and from the image's {@code bootstrap-peers} file, contact
 * records, region rendezvous, values and the overlay-bridge lookup, all through the real CLI; then a
 * restart that resumes from the stored routing table without any bootstrap peer.
 */
class DhtDaemonsTest {
    @TempDir
    Path dir;

    static int freeTcpPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String peerIdOf(Path state) throws Exception {
        Daemon.Result r = Daemon.cli("identity", "--state-dir", state.toString(), "--json");
        if (r.exit() != 0) throw new AssertionError("identity: " + r);
        return (String) r.json().get("peerId");
    }

    private Path config(String name, int discovery, String dht, String... lanPeers) throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("node:\n  name: ").append(name).append("\n");
        y.append("lan:\n  bind: 127.0.0.1\n  interfaces: [lo]\n  discovery: false\n  discovery-port: ").append(discovery).append("\n");
        if (lanPeers.length > 0) y.append("  peers: [").append(String.join(", ", lanPeers)).append("]\n");
        y.append("coap:\n  enabled: false\nmqtt:\n  enabled: false\n");
        if (dht != null) {
            // the DHT runs on the overlay's host: its listen address is p2p.listen
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("  listen: (\\S+)\n").matcher(dht);
            if (m.find()) {
                y.append("p2p:\n  listen: [").append(m.group(1)).append("]\n");
                dht = m.replaceFirst("");
            }
            y.append("dht:\n").append(dht);
        } else {
            y.append("p2p:\n  enabled: false\n");
        }
        y.append("log:\n  level: info\n");
        Path d = Files.createDirectories(dir.resolve("etc-" + name));
        Path file = d.resolve("sbridge.yaml");
        Files.writeString(file, y.toString());
        return file;
    }

    @SuppressWarnings("unchecked")
    private static List<String> peerIds(Map<String, Object> answer, String field) {
        return ((List<Object>) answer.get(field)).stream().map(p -> (String) ((Map<String, Object>) p).get("peerId")).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void daemonsJoinPublishAndFindEachOtherThroughTheDht() throws Exception {
        int discovery = Daemon.freeUdpPort();
        int seedPort = freeTcpPort();
        int aPort = freeTcpPort();
        int cPort = freeTcpPort();
        Path seedState = dir.resolve("seed");
        String seedId = peerIdOf(seedState);
        String seedAddr = "/ip4/127.0.0.1/tcp/" + seedPort + "/p2p/" + seedId;
        int lanA = Daemon.freeUdpPort();
        int lanX = Daemon.freeUdpPort();

        Path seedCfg = config("seed", discovery, "  listen: /ip4/127.0.0.1/tcp/" + seedPort + "\n");
        Path aCfg = config("alpha", discovery, "  listen: /ip4/127.0.0.1/tcp/" + aPort + "\n  bootstrap: [" + seedAddr
                + "]\n  region: u0vxkq\n  maintenance-interval-seconds: 10\n", "127.0.0.1:" + lanX);
        // charlie reads its seed from the file the image's first boot writes beside the configuration
        Path cCfg = config("charlie", discovery, "  listen: /ip4/127.0.0.1/tcp/" + cPort + "\n");
        Files.writeString(cCfg.getParent().resolve("bootstrap-peers"), "# written by first boot\n" + seedAddr + "\n");
        // x is a mesh-only node (no DHT), a LAN neighbour of alpha: alpha is its bridge
        Path xCfg = config("xray", discovery, null, "127.0.0.1:" + lanA);

        try (Daemon seed = startRole(seedState, Daemon.freeUdpPort(), seedCfg)) {
            seed.awaitOutput("role     bootstrap", 20); // the banner follows the "running" line Daemon.start waits for
            Map<String, Object> st = dht(seed, "status", "--json").json();
            assertEquals("bootstrap", st.get("role"));
            assertEquals("server", st.get("mode"));
            Daemon.Result status = seed.cliHere("status");
            assertTrue(status.out().contains("dht server (bootstrap)"), status.out());

            try (Daemon x = Daemon.start(dir.resolve("x"), lanX, xCfg);
                    Daemon a = Daemon.start(dir.resolve("a"), lanA, aCfg);
                    Daemon c = Daemon.start(dir.resolve("c"), Daemon.freeUdpPort(), cCfg)) {
                String aId = (String) a.cliHere("identity", "--json").json().get("peerId");
                // mode auto: alpha's listener is bound to 127.0.0.1, so its host is PUBLIC by configuration and
                // the DHT, following the host's reachability event, serves
                assertEquals("server", dht(a, "status", "--json").json().get("mode"));
                String cDid = (String) c.cliHere("identity", "--json").json().get("did");
                String xAddress = x.address();
                Daemon.await("seed to know alpha and charlie", 60, () -> ((Number) dht(seed, "status", "--json")
                        .json().get("routingTable")).intValue() >= 2);

                // alpha's signed contact record, read by charlie
                Daemon.await("alpha's contact record", 60, () -> dht(c, "get", "/sbridge/node/" + aId).exit() == 0);
                Map<String, Object> rec = (Map<String, Object>) dht(c, "get", "/sbridge/node/" + aId, "--json")
                        .json().get("record");
                assertEquals("node", rec.get("type"));
                assertEquals("u0vxkq", rec.get("region"));
                assertEquals(List.of("/ip4/127.0.0.1/tcp/" + aPort), rec.get("addrs"));
                assertTrue(((List<String>) rec.get("transports")).contains("lan"), rec.toString());

                // region rendezvous: alpha provides u0v, u0vx, u0vxk
                Daemon.await("alpha as a region provider", 60, () -> peerIds(dht(c, "providers", "region:u0vx",
                        "--json").json(), "providers").contains(aId));

                // find-peer crosses the seed
                Map<String, Object> found = dht(c, "find-peer", aId, "--json").json();
                assertEquals(List.of("/ip4/127.0.0.1/tcp/" + aPort), found.get("addrs"), found.toString());

                // a profile signed by charlie's daemon, read back by alpha
                Path blob = dir.resolve("profile.bin");
                Files.write(blob, new byte[] {1, 2, 3, 4, 5});
                Daemon.Result put = dht(c, "put", "--profile", blob.toString(), "--json");
                assertEquals(ExitCodes.OK, put.exit(), put.toString());
                assertTrue(((Number) put.json().get("stored")).intValue() >= 2, put.out());
                Map<String, Object> prof = (Map<String, Object>) dht(a, "get", "/sbridge/profile/" + cDid, "--json")
                        .json().get("record");
                assertEquals("profile", prof.get("type"));
                assertEquals(5L, ((Number) prof.get("blobBytes")).longValue());

                // a value not signed by the key's owner is refused, and the daemon keeps serving
                Daemon.Result bad = dht(c, "put", "/sbridge/node/" + aId, "--value", "53424e01", "--json");
                assertEquals(ExitCodes.FAILED, bad.exit(), bad.toString());
                assertTrue(((String) bad.json().get("error")).startsWith("value refused: "), bad.out());
                Daemon.Result missing = dht(c, "get", "/sbridge/node/" + seedId);
                assertEquals(ExitCodes.OK, missing.exit(), "the seed publishes its own record too: " + missing);

                // the overlay-bridge lookup: alpha hears x on the LAN and lists it in its contact record
                Daemon.await("alpha to hear x", 60, () -> Daemon.knowsPeer(xAddress).test(a.status()));
                Daemon.await("alpha as x's bridge", 90, () -> peerIds(dht(c, "bridges", xAddress, "--json").json(),
                        "bridges").contains(aId));
                Map<String, Object> bridge = (Map<String, Object>) ((List<Object>) dht(c, "bridges", xAddress,
                        "--json").json().get("bridges")).get(0);
                assertEquals(a.address(), bridge.get("address"));

                // operations on a daemon without the DHT say why
                Daemon.Result off = dht(x, "get", "/sbridge/node/" + aId);
                assertEquals(ExitCodes.FAILED, off.exit());
                assertTrue(off.err().contains("the DHT is not enabled on this daemon"), off.err());

                // alpha restarts without any bootstrap peer: it resumes from its stored routing table
                assertEquals(143, a.terminate());
                Path aAlone = config("alpha2", discovery, "  enabled: true\n  listen: /ip4/127.0.0.1/tcp/" + aPort + "\n");
                try (Daemon a2 = Daemon.start(dir.resolve("a"), lanA, aAlone)) {
                    Daemon.await("alpha to resume", 60, () -> "resumed from the stored routing table".equals(
                            dht(a2, "status", "--json").json().get("join")));
                    Map<String, Object> back = dht(a2, "get", "/sbridge/profile/" + cDid, "--json").json();
                    assertEquals(Boolean.TRUE, back.get("ok"), back.toString());
                }
            }
        }
    }

    /** {@code sbridge dht SUB --state-dir DIR ARGS...}: the state-dir option belongs to the subcommand. */
    private static Daemon.Result dht(Daemon d, String sub, String... args) throws Exception {
        List<String> a = new java.util.ArrayList<>(List.of("dht", sub, "--state-dir", d.stateDir.toString()));
        a.addAll(List.of(args));
        return Daemon.cli(a.toArray(new String[0]));
    }

    private static Daemon startRole(Path state, int lanPort, Path config) throws Exception {
        return Daemon.start(state, lanPort, config, Map.of(), "--role", "bootstrap");
    }
}
