package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's daemon side: two real sbridge daemons with the LAN transport off exchange a mesh message over
 * the internet overlay ({@code /sbridge/mesh/1.0.0} on the daemons' libp2p hosts, B keeping A as a static
 * peer over WebSocket), the ACK comes back; {@code sbridge p2p ping} through a daemon, standalone and
 * against js-libp2p; {@code p2p peers --json}; a taken port leaves the daemon running without it.
 */
class OverlayDaemonsTest {
    @TempDir
    Path dir;

    private Path config(String name, String p2p) throws Exception {
        // the default announce period (30 s): a new overlay neighbour is greeted with an announce at once
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

    private static Daemon.Result p2p(Daemon d, String sub, String... args) throws Exception {
        List<String> a = new java.util.ArrayList<>(List.of("p2p", sub, "--state-dir", d.stateDir.toString()));
        a.addAll(List.of(args));
        return Daemon.cli(a.toArray(new String[0]));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> answer, String field) {
        return (List<Map<String, Object>>) answer.get(field);
    }

    @Test
    void twoDaemonsExchangeAMessageOverTheOverlayAndPingEachOther() throws Exception {
        int aTcp = DhtDaemonsTest.freeTcpPort();
        int aWs = DhtDaemonsTest.freeTcpPort();
        int bTcp = DhtDaemonsTest.freeTcpPort();
        Path aState = dir.resolve("a");
        Path bState = dir.resolve("b");
        String aId = peerIdOf(aState);
        String bId = peerIdOf(bState);
        Path aCfg = config("alpha", "  listen: [/ip4/127.0.0.1/tcp/" + aTcp + ", /ip4/127.0.0.1/tcp/" + aWs + "/ws]\n");
        Path bCfg = config("bravo", "  listen: [/ip4/127.0.0.1/tcp/" + bTcp + "]\n"
                + "  static-peers: [/ip4/127.0.0.1/tcp/" + aWs + "/ws/p2p/" + aId + "]\n");
        try (Daemon a = Daemon.start(aState, Daemon.freeUdpPort(), aCfg);
                Daemon b = Daemon.start(bState, Daemon.freeUdpPort(), bCfg)) {
            // sbridge run prints its listen multiaddrs ending in /p2p/<PeerId>
            a.awaitOutput("listen   /ip4/127.0.0.1/tcp/" + aTcp + "/p2p/" + aId, 20); // the banner follows the "running" line Daemon.start waits for
            a.awaitOutput("listen   /ip4/127.0.0.1/tcp/" + aWs + "/ws/p2p/" + aId, 20);
            String aAddr = a.address();
            String bAddr = b.address();

            // announces travel over the overlay: each greets the new neighbour at once (well before the 30 s
            // periodic announce), so both know each other within 20 s of bravo's start
            Daemon.await("alpha to hear bravo's announce over the overlay", 20, () -> Daemon.knowsPeer(bAddr).test(a.status()));
            Daemon.await("bravo to hear alpha's announce over the overlay", 20, () -> Daemon.knowsPeer(aAddr).test(b.status()));

            Daemon.Result sent = a.cliHere("send", bAddr, "hello over the internet overlay");
            assertEquals(0, sent.exit(), sent.toString());
            Daemon.await("the message in bravo's inbox", 60, () -> b.cliHere("inbox", "--json").out()
                    .contains("hello over the internet overlay"));
            Map<String, Object> msg = list(b.cliHere("inbox", "--json").json(), "messages").get(0);
            assertEquals("overlay", msg.get("transport"));
            assertEquals(aAddr, msg.get("from"));
            Daemon.await("alpha's message to be acknowledged (delivered)", 60, () -> {
                List<Map<String, Object>> mine = list(a.cliHere("messages", "--json").json(), "messages");
                return !mine.isEmpty() && "delivered".equals(mine.get(0).get("state"));
            });

            // the overlay transport counts the frames both ways
            Map<String, Object> overlay = list(a.status(), "transports").stream()
                    .filter(t -> "overlay".equals(t.get("id"))).findFirst().orElseThrow();
            assertEquals("ACTIVE", overlay.get("state"));
            assertTrue(((Number) overlay.get("framesIn")).longValue() > 0, overlay.toString());
            assertTrue(((Number) overlay.get("framesOut")).longValue() > 0, overlay.toString());
            assertEquals(1L, ((Number) overlay.get("neighbours")).longValue(), overlay.toString());

            // p2p peers --json on alpha lists bravo, inbound over /ws, with the mesh protocol
            Map<String, Object> peers = p2p(a, "peers", "--json").json();
            Map<String, Object> bPeer = list(peers, "peers").stream().filter(p -> bId.equals(p.get("peerId"))).findFirst()
                    .orElseThrow(() -> new AssertionError("bravo not in " + peers));
            assertEquals(true, bPeer.get("mesh"));
            assertTrue(((List<?>) bPeer.get("protocols")).contains("/sbridge/mesh/1.0.0"), bPeer.toString());
            Map<?, ?> conn = (Map<?, ?>) ((List<?>) bPeer.get("connections")).get(0);
            assertEquals("inbound", conn.get("direction"));
            assertTrue(String.valueOf(conn.get("remote")).endsWith("/ws"), conn.toString());
            assertTrue(String.valueOf(bPeer.get("agent")).startsWith("sbridge/"), bPeer.toString());
            assertTrue(((List<?>) bPeer.get("listenAddrs")).contains("/ip4/127.0.0.1/tcp/" + bTcp), bPeer.toString());

            // hostile input on alpha's overlay port: garbage bytes, then an oversized mesh frame from a real host;
            // both are refused with a logged reason and the daemon carries on (the pings below still work)
            try (java.net.Socket junk = new java.net.Socket("127.0.0.1", aTcp)) {
                junk.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                junk.getOutputStream().flush();
                junk.setSoTimeout(15_000); // alpha must close it: a timeout fails the test
                byte[] buf = new byte[1024];
                int total = 0;
                for (int n; (n = junk.getInputStream().read(buf)) >= 0; ) {
                    total += n;
                    if (total > 4096) throw new AssertionError("alpha kept talking to a garbage connection");
                }
            } catch (java.net.SocketException closedByAlpha) {
                // a reset is as good as a close
            }
            try (net.sovereignbridge.p2p.host.Libp2pHost evil = net.sovereignbridge.p2p.StandardHost.create(
                    net.sovereignbridge.mesh.identity.NodeIdentity.generate(new java.security.SecureRandom()),
                    net.sovereignbridge.p2p.host.HostConfig.defaults());
                    net.sovereignbridge.p2p.host.P2pStream s = evil.newStream(net.sovereignbridge.p2p.multiaddr.Multiaddr.parse(
                            "/ip4/127.0.0.1/tcp/" + aTcp + "/p2p/" + aId), List.of("/sbridge/mesh/1.0.0"))) {
                s.output().write(new byte[] {(byte) 0x81, (byte) 0xfc, 0x03, 1, 2, 3}); // 65025 bytes announced
                s.output().flush();
                a.awaitOutput("mesh stream from " + evil.peerId() + " reset: frame of 65025 bytes over the limit", 20);
            }
            assertTrue(a.alive());

            // p2p ping through bravo's daemon to alpha over TCP
            Daemon.Result ping = p2p(b, "ping", "/ip4/127.0.0.1/tcp/" + aTcp + "/p2p/" + aId, "--count", "2", "--json");
            assertEquals(0, ping.exit(), ping.toString());
            Map<String, Object> pj = ping.json();
            assertEquals(aId, pj.get("peerId"));
            assertEquals("daemon", pj.get("via"));
            assertEquals(2, ((List<?>) pj.get("rttMs")).size());
            for (Object rtt : (List<?>) pj.get("rttMs")) {
                double ms = ((Number) rtt).doubleValue();
                assertTrue(ms >= 0 && ms < 5000, "rtt " + ms);
            }
            // text form, one line per ping
            Daemon.Result text = p2p(b, "ping", "/ip4/127.0.0.1/tcp/" + aTcp + "/p2p/" + aId, "--count", "1");
            assertEquals(0, text.exit(), text.toString());
            assertTrue(text.out().contains("PING " + aId) && text.out().contains("seq=1 time="), text.out());

            // standalone (no daemon on that state directory): an ephemeral identity pings bravo
            Daemon.Result alone = Daemon.cli("p2p", "ping", "--state-dir", dir.resolve("none").toString(),
                    "/ip4/127.0.0.1/tcp/" + bTcp + "/p2p/" + bId, "--count", "1", "--json");
            assertEquals(0, alone.exit(), alone.toString());
            assertEquals("standalone", alone.json().get("via"));
            assertEquals(bId, alone.json().get("peerId"));

            // a wrong PeerId is refused by the Noise check, with a clear error, exit 1
            Daemon.Result wrong = p2p(b, "ping", "/ip4/127.0.0.1/tcp/" + aTcp + "/p2p/" + bId, "--count", "1");
            assertEquals(1, wrong.exit(), wrong.toString());
            assertTrue(wrong.err().startsWith("sbridge: "), wrong.err());

            // both daemons are still fine
            assertTrue(a.alive() && b.alive());
        }
    }

    @Test
    void pingAJsLibp2pPeerThroughTheDaemonAndStandalone() throws Exception {
        try (JsLibp2pPeer js = JsLibp2pPeer.start()) {
            int port = DhtDaemonsTest.freeTcpPort();
            try (Daemon a = Daemon.start(dir.resolve("a"), Daemon.freeUdpPort(),
                    config("alpha", "  listen: [/ip4/127.0.0.1/tcp/" + port + "]\n"))) {
                Daemon.Result r = p2p(a, "ping", js.tcpAddr(), "--count", "3", "--json");
                assertEquals(0, r.exit(), r.toString());
                assertEquals(js.peerId(), r.json().get("peerId"));
                assertEquals(3, ((List<?>) r.json().get("rttMs")).size());
                // js sees our daemon and pings it back over the connection the daemon opened
                String aId = (String) a.cliHere("identity", "--json").json().get("peerId");
                Map<String, Object> back = js.call("ping", "addr", "/ip4/127.0.0.1/tcp/" + port + "/p2p/" + aId, "count", 2);
                assertEquals(2, ((List<?>) back.get("rttMs")).size(), back.toString());
                Map<String, Object> peers = p2p(a, "peers", "--json").json();
                Map<String, Object> jp = list(peers, "peers").stream().filter(p -> js.peerId().equals(p.get("peerId")))
                        .findFirst().orElseThrow(() -> new AssertionError("js not in " + peers));
                assertEquals(false, jp.get("mesh"), "js-libp2p does not speak /sbridge/mesh/1.0.0");
                assertTrue(((List<?>) jp.get("protocols")).contains("/ipfs/ping/1.0.0"), jp.toString());
            }
            Daemon.Result alone = Daemon.cli("p2p", "ping", "--state-dir", dir.resolve("none").toString(), js.tcpAddr(),
                    "--count", "2", "--json");
            assertEquals(0, alone.exit(), alone.toString());
            assertEquals("standalone", alone.json().get("via"));
            assertEquals(2, ((List<?>) alone.json().get("rttMs")).size());
        }
    }

    @Test
    void aTakenPortIsReportedAndTheDaemonRunsWithoutTheOverlay() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            try (Daemon a = Daemon.start(dir.resolve("a"), Daemon.freeUdpPort(),
                    config("alpha", "  listen: [/ip4/127.0.0.1/tcp/" + port + "]\n"))) {
                a.awaitOutput("overlay UNAVAILABLE: cannot listen on /ip4/127.0.0.1/tcp/" + port, 20); // the banner follows the "running" line Daemon.start waits for
                Map<String, Object> st = a.status();
                Map<String, Object> o = list(st, "transports").stream().filter(t -> "overlay".equals(t.get("id")))
                        .findFirst().orElseThrow();
                assertEquals("UNAVAILABLE", o.get("state"));
                Daemon.Result peers = p2p(a, "peers");
                assertEquals(1, peers.exit());
                assertTrue(peers.err().contains("the overlay is unavailable: cannot listen on"), peers.err());
                assertTrue(a.alive());
            }
        }
    }

    /**
     * mesh A -LAN- bridge A =overlay= bridge B -LAN- mesh B, four daemons: the mesh-only nodes have no overlay
     * and only a LAN peer each; the bridges have no LAN path to each other, only bravo's static overlay peer.
     * Mesh B's announce is relayed over the overlay into A's LAN, mesh A's message goes the same way and
     * its ACK comes back.
     */
    @Test
    void aMessageCrossesTheOverlayBetweenTwoLans() throws Exception {
        int lanMa = Daemon.freeUdpPort();
        int lanBa = Daemon.freeUdpPort();
        int lanBb = Daemon.freeUdpPort();
        int lanMb = Daemon.freeUdpPort();
        int tcpA = DhtDaemonsTest.freeTcpPort();
        Path baState = dir.resolve("bridge-a");
        String baId = peerIdOf(baState);
        Path ma = lanConfig("mesh-a", lanBa, "  enabled: false\n");
        Path ba = lanConfig("bridge-a", lanMa, "  listen: [/ip4/127.0.0.1/tcp/" + tcpA + "]\n");
        Path bb = lanConfig("bridge-b", lanMb, "  listen: [/ip4/127.0.0.1/tcp/" + DhtDaemonsTest.freeTcpPort() + "]\n"
                + "  static-peers: [/ip4/127.0.0.1/tcp/" + tcpA + "/p2p/" + baId + "]\n");
        Path mb = lanConfig("mesh-b", lanBb, "  enabled: false\n");
        try (Daemon meshA = Daemon.start(dir.resolve("mesh-a"), lanMa, ma);
                Daemon bridgeA = Daemon.start(baState, lanBa, ba);
                Daemon bridgeB = Daemon.start(dir.resolve("bridge-b"), lanBb, bb);
                Daemon meshB = Daemon.start(dir.resolve("mesh-b"), lanMb, mb)) {
            String mbAddr = meshB.address();
            String maAddr = meshA.address();
            Daemon.await("mesh A to learn mesh B through the overlay", 90, () -> Daemon.knowsPeer(mbAddr).test(meshA.status()));
            Daemon.Result sent = meshA.cliHere("send", mbAddr, "across two LANs and the internet");
            assertEquals(0, sent.exit(), sent.toString());
            Daemon.await("the message in mesh B's inbox", 90, () -> meshB.cliHere("inbox", "--json").out()
                    .contains("across two LANs and the internet"));
            Map<String, Object> msg = list(meshB.cliHere("inbox", "--json").json(), "messages").get(0);
            assertEquals(maAddr, msg.get("from"));
            assertEquals("lan", msg.get("transport"), "the last hop is bridge B's LAN");
            Daemon.await("mesh A's message to be acknowledged", 90, () -> {
                List<Map<String, Object>> mine = list(meshA.cliHere("messages", "--json").json(), "messages");
                return !mine.isEmpty() && "delivered".equals(mine.get(0).get("state"));
            });
            // it crossed the overlay: both bridges moved frames on it; the mesh-only nodes have no overlay
            for (Daemon bridge : List.of(bridgeA, bridgeB)) {
                Map<String, Object> o = list(bridge.status(), "transports").stream()
                        .filter(t -> "overlay".equals(t.get("id"))).findFirst().orElseThrow();
                assertTrue(((Number) o.get("framesIn")).longValue() > 0 && ((Number) o.get("framesOut")).longValue() > 0, o.toString());
            }
            assertTrue(list(meshA.status(), "transports").stream().noneMatch(t -> "overlay".equals(t.get("id"))));
        }
    }

    /** LAN on loopback with one static LAN peer and no multicast, so only the pairs we name hear each other. */
    private Path lanConfig(String name, int lanPeer, String p2p) throws Exception {
        String y = "node:\n  name: " + name + "\n"
                + "lan:\n  bind: 127.0.0.1\n  interfaces: [lo]\n  discovery: false\n  peers: [127.0.0.1:" + lanPeer + "]\n"
                + "coap:\n  enabled: false\nmqtt:\n  enabled: false\n"
                + "p2p:\n" + p2p + "log:\n  level: info\n";
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, y);
        return file;
    }
}
