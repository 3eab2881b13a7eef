package net.sovereignbridge.p2p.mesh.bench;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportState;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.mesh.MeshOverlayTransport;
import net.sovereignbridge.p2p.mesh.MeshStreamCodec;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * Mesh frames per second over {@code /sbridge/mesh/1.0.0} between two hosts on 127.0.0.1: through
 * {@link MeshOverlayTransport} (queue, per-peer writer, the receiving handler) and, as the reference in
 * the same run, the same framing written straight on one stream by the benchmark thread.
 * Arguments: frames per run (default 20000), runs (3). Results: docs/benchmarks.md.
 */
public final class MeshOverlayBench {
    public static void main(String[] args) throws Exception {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (Libp2pHost a = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults());
                Libp2pHost b = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults())) {
            Multiaddr lb = b.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            AtomicLong received = new AtomicLong();
            CountDownLatch[] done = {new CountDownLatch(1)};
            long[] target = {0};
            MeshOverlayTransport tb = new MeshOverlayTransport(b, id -> List.of());
            tb.start(new TransportListener() {
                @Override
                public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality q) {
                    if (received.incrementAndGet() == target[0]) done[0].countDown();
                }

                @Override
                public void onStateChanged(Transport t, TransportState s, String r) {}
            });
            MeshOverlayTransport ta = new MeshOverlayTransport(a, id -> List.of(lb));
            ta.start(new TransportListener() {
                @Override
                public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality q) {}

                @Override
                public void onStateChanged(Transport t, TransportState s, String r) {}
            });
            Endpoint to = new Endpoint("overlay", b.peerId());
            ta.send(to, new byte[] {1}); // connect and open the stream first
            while (received.get() < 1) Thread.sleep(10);
            for (int size : new int[] {200, 4096, MeshOverlayTransport.MTU}) {
                int n = size == MeshOverlayTransport.MTU ? Math.max(200, frames / 50) : frames;
                byte[] frame = new byte[size];
                new SecureRandom().nextBytes(frame);
                List<String> viaTransport = new ArrayList<>();
                List<String> raw = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                    // through the transport: send() until the 1 MiB queue is full, then back off briefly
                    received.set(0);
                    target[0] = n;
                    done[0] = new CountDownLatch(1);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        while (true) {
                            try {
                                ta.send(to, frame);
                                break;
                            } catch (TransportException full) {
                                Thread.onSpinWait();
                            }
                        }
                    }
                    if (!done[0].await(120, TimeUnit.SECONDS)) throw new AssertionError("frames lost: " + received.get() + " of " + n);
                    viaTransport.add(rate(n, size, System.nanoTime() - t0));
                    // reference: the same framing written directly on a fresh stream by this thread
                    received.set(0);
                    done[0] = new CountDownLatch(1);
                    t0 = System.nanoTime();
                    try (P2pStream s = a.newStream(b.peerId(), List.of(MeshOverlayTransport.PROTOCOL))) {
                        byte[] enc = MeshStreamCodec.encode(frame, MeshOverlayTransport.MTU);
                        for (int i = 0; i < n; i++) s.output().write(enc);
                        s.output().flush();
                        if (!done[0].await(120, TimeUnit.SECONDS)) throw new AssertionError("raw frames lost");
                    }
                    raw.add(rate(n, size, System.nanoTime() - t0));
                }
                System.out.println("frame " + size + " B, " + n + " frames: transport " + viaTransport + "  raw stream " + raw);
            }
            ta.stop();
            tb.stop();
        }
    }

    private static String rate(int n, int size, long nanos) {
        double s = nanos / 1e9;
        return String.format(java.util.Locale.ROOT, "%.0f frames/s %.1f MiB/s", n / s, n * (double) size / s / (1 << 20));
    }
}
