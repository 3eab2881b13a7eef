package net.sovereignbridge.p2p.mesh;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportConformance;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportState;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

/**
 * The overlay transport against the conformance suite: two real hosts on loopback TCP, the peer's side another
 * overlay transport; the stranger a third host that writes raw bytes on mesh streams. A neighbour here is a
 * connected peer whose identify lists the mesh protocol, so "falls silent" is the end of the connection.
 */
class MeshOverlayTransportConformanceTest extends TransportConformance {
    static final Duration PING_INTERVAL = Duration.ofMillis(100);

    private MeshOverlayTransport overlay;
    private Libp2pHost peerHost;

    private static Libp2pHost host() {
        return net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults());
    }

    @Override
    protected Medium medium() throws Exception {
        Libp2pHost a = host();
        Libp2pHost b = host();
        Libp2pHost evil = host();
        Multiaddr la = a.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        Multiaddr lb = b.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        overlay = new MeshOverlayTransport(a, id -> id.equals(b.peerId()) ? List.of(lb) : List.of(), PING_INTERVAL);
        peerHost = b;
        MeshOverlayTransport tb = new MeshOverlayTransport(b, id -> id.equals(a.peerId()) ? List.of(la) : List.of());
        LinkedBlockingQueue<byte[]> atPeer = new LinkedBlockingQueue<>();
        tb.start(new TransportListener() {
            @Override
            public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality q) {
                atPeer.add(frame);
            }

            @Override
            public void onStateChanged(Transport t, TransportState s, String reason) {}
        });
        Multiaddr aFull = a.fullListenAddrs().get(0);
        return new Medium() {
            @Override
            public Transport transport() {
                return overlay;
            }

            @Override
            public Endpoint peer() {
                return new Endpoint("overlay", b.peerId());
            }

            @Override
            public Endpoint peerSends(byte[] frame) throws Exception {
                tb.send(new Endpoint("overlay", a.peerId()), frame);
                return peer();
            }

            @Override
            public byte[] peerReceives(Duration within) throws Exception {
                return atPeer.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public List<byte[]> hostileInputs() {
                byte[] overLimit = new byte[103];
                overLimit[0] = (byte) 0x81; // a length prefix of 65025: one over the MTU
                overLimit[1] = (byte) 0xfc;
                overLimit[2] = 0x03;
                return List.of(overLimit, new byte[] {0}, new byte[] {(byte) 0x80, 0x00, 1}, new byte[] {5, 1, 2});
            }

            /** One raw write on a fresh mesh stream; returns once the transport has ended or reset that stream. */
            @Override
            public void strangerSends(byte[] raw) throws Exception {
                try (P2pStream s = evil.newStream(aFull, List.of(MeshOverlayTransport.PROTOCOL))) {
                    s.output().write(raw);
                    s.output().flush();
                    s.closeWrite();
                    CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
                        try {
                            while (s.input().read() >= 0) { /* until end or reset */ }
                        } catch (IOException e) {
                            // reset: handled
                        }
                    });
                    ended.get(10, TimeUnit.SECONDS);
                }
            }

            @Override
            public void peerFallsSilent() throws Exception {
                b.connection(a.peerId()).orElseThrow().close();
            }

            @Override
            public void close() {
                tb.stop();
                evil.close();
                b.close();
                a.close();
            }
        };
    }

    /** The periodic ping comes back with a restart (it used to stay off: its executor was shut down for good). */
    @Test
    void pingsResumeAfterARestart() throws Exception {
        transport.start(events);
        Endpoint peer = medium.peerSends(frame(10, 1));
        awaitNeighbour(peer);
        transport.stop();
        transport.start(events);
        awaitNeighbour(peer);
        long before = overlay.pings();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (overlay.pings() < before + 5 && System.nanoTime() < end) Thread.sleep(20);
        assertTrue(overlay.pings() >= before + 5,
                "pings every " + PING_INTERVAL.toMillis() + " ms after the restart: " + (overlay.pings() - before));
        assertTrue(overlay.rttMillis(peerHost.peerId()) >= 0, "an RTT measured");
    }

    private void awaitNeighbour(Endpoint peer) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (transport.neighbours().stream().noneMatch(n -> n.endpoint().equals(peer))) {
            if (System.nanoTime() > end) throw new AssertionError("no neighbour " + peer);
            Thread.sleep(20);
        }
    }
}
