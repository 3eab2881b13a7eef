package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.mesh.frame.Fragmenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 2's "done when": real daemons, real CLI, real UDP on loopback. */
class TwoGatewaysTest {
    @TempDir
    Path dir;

    @Test
    void twoDaemonsExchangeAMessageThroughTheCli() throws Exception {
        int discovery = Daemon.freeUdpPort();
        int portA = Daemon.freeUdpPort();
        int portB = Daemon.freeUdpPort();
        try (Daemon a = Daemon.start(dir.resolve("a"), portA, Daemon.loopbackConfig(dir, "alpha", discovery, true));
                Daemon b = Daemon.start(dir.resolve("b"), portB, Daemon.loopbackConfig(dir, "bravo", discovery, true))) {
            assertTrue(a.output().contains("did:key:z6Mk"), a.output());
            String addressB = b.address();
            Daemon.await("A to learn B from its multicast announce", 45, () -> Daemon.knowsPeer(addressB).test(a.status()));

            Daemon.Result sent = a.cliHere("send", addressB, "hello from alpha");
            assertEquals(ExitCodes.OK, sent.exit(), sent.toString());
            assertTrue(sent.out().contains(" sent to " + addressB), sent.out());

            String addressA = a.address();
            Daemon.await("the message in B's inbox", 45, () -> inboxTexts(b).contains("hello from alpha"));
            Map<?, ?> msg = (Map<?, ?>) ((List<?>) b.cliHere("inbox", "--json").json().get("messages")).get(0);
            assertEquals(addressA, msg.get("from"));
            assertEquals("lan", msg.get("transport"));

            assertEquals(143, b.terminate(), "SIGTERM must stop the daemon through its shutdown hook");
            try (Daemon b2 = Daemon.start(dir.resolve("b"), portB, Daemon.loopbackConfig(dir, "bravo", discovery, true))) {
                assertTrue(inboxTexts(b2).contains("hello from alpha"), "inbox must survive a restart");
            }
        }
    }

    @Test
    void plaintextNeverCrossesTheWireAndBadDatagramsAreCountedNotFatal() throws Exception {
        int portA = Daemon.freeUdpPort();
        int portB = Daemon.freeUdpPort();
        int discovery = Daemon.freeUdpPort();
        try (UdpRecorder wire = new UdpRecorder(portA, portB)) {
            String relay = "127.0.0.1:" + wire.port();
            try (Daemon a = Daemon.start(dir.resolve("a"), portA, Daemon.loopbackConfig(dir, "alpha", discovery, false, relay));
                    Daemon b = Daemon.start(dir.resolve("b"), portB, Daemon.loopbackConfig(dir, "bravo", discovery, false, relay))) {
                String addressA = a.address();
                String addressB = b.address();
                Daemon.await("A to learn B through the relay", 45, () -> Daemon.knowsPeer(addressB).test(a.status()));

                // Hostile and broken datagrams straight at B's port.
                byte[][] junk = {
                    {}, {0x11}, {0x21, 0, 0, 0, 0}, {0x17, 0, 0}, {0x11, (byte) 0x80, 0},
                    {0x1F, 0, 1, 0, 2}, {0x1F, 0, 1, 5, 2, 1, 2, 3},
                    new byte[1300],
                    notForUs(addressA, 0x11), notForUs(addressA, 0x80)};
                try (DatagramSocket s = new DatagramSocket()) {
                    for (byte[] j : junk) s.send(new DatagramPacket(j, j.length, InetAddress.getLoopbackAddress(), portB));
                }

                String secret = "the key is under the third solar panel";
                Daemon.Result sent = a.cliHere("send", addressB, secret);
                assertEquals(ExitCodes.OK, sent.exit(), sent.toString());
                Daemon.await("the message in B's inbox", 45, () -> inboxTexts(b).contains(secret));

                byte[] plain = secret.getBytes(StandardCharsets.UTF_8);
                assertFalse(wire.datagrams.isEmpty());
                for (byte[] d : wire.datagrams) assertFalse(contains(d, plain), "plaintext seen on the wire");

                Map<?, ?> lan = (Map<?, ?>) ((List<?>) b.status().get("transports")).stream()
                        .filter(t -> "lan".equals(((Map<?, ?>) t).get("id"))).findFirst().orElseThrow();
                Map<?, ?> drops = (Map<?, ?>) lan.get("drops");
                assertTrue(drops.containsKey("TRUNCATED") && drops.containsKey("UNKNOWN_VERSION")
                        && drops.containsKey("UNKNOWN_TYPE") && drops.containsKey("BAD_FLAGS")
                        && drops.containsKey("FRAGMENT_INCONSISTENT") && drops.containsKey("OVERSIZE")
                        && drops.containsKey("HOP_LIMIT"), "drops: " + drops);
                // The well-formed frame for an unknown third node with hops left is held for it (store-and-forward).
                assertTrue(((Number) b.status().get("custodyPending")).longValue() >= 1, "frame for another node not held");
                assertTrue(b.alive());
            }
        }
    }

