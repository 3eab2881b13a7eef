package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.AnnounceBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LAN reflection attack against a real daemon: an attacker sends 500 datagrams from 500 new source ports,
 * four times over: one byte with the mesh frame version, an announce whose signature is forged, one captured
 * announce replayed from every port, and 500 announces of 500 fresh (validly signed) identities. What the
 * attacker's ports get back (replies, bytes) and the neighbours the daemon lists stay within the announce
 * reply limits; an honest daemon that starts afterwards is a neighbour as soon as its announce arrives, and a
 * message goes through. The figures (bytes back per byte sent) are printed for docs/benchmarks.md.
 */
class LanReflectionDaemonTest {
    static final int PORTS = 500;
    /** Announce replies a node sends in a burst and per second, in total (mesh.node.AnnounceReplies). */
    static final int REPLY_BURST = 32;
    static final int REPLIES_PER_SECOND = 8;

    @TempDir
    Path dir;

    private final SecureRandom random = new SecureRandom();
    private final InetAddress lo = InetAddress.getLoopbackAddress();

    /** What one phase of the attack cost and brought back. */
    record Outcome(String what, int received, long bytesIn, int replies, long bytesOut, long seconds, int neighbours) {
        double amplification() {
            return bytesIn == 0 ? 0 : (double) bytesOut / bytesIn;
        }

        @Override
        public String toString() {
            return String.format("%s: %d datagrams received, %d bytes in, %d replies, %d bytes back (x%.2f), %d new "
                    + "neighbours, %d s", what, received, bytesIn, replies, bytesOut, amplification(), neighbours, seconds);
        }
    }

    @Test
    void strangersFromNewPortsGetNoRepliesBeyondTheLimitAndCreateNoNeighbours() throws Exception {
        int discovery = Daemon.freeUdpPort();
        int portB = Daemon.freeUdpPort();
        int portA = Daemon.freeUdpPort();
        Path cfgB = Daemon.loopbackConfig(dir, "b", discovery, false);
        try (Daemon b = Daemon.start(dir.resolve("b"), portB, cfgB)) {
            byte[] oneByte = {(byte) (MeshFrame.VERSION << 4)};
            Outcome garbage = attack(b, "one byte", i -> oneByte);
            Outcome forged = attack(b, "forged announce", i -> forgedAnnounce());
            byte[] captured = announce(NodeIdentity.generate(random));
            Outcome replayed = attack(b, "replayed announce", i -> captured);
            Outcome sybils = attack(b, "fresh identities", i -> announce(NodeIdentity.generate(random)));
            for (Outcome o : List.of(garbage, forged, replayed, sybils)) System.out.println("reflection " + o);

            assertEquals(0, garbage.replies(), garbage.toString());
            assertEquals(0, garbage.neighbours(), "no neighbour from a byte: " + garbage);
            assertEquals(0, forged.replies(), forged.toString());
            assertEquals(0, forged.neighbours(), "no neighbour from a forged signature: " + forged);
            assertTrue(replayed.replies() <= 1, "its first copy is news, the others are replays: " + replayed);
            assertTrue(replayed.neighbours() <= 1, "at most the port of the first copy: " + replayed);
            long bound = REPLY_BURST + REPLIES_PER_SECOND * (sybils.seconds() + 1);
            assertTrue(sybils.replies() <= bound, sybils + ": at most " + bound + " replies");
            assertTrue(sybils.amplification() <= 1.2, "no more bytes back than sent: " + sybils);
            assertTrue(sybils.neighbours() <= PORTS, "one neighbour per verified identity at most: " + sybils);
            Map<?, ?> counted = (Map<?, ?>) b.status().get("announceReplies");
            assertTrue(((Number) counted.get("refused")).longValue() > 0, "the limit refused replies: " + counted);
            assertTrue(b.alive());

            // An honest gateway after the attack: a neighbour of B from its first announce, and B of it.
            Path cfgA = Daemon.loopbackConfig(dir, "a", discovery, false, "127.0.0.1:" + portB);
            try (Daemon a = Daemon.start(dir.resolve("a"), portA, cfgA)) {
                String addressA = a.address();
                String addressB = b.address();
                Daemon.await("B to list A as a neighbour", 30, () -> isNeighbour(b.status(), addressA));
                Daemon.await("A to list B as a neighbour", 60, () -> isNeighbour(a.status(), addressB));
                assertEquals(0, a.cliHere("send", addressB, "through the flood").exit());
                Daemon.await("the message in B's inbox", 60,
                        () -> b.cliHere("inbox", "--json").out().contains("through the flood"));
            }
        }
    }

