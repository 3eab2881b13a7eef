package net.sovereignbridge.app.nodeguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attacker on the LAN captures datagrams A sent to B (here: as B's transport received them) and resends
 * them from a port of its own, every 2 s and once at once: A's signed announce and a sealed DATA message.
 * Both are authentic, and both are replays. B must keep routing its traffic for A to A's own port: every
 * message B sends meanwhile is delivered on its first attempt, in milliseconds.
 */
class ReplayRouteHijackTest {
    @TempDir
    Path dir;

    @Test
    void replayedAnnouncesAndMessagesFromAnotherPortDoNotMoveTheRoute() throws Exception {
        int portA = LanNode.freeUdpPort();
        int portB = LanNode.freeUdpPort();
        // Default timers: a hop ACK is awaited 400 ms, so a detour through the replayer costs over a second.
        Node.Options options = Node.Options.defaults();
        Map<FrameType, byte[]> captured = new ConcurrentHashMap<>();
        try (LanNode a = LanNode.start(dir.resolve("a"), portA, List.of(portB), options);
                LanNode b = LanNode.start(dir.resolve("b"), portB, List.of(portA), options);
                DatagramSocket replayer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            b.transports.addListener(new TransportListener() {
                @Override
                public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality quality) {
                    if (!from.equals(a.endpoint())) return;
                    Decoded<MeshFrame> d = FrameCodec.decode(frame);
                    if (!d.isOk() || d.value().hopCount() != 0) return;
                    FrameType type = d.value().type();
                    if (type == FrameType.ANNOUNCE || type == FrameType.DATA) captured.putIfAbsent(type, frame.clone());
                }

                @Override
                public void onStateChanged(Transport t, TransportState s, String reason) {}
            });
            LanNode.awaitAcquainted(a, b);
            a.node.send(b.node.address(), "captured on the way".getBytes(StandardCharsets.UTF_8), SendOptions.defaults());
            LanNode.await("an announce and a message of A captured", 35, () -> captured.size() == 2);
            Endpoint realA = a.endpoint();
            assertEquals(realA, b.node.nextHopFor(a.node.address()).orElseThrow());

            List<MessageState> states = new CopyOnWriteArrayList<>();
            Map<Integer, Long> deliveredAt = new ConcurrentHashMap<>();
            b.node.addStateListener(c -> {
                if (c.state() == MessageState.DELIVERED) deliveredAt.put(c.messageId(), System.nanoTime());
            });
            List<SendResult> sent = new ArrayList<>();
            Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
            long end = System.nanoTime() + 12_000_000_000L;
            int round = 0;
            while (System.nanoTime() < end) {
                // Within flood control's memory (a copy) right away, and later as a first sighting again.
                for (byte[] d : captured.values()) {
                    replayer.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), portB));
                }
                Thread.sleep(300);
                assertEquals(realA, b.node.nextHopFor(a.node.address()).orElseThrow(), "next hop after replay " + round);
                long t0 = System.nanoTime();
                SendResult r = b.node.send(a.node.address(), ("round " + round).getBytes(StandardCharsets.UTF_8),
                        SendOptions.defaults());
                sentAt.put(r.messageId(), t0);
                sent.add(r);
                round++;
                Thread.sleep(1_700);
            }
            LanNode.await("every message of B delivered", 10, () -> sent.stream().allMatch(s -> deliveredAt.containsKey(s.messageId())));
            for (SendResult s : sent) {
                long millis = (deliveredAt.get(s.messageId()) - sentAt.get(s.messageId())) / 1_000_000;
                int attempts = b.node.custody().ownMessage(b.node.address(), s.messageId()).orElseThrow().attempts();
                assertEquals(1, attempts, "message " + s.messageId() + " needed " + attempts + " attempts");
                assertTrue(millis < 400, "message " + s.messageId() + " took " + millis + " ms");
            }
            assertTrue(b.node.neighbours().candidates(a.node.address()).stream()
                    .allMatch(h -> h.endpoint().equals(realA)), "A is heard on its own port only: "
                    + b.node.neighbours().candidates(a.node.address()));
            assertTrue(b.node.routes().lookup(a.node.address(), System.currentTimeMillis()).stream()
                    .allMatch(r -> r.via().equals(realA)), "no route through the replayer");
            assertEquals(1, b.node.inbox().count(), "the replayed message was delivered once");
        }
    }
}
