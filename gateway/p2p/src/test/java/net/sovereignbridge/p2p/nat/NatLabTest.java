package net.sovereignbridge.p2p.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves that the namespace lab has the NAT behaviours the relay, AutoNAT and hole-punching tests rely
 * on, by looking at the source address a public server sees (the kernel's NAT is the part under test,
 * python3's sockets are only the probe).
 */
class NatLabTest {

    /** Accepts one connection on each address:port given as arguments and prints "peerIp:peerPort". */
    private static final String SERVER = String.join("\n",
            "import socket, sys",
            "socks = []",
            "for a in sys.argv[1:]:",
            "    h, p = a.rsplit(':', 1)",
            "    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "    s.bind((h, int(p))); s.listen(); s.settimeout(10); socks.append(s)",
            "print('ready', flush=True)",
            "for s in socks:",
            "    c, peer = s.accept(); print('%s:%d' % peer, flush=True); c.close()");

    /** Dials every address:port from one fixed local port (SO_REUSEPORT, as a hole-punching dialer does). */
    private static final String CLIENT = String.join("\n",
            "import socket, sys",
            "keep = []",
            "for a in sys.argv[2:]:",
            "    h, p = a.rsplit(':', 1)",
            "    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)",
            "    s.bind(('0.0.0.0', int(sys.argv[1]))); s.settimeout(5); s.connect((h, int(p))); keep.append(s)",
            "print('done', flush=True)");

    private static final List<String> DESTINATIONS =
            List.of("10.77.0.1:7001", "10.77.0.1:7002", "10.77.0.1:7003");
    private static NatLab lab;

    @BeforeAll
    static void startLab() throws Exception {
        lab = NatLab.start();
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) lab.close();
    }

    private static List<String> observedSources(NatLab.Node host, int localPort) throws Exception {
        List<String> serverArgs = new ArrayList<>(List.of("python3", "-c", SERVER));
        serverArgs.addAll(DESTINATIONS);
        Process server = lab.spawn(lab.pub, serverArgs.toArray(String[]::new));
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine(), "probe server did not start");
            List<String> clientArgs = new ArrayList<>(List.of("python3", "-c", CLIENT, String.valueOf(localPort)));
            clientArgs.addAll(DESTINATIONS);
            assertEquals("done\n", lab.run(host, clientArgs.toArray(String[]::new)));
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < DESTINATIONS.size(); i++) seen.add(out.readLine());
            assertTrue(server.waitFor(10, TimeUnit.SECONDS), "probe server did not finish");
            return seen;
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void endpointIndependentNatKeepsOneMappingForEveryDestination() throws Exception {
        List<String> seen = observedSources(lab.eimHost, 40101);
        assertEquals(List.of("10.77.0.11:40101", "10.77.0.11:40101", "10.77.0.11:40101"), seen,
                "one inside ip:port must map to one outside ip:port whatever the destination");
    }

    @Test
    void symmetricNatMapsEachDestinationToItsOwnPort() throws Exception {
        List<String> seen = observedSources(lab.symHost, 40102);
        Set<String> ports = new HashSet<>();
        for (String s : seen) {
            assertTrue(s.startsWith("10.77.0.12:"), "translated to the router's address: " + s);
            ports.add(s.substring(s.indexOf(':') + 1));
        }
        // random ports per connection: all three equal has a chance of about 1 in 4e9
        assertTrue(ports.size() > 1, "a symmetric NAT must not reuse one mapping for all destinations: " + seen);
    }

    @Test
    void unsolicitedDialFromThePublicNetDoesNotReachAnInsideHost() throws Exception {
        Process inside = lab.spawn(lab.eimHost, "python3", "-c", String.join("\n",
                "import socket",
                "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
                "s.bind(('0.0.0.0', 40103)); s.listen(); print('ready', flush=True)",
                "s.settimeout(4)",
                "try:",
                "    s.accept(); print('accepted', flush=True)",
                "except socket.timeout:",
                "    print('nothing', flush=True)"));
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(inside.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            String dial = lab.run(lab.pub, "python3", "-c", String.join("\n",
                    "import socket",
                    "for target in [('10.77.0.11', 40103), ('192.168.11.2', 40103)]:",
                    "    try:",
                    "        socket.create_connection(target, 2); print('connected')",
                    "    except OSError:",
                    "        print('failed')"));
            assertEquals("failed\nfailed\n", dial, "neither the router's port nor the inside address answers");
            assertEquals("nothing", out.readLine(), "the inside listener saw no connection");
        } finally {
            inside.destroyForcibly();
        }
    }

    /**
     * Both sides dial each other's public mapping from their own port at once (TCP simultaneous open, the
     * step DCUtR relies on), retrying within 5 s; prints the number of attempts it took.
     */
    private static final String SIMULTANEOUS_OPEN = String.join("\n",
            "import socket, sys, time",
            "port, host = int(sys.argv[1]), sys.argv[2]",
            "deadline = time.time() + 5; tries = 0",
            "while time.time() < deadline:",
            "    tries += 1",
            "    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)",
            "    s.bind(('0.0.0.0', port)); s.settimeout(1)",
            "    try:",
            "        s.connect((host, port)); s.sendall(b'hi')",
            "        print('connected', tries, s.recv(2).decode(), flush=True); sys.exit(0)",
            "    except OSError:",
            "        s.close(); time.sleep(0.05)",
            "print('failed', tries, flush=True)");

    @Test
    void simultaneousOpenPunchesThroughTwoEndpointIndependentNats() throws Exception {
        for (int round = 0; round < 10; round++) {
            String port = String.valueOf(40200 + round);
            Process a = lab.spawn(lab.eimHost, "python3", "-c", SIMULTANEOUS_OPEN, port, lab.eim2Router.address());
            Process b = lab.spawn(lab.eim2Host, "python3", "-c", SIMULTANEOUS_OPEN, port, lab.eimRouter.address());
            try {
                String fromA = new String(a.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                String fromB = new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertTrue(fromA.startsWith("connected ") && fromA.endsWith(" hi"), "round " + round + ", A: " + fromA);
                assertTrue(fromB.startsWith("connected ") && fromB.endsWith(" hi"), "round " + round + ", B: " + fromB);
            } finally {
                a.destroyForcibly();
                b.destroyForcibly();
            }
        }
    }

    @Test
    void closeDeletesEveryNamespace() throws Exception {
        try (NatLab second = NatLab.start()) {
            List<String> names = second.namespaces();
            assertEquals(7, names.size());
            second.close();
            String listed = new String(new ProcessBuilder("ip", "netns", "list").start()
                    .getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            for (String name : names) assertFalse(listed.contains(name), name + " still exists");
        }
    }
}
