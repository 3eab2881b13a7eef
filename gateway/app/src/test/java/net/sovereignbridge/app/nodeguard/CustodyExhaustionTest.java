package net.sovereignbridge.app.nodeguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The custody exhaustion attack from the LAN, on real nodes (SQLite on disk, the LAN transport on 127.0.0.1):
 * a hostile neighbour M, which announced itself like any node, sends B 21 000 forged DATA frames (valid
 * 3-byte prefix, random source, destination and id, one datagram each, about 1000 a second), and a stranger
 * that never announced sends 3000 more from another port. On main B held 20 000 of them for their 7-day time
 * to live and then refused its own users' messages ("custody queue full"), and so did A through B's floods.
 *
 * <p>Now, with the default budgets: B holds 2000 frames from M (its per-neighbour limit), at most 2000 from
 * the stranger (the allowance all unproven senders share) and at most 4000 of unknown origins in all, our own
 * messages on B and A are accepted and delivered
 * during and after the attack, honest relayed traffic of a known origin (C, for D, who is offline) is still
 * taken into custody and handed on when D appears, the refusals are counted and logged a few times rather than
 * per frame, and after a restart of B the accounting is the same and M stays at its limit.
 */
class CustodyExhaustionTest {
    static final int FORGED = 21_000;
    static final int STRANGER = 3_000;
    static final int HONEST = 20;

    @TempDir
    Path dir;