    @Test
    void keyFileReadableByOthersStopsTheDaemonWithExitCode3() throws Exception {
        Path state = dir.resolve("s");
        assertEquals(0, Daemon.cli("identity", "--state-dir", state.toString()).exit());
        Files.setPosixFilePermissions(state.resolve("identity.key"), PosixFilePermissions.fromString("rw-r--r--"));
        Daemon.Result r = Daemon.cli("run", "--state-dir", state.toString(), "--lan-port", "0");
        assertEquals(ExitCodes.IDENTITY, r.exit(), r.toString());
        assertTrue(r.err().contains("identity.key") && r.err().contains("chmod 600"), r.err());
    }

    @Test
    void corruptKeyFileStopsTheDaemonWithExitCode3() throws Exception {
        Path state = dir.resolve("c");
        assertEquals(0, Daemon.cli("identity", "--state-dir", state.toString()).exit());
        Files.write(state.resolve("identity.key"), new byte[] {1, 2, 3}); // keeps its 0600 mode
        Daemon.Result r = Daemon.cli("run", "--state-dir", state.toString(), "--lan-port", "0");
        assertEquals(ExitCodes.IDENTITY, r.exit(), r.toString());
        assertTrue(r.err().contains("identity.key") && r.err().contains("corrupt"), r.err());
    }

    @Test
    void sendWithoutDaemonSaysSo() throws Exception {
        Daemon.Result r = Daemon.cli("send", "--state-dir", dir.resolve("none").toString(),
                "00112233445566778899aabbccddeeff", "hi");
        assertEquals(ExitCodes.FAILED, r.exit());
        assertTrue(r.err().contains("no sbridge daemon is running"), r.err());
        r = Daemon.cli("send", "--state-dir", dir.toString(), "not-an-address", "hi");
        assertEquals(ExitCodes.CONFIG, r.exit());
        assertTrue(r.err().contains("mesh address"), r.err());
    }

    /** A well-formed DATA frame for some other node, arriving from outside, with the given hop byte. */
    private static byte[] notForUs(String someone, int hops) {
        byte[] f = new byte[3 + 16 + 16 + 4 + 20];
        f[0] = 0x11;
        f[2] = (byte) hops;
        byte[] other = java.util.HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");
        System.arraycopy(other, 0, f, 3, 16);
        System.arraycopy(java.util.HexFormat.of().parseHex(someone), 0, f, 19, 16);
        f[38] = (byte) hops; // a distinct message id per frame
        assertFalse(Fragmenter.isFragment(f));
        return f;
    }

    @SuppressWarnings("unchecked")
    private static List<String> inboxTexts(Daemon d) throws Exception {
        Daemon.Result r = d.cliHere("inbox", "--json");
        if (r.exit() != 0) return List.of();
        return ((List<Object>) r.json().get("messages")).stream().map(m -> (String) ((Map<String, Object>) m).get("text"))
                .toList();
    }

    /** Byte search: ISO-8859-1 maps every byte to exactly one char. */
    private static boolean contains(byte[] haystack, byte[] needle) {
        return new String(haystack, java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains(new String(needle, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