    /**
     * Sends one datagram from each of {@link #PORTS} new ports (paced a little: a burst of 500 overflows a
     * loaded daemon's socket buffer, and what the kernel drops is no attack on B), waits until B has handled
     * what it received and sent its replies, and counts what came back. Bytes in are what B received (its
     * status), not what was sent.
     */
    private Outcome attack(Daemon b, String what, IntFunction<byte[]> datagram) throws Exception {
        Map<String, Object> before = lan(b.status());
        List<DatagramSocket> sockets = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < PORTS; i++) {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(lo, 0));
                sockets.add(s);
                byte[] d = datagram.apply(i);
                s.send(new DatagramPacket(d, d.length, lo, b.lanPort));
                if (i % 25 == 24) Thread.sleep(5);
            }
            long[] probes = awaitQuiet(b);
            long seconds = Math.max(1, (System.nanoTime() - t0) / 1_000_000_000L);
            int replies = 0;
            long bytesOut = 0;
            byte[] buf = new byte[2048];
            for (DatagramSocket s : sockets) {
                s.setSoTimeout(1);
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    replies++;
                    bytesOut += p.getLength();
                }
            }
            Map<String, Object> after = lan(b.status());
            int received = (int) (number(after, "framesIn") - number(before, "framesIn") - probes[0]);
            long bytesIn = number(after, "bytesIn") - number(before, "bytesIn") - probes[1];
            int neighbours = (int) (number(after, "neighbours") - number(before, "neighbours") - probes[0]);
            assertTrue(received >= PORTS / 2, what + ": B received only " + received + " of " + PORTS);
            return new Outcome(what, received, bytesIn, replies, bytesOut, seconds, neighbours);
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
    }

    /**
     * Waits until B has handled what it received so far and its replies have left: B answers a probe (an
     * announce of a fresh identity from a new port) after them, since it handles frames in order and sends its
     * replies in order. The reply limit may refuse a probe while it is used up: then a new probe from another
     * port after a second. Returns the number of probes and their bytes; each probe port is a neighbour of B
     * now (a verified announce came from it).
     */
    private long[] awaitQuiet(Daemon b) throws Exception {
        long bytes = 0;
        for (int attempt = 1; attempt <= 30; attempt++) {
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(lo, 0))) {
                probe.setSoTimeout(1000);
                byte[] d = announce(NodeIdentity.generate(random));
                probe.send(new DatagramPacket(d, d.length, lo, b.lanPort));
                bytes += d.length;
                try {
                    probe.receive(new DatagramPacket(new byte[2048], 2048));
                    return new long[] {attempt, bytes};
                } catch (SocketTimeoutException e) {
                    // refused by the limit, or not handled yet: another probe
                }
            }
        }
        throw new AssertionError("B never answered a probe announce");
    }

    private byte[] announce(NodeIdentity id) {
        AnnounceBody body = new AnnounceBody(id.publicIdentity(), System.currentTimeMillis() / 1000, "n", null);
        return FrameCodec.encode(SignedFrames.sign(id, FrameType.ANNOUNCE, null, random.nextInt(), 1, body.encode()));
    }

    /** An announce of a fresh identity whose last 64 bytes (the signature) are random. */
    private byte[] forgedAnnounce() {
        byte[] a = announce(NodeIdentity.generate(random));
        byte[] sig = new byte[SignedFrames.SIGNATURE_LENGTH];
        random.nextBytes(sig);
        System.arraycopy(sig, 0, a, a.length - sig.length, sig.length);
        return a;
    }

    private static Map<String, Object> lan(Map<String, Object> status) {
        for (Object t : (List<?>) status.get("transports")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) t;
            if ("lan".equals(m.get("id"))) return m;
        }
        throw new AssertionError("no lan transport in " + status);
    }

    private static long number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? 0 : ((Number) v).longValue();
    }

    private static boolean isNeighbour(Map<String, Object> status, String address) {
        return ((List<?>) status.get("peers")).stream().map(p -> (Map<?, ?>) p)
                .anyMatch(p -> address.equals(p.get("address")) && Boolean.TRUE.equals(p.get("neighbour")));
    }
}