    @Test
    void forgedFramesFromTheLanCannotCrowdOutOwnOrHonestRelayedMessages() throws Exception {
        int portA = LanNode.freeUdpPort();
        int portB = LanNode.freeUdpPort();
        int portC = LanNode.freeUdpPort();
        int portD = LanNode.freeUdpPort();
        int portM = LanNode.freeUdpPort();
        Node.Options options = Node.Options.defaults().withAnnounceInterval(5_000);
        CustodyQueue.Limits limits = options.delivery().custody();
        NodeIdentity idB = NodeIdentity.generate(new SecureRandom());
        NodeIdentity idD = NodeIdentity.generate(new SecureRandom());
        Map<String, Long> before = new ConcurrentHashMap<>();
        LanNode b = LanNode.create(dir.resolve("b"), idB, portB, List.of(portA, portC, portD, portM), options);
        b.node.start();
        try (LanNode a = LanNode.start(dir.resolve("a"), portA, List.of(portB), options);
                LanNode c = LanNode.start(dir.resolve("c"), portC, List.of(portB), options);
                LanNode m = LanNode.start(dir.resolve("m"), portM, List.of(portB), options);
                DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                LanNode.CapturedLog log = new LanNode.CapturedLog()) {
            try {
                LanNode.awaitAcquainted(a, b);
                LanNode.awaitAcquainted(c, b);
                LanNode.awaitAcquainted(m, b);
                LanNode.await("M proven as B's neighbour", 20, () -> b.node.neighbours().isNeighbour(m.endpoint()));
                // C knew D before D went offline: it can seal to D, but nobody has a route to D.
                c.node.peers().learn(idD.publicIdentity(), "d", System.currentTimeMillis() / 1000 - 60,
                        System.currentTimeMillis());
                String fromM = m.endpoint().toString();
                String strangers = "lan:(unproven senders)";

                Random random = new Random(21);
                List<SendResult> ownOfB = new ArrayList<>();
                List<SendResult> ownOfA = new ArrayList<>();
                for (int sent = 0; sent < FORGED; sent += 100) {
                    for (int i = 0; i < 100; i++) {
                        byte[] f = forged(random);
                        m.lan.send(b.endpoint(), f);
                    }
                    if (sent == FORGED / 2) {
                        // In the middle of the attack our own users send, on B and on A.
                        for (int i = 0; i < 5; i++) {
                            ownOfB.add(b.node.send(a.node.address(), text("b during " + i), SendOptions.defaults()));
                            ownOfA.add(a.node.send(b.node.address(), text("a during " + i), SendOptions.defaults()));
                        }
                    }
                    Thread.sleep(50);
                    if (sent % 500 == 400) drained(b); // about 1000 a second, as fast as B takes them in
                }
                for (int sent = 0; sent < STRANGER; sent += 100) {
                    for (int i = 0; i < 100; i++) {
                        byte[] f = forged(random);
                        stranger.send(new DatagramPacket(f, f.length, InetAddress.getLoopbackAddress(), portB));
                    }
                    Thread.sleep(50);
                    if (sent % 500 == 400) drained(b);
                }
                drained(b);
                CustodyQueue bc = b.node.custody();
                LanNode.await("B held what its per-neighbour limit allows from M", 60,
                        () -> pendingFrom(bc, fromM) == limits.relayedPerNeighbour());
                assertTrue(bc.counters().get("NEIGHBOUR_FULL") > 0, bc.status()::toString);
                // The stranger shares the allowance of all unproven senders. The flood's echoes (A, C and M relay
                // B's floods back after B's duplicate memory of 1.5 s) count against A's and C's allowances, and
                // all unknown origins together stay within their share.
                assertTrue(pendingFrom(bc, strangers) <= limits.relayedPerNeighbour(), bc.status()::toString);
                assertTrue(pendingFrom(bc, strangers) + bc.counters().get("UNKNOWN_ORIGINS_FULL") > 0,
                        "the stranger's frames were held or refused as of unknown origin: " + bc.status());
                assertTrue(bc.unknownOriginPendingCount() <= limits.relayedUnknownOrigins(), bc.status()::toString);

                // After the attack: own messages again, and C's honest traffic for D.
                for (int i = 0; i < 5; i++) {
                    ownOfB.add(b.node.send(a.node.address(), text("b after " + i), SendOptions.defaults()));
                    ownOfA.add(a.node.send(b.node.address(), text("a after " + i), SendOptions.defaults()));
                }
                List<SendResult> honest = new ArrayList<>();
                for (int i = 0; i < HONEST; i++) {
                    honest.add(c.node.send(idD.address(), text("c to d " + i), SendOptions.defaults()));
                }
                awaitDelivered(b, ownOfB);
                awaitDelivered(a, ownOfA);
                assertEquals(10, countFrom(a, b.node.address()), "A's inbox holds B's 10 messages");
                assertEquals(10, countFrom(b, a.node.address()), "B's inbox holds A's 10 messages");
                LanNode.await("B holds C's honest frames for D", 30, () -> pending(bc, c.node.address()) == HONEST);

                assertTrue(bc.relayedPendingCount() <= limits.relayedTotal(), "relayed budget: " + bc.status());
                assertTrue(bc.unknownOriginPendingCount() <= limits.relayedUnknownOrigins(), bc.status()::toString);
                assertEquals(0, bc.counters().get("OWN_FULL") + bc.counters().get("OWN_DESTINATION_FULL"));
                // A got B's flood of all of it: it holds what B's allowance permits, and its own users are unaffected.
                CustodyQueue ac = a.node.custody();
                assertTrue(pendingFrom(ac, b.endpoint().toString()) <= limits.relayedPerNeighbour(), ac.status()::toString);
                assertTrue(ac.counters().get("NEIGHBOUR_FULL") > 0, "A refused part of B's flood: " + ac.status());

                List<String> refusals = log.lines().stream().filter(l -> l.contains("not holding a frame")).toList();
                assertTrue(!refusals.isEmpty(), "a refusal is logged");
                assertTrue(refusals.size() <= 30, "rate-limited, not one line per frame: " + refusals.size());

                // D comes back: B hands C's held frames on, D gets every message once, C learns they arrived.
                LanNode d = LanNode.create(dir.resolve("d"), idD, portD, List.of(portB), options);
                d.node.peers().learn(c.identity.publicIdentity(), "c", System.currentTimeMillis() / 1000 - 60,
                        System.currentTimeMillis());
                d.node.start();
                try (d) {
                    LanNode.await("D received C's messages", 60, () -> inboxCount(d) == HONEST);
                    LanNode.await("B's custody of C's frames ended", 30, () -> pending(bc, c.node.address()) == 0);
                    awaitDelivered(c, honest);
                }
                before.put("fromM", pendingFrom(bc, fromM));
                before.put("strangers", pendingFrom(bc, strangers));
                before.put("relayed", bc.relayedPendingCount());
                before.put("unknown", bc.unknownOriginPendingCount());
            } finally {
                b.close();
            }

            // Restart B on its database: the accounting comes back from the table, M is still at its limit.
            LanNode b2 = LanNode.create(dir.resolve("b"), idB, portB, List.of(portA, portC, portD, portM), options);
            b2.node.start();
            try (b2) {
                CustodyQueue bc = b2.node.custody();
                String fromM = m.endpoint().toString();
                assertEquals(limits.relayedPerNeighbour(), pendingFrom(bc, fromM));
                assertEquals(before.get("fromM"), pendingFrom(bc, fromM));
                assertEquals(before.get("strangers"), pendingFrom(bc, "lan:(unproven senders)"));
                assertEquals(before.get("relayed"), bc.relayedPendingCount());
                assertEquals(before.get("unknown"), bc.unknownOriginPendingCount());
                assertEquals(0, bc.ownPendingCount(), "every own message of B was delivered before the restart");
                LanNode.await("M proven again", 30, () -> b2.node.neighbours().isNeighbour(m.endpoint()));
                Random random = new Random(22);
                for (int i = 0; i < 100; i++) m.lan.send(b2.endpoint(), forged(random));
                LanNode.await("B refused M's new frames", 30, () -> bc.counters().get("NEIGHBOUR_FULL") >= 100
                        - b2.transports.counters("lan").drops(DecodeError.RECEIVE_QUEUE_FULL));
                assertEquals(limits.relayedPerNeighbour(), pendingFrom(bc, fromM));
                LanNode.await("B knows A again", 30, () -> b2.node.nextHopFor(a.node.address()).isPresent());
                List<SendResult> after = List.of(b2.node.send(a.node.address(), text("b after restart"),
                        SendOptions.defaults()));
                awaitDelivered(b2, after);
            }
        }
    }

