package net.sovereignbridge.p2p.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportState;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

/** The overlay mesh transport between two real hosts on loopback TCP, and against a hostile stream. */
class MeshOverlayTransportTest {
    record Received(Endpoint from, byte[] frame, LinkQuality quality) {}

    static final class Recorder implements TransportListener {
        final BlockingQueue<Received> frames = new LinkedBlockingQueue<>();
        final Map<String, Boolean> neighbours = new ConcurrentHashMap<>();

        @Override
        public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality q) {
            frames.add(new Received(from, frame, q));
        }

        @Override
        public void onStateChanged(Transport t, TransportState s, String reason) {}

        @Override
        public void onNeighbour(Transport t, Neighbour n, boolean up) {
            neighbours.put(n.endpoint().value(), up);
        }
    }

    private static Libp2pHost host() {
        return net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults());
    }

    private static void await(String what, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (!ok.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new AssertionError("timed out: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void framesBothWaysBroadcastNeighboursAndRtt() throws Exception {
        try (Libp2pHost a = host(); Libp2pHost b = host()) {
            Multiaddr la = a.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            MeshOverlayTransport ta = new MeshOverlayTransport(a, id -> List.of());
            // b knows a's address only from its address book: the first send dials
            MeshOverlayTransport tb = new MeshOverlayTransport(b, id -> id.equals(a.peerId()) ? List.of(la) : List.of());
            Recorder ra = new Recorder();
            Recorder rb = new Recorder();
            ta.start(ra);
            tb.start(rb);
            assertEquals(TrafficOrigin.INTERNET, ta.receivedOrigin());
            assertEquals(MeshOverlayTransport.MTU, ta.profile().mtu());

            byte[] big = new byte[MeshOverlayTransport.MTU];
            new SecureRandom().nextBytes(big);
            tb.send(new Endpoint("overlay", a.peerId()), new byte[] {1, 2, 3});
            tb.send(new Endpoint("overlay", a.peerId()), big);
            Received r1 = ra.frames.poll(10, TimeUnit.SECONDS);
            Received r2 = ra.frames.poll(10, TimeUnit.SECONDS);
            assertArrayEquals(new byte[] {1, 2, 3}, r1.frame());
            assertEquals(new Endpoint("overlay", b.peerId()), r1.from());
            assertArrayEquals(big, r2.frame(), "the largest frame arrives whole, in order");

            await("both sides see a mesh neighbour", () -> ta.neighbours().size() == 1 && tb.neighbours().size() == 1);
            // identify's thread lists the neighbour before it tells the listener: wait for the event too
            await("a's listener heard b come up", () -> Boolean.TRUE.equals(ra.neighbours.get(b.peerId())));
            await("an RTT from the first ping", () -> ta.rttMillis(b.peerId()) >= 0 && tb.rttMillis(a.peerId()) >= 0);
            assertTrue(ta.neighbours().get(0).quality().rttMillis() >= 0);

            // a broadcast goes to every mesh neighbour
            ta.send(Endpoint.broadcast("overlay"), new byte[] {9});
            assertArrayEquals(new byte[] {9}, rb.frames.poll(10, TimeUnit.SECONDS).frame());
            // 200 frames in order over the one stream
            for (int i = 0; i < 200; i++) ta.send(new Endpoint("overlay", b.peerId()), new byte[] {(byte) i, 7});
            for (int i = 0; i < 200; i++) assertEquals((byte) i, rb.frames.poll(10, TimeUnit.SECONDS).frame()[0]);

            assertThrows(TransportException.class, () -> ta.send(new Endpoint("overlay", b.peerId()), new byte[MeshOverlayTransport.MTU + 1]));
            assertThrows(TransportException.class, () -> ta.send(new Endpoint("overlay", "not-a-peer-id"), new byte[] {1}));

            // the connection ends: the neighbour goes down
            a.connection(b.peerId()).orElseThrow().close();
            await("neighbour down on both sides", () -> ta.neighbours().isEmpty() && tb.neighbours().isEmpty());
            assertEquals(Boolean.FALSE, ra.neighbours.get(b.peerId()));
            ta.stop();
            tb.stop();
            assertThrows(TransportException.class, () -> ta.send(new Endpoint("overlay", b.peerId()), new byte[] {1}));
        }
    }

    @Test
    void anOversizedOrMalformedFrameResetsThatStreamOnly() throws Exception {
        try (Libp2pHost a = host(); Libp2pHost evil = host()) {
            Multiaddr la = a.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            MeshOverlayTransport ta = new MeshOverlayTransport(a, id -> List.of());
            Recorder ra = new Recorder();
            ta.start(ra);
            Multiaddr full = a.fullListenAddrs().get(0);
            // a length prefix over the MTU: reset before the body is read
            try (P2pStream s = evil.newStream(full, List.of(MeshOverlayTransport.PROTOCOL))) {
                OutputStream out = s.output();
                out.write(new byte[] {(byte) 0x81, (byte) 0xfc, 0x03}); // 65025
                out.write(new byte[100]);
                out.flush();
                assertThrows(java.io.IOException.class, () -> {
                    while (s.input().read() >= 0) { /* until the reset */ }
                    throw new java.io.IOException("ended");
                });
            }
            // a zero-length frame on another stream, after a good one
            try (P2pStream s = evil.newStream(full, List.of(MeshOverlayTransport.PROTOCOL))) {
                s.output().write(new byte[] {2, 5, 6, 0});
                s.output().flush();
                Received r = ra.frames.poll(10, TimeUnit.SECONDS);
                assertArrayEquals(new byte[] {5, 6}, r.frame());
            }
            // the connection and the transport carry on: a good stream still delivers
            try (P2pStream s = evil.newStream(full, List.of(MeshOverlayTransport.PROTOCOL))) {
                s.output().write(MeshStreamCodec.encode(new byte[] {42}, MeshOverlayTransport.MTU));
                s.output().flush();
                assertArrayEquals(new byte[] {42}, ra.frames.poll(10, TimeUnit.SECONDS).frame());
            }
            assertTrue(evil.connection(a.peerId()).orElseThrow().isOpen());
            assertTrue(ra.frames.isEmpty(), "nothing of the bad frames reached the node");
            assertTrue(la != null);
        }
    }
}