    /** A DATA frame anyone can make: valid prefix, random addresses and id, 40 bytes that look sealed. */
    static byte[] forged(Random random) {
        byte[] destination = new byte[16];
        byte[] source = new byte[16];
        byte[] payload = new byte[40];
        random.nextBytes(destination);
        random.nextBytes(source);
        random.nextBytes(payload);
        return FrameCodec.encode(new MeshFrame(FrameType.DATA, 0, 8, 0, MeshAddress.of(destination),
                MeshAddress.of(source), random.nextInt(), payload));
    }

    /**
     * Waits until B's receive thread has handled everything queued so far (the watchdog's probe: a no-op task
     * behind the queued frames; refused while the queue is full, then tried again).
     */
    static void drained(LanNode n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!n.node.healthy(5_000)) {
            if (System.nanoTime() > deadline) throw new AssertionError("B's receive thread did not catch up in 60 s");
            Thread.sleep(20);
        }
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long pendingFrom(CustodyQueue q, String neighbour) {
        try {
            return q.relayedPendingFrom(neighbour);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    static long pending(CustodyQueue q, MeshAddress origin) {
        try {
            return q.relayedPendingOf(origin);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    static long inboxCount(LanNode n) {
        try {
            return n.node.inbox().count();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    static long countFrom(LanNode n, MeshAddress sender) throws Exception {
        return n.node.inbox().list(0, 1000).stream().filter(msg -> msg.source().equals(sender)).count();
    }

    static void awaitDelivered(LanNode sender, List<SendResult> sent) throws InterruptedException {
        Map<Integer, MessageState> states = new ConcurrentHashMap<>();
        LanNode.await("messages of " + sender.node.address() + " delivered: " + states, 60, () -> {
            for (SendResult s : sent) {
                try {
                    states.put(s.messageId(), sender.node.custody().ownMessage(sender.node.address(), s.messageId())
                            .orElseThrow().state());
                } catch (java.sql.SQLException e) {
                    throw new AssertionError(e);
                }
            }
            return Set.copyOf(states.values()).equals(Set.of(MessageState.DELIVERED));
        });
    }
}
