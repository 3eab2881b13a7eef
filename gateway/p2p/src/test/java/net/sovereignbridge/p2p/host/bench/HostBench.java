package net.sovereignbridge.p2p.host.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.StreamTools;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * Loopback figures for docs/benchmarks.md, sbridge and js-libp2p measured in the same run:
 * one-way stream throughput on /sbridge/sink/1.0.0 (send N bytes, half-close, wait for the receiver's
 * SHA-256 of what it got), connection upgrade time (TCP + multistream + Noise + yamux selection), and
 * memory and threads per idle connection. Arguments: [MiB per run, default 128] [runs, default 3].
 */
public final class HostBench {
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long bytes = (long) mib << 20;
        System.out.printf("java %s, %d cores, %d MiB per run, %d runs (median reported)%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), mib, runs);

        try (Libp2pHost a = host(); Libp2pHost b = host(); JsLibp2pPeer jsA = JsLibp2pPeer.start(); JsLibp2pPeer jsB = JsLibp2pPeer.start(Map.of("connectionManager", Map.of("inboundConnectionThreshold", 100000)))) {
            b.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Multiaddr bAddr = b.fullListenAddrs().get(0);
            a.dial(bAddr);
            jsA.call("dial", "addr", jsB.tcpAddr());
            a.dial(Multiaddr.parse(jsB.tcpAddr()));

            // warm-up (JIT), not reported
            sbridgeSend(a, b.peerId(), 64L << 20);

            List<Double> ss = new ArrayList<>();
            List<Double> jj = new ArrayList<>();
            List<Double> sj = new ArrayList<>();
            List<Double> js = new ArrayList<>();
            jsA.call("dial", "addr", bAddr.toString());
            for (int i = 0; i < runs; i++) {
                ss.add(sbridgeSend(a, b.peerId(), bytes));
                jj.add(jsSend(jsA, jsB.peerId(), bytes));
                sj.add(sbridgeSend(a, jsB.peerId(), bytes));
                js.add(jsSend(jsA, b.peerId(), bytes));
            }
            System.out.printf("throughput MiB/s  sbridge->sbridge %s  js->js %s  sbridge->js %s  js->sbridge %s%n",
                    median(ss), median(jj), median(sj), median(js));
            System.out.printf("  runs: ss=%s jj=%s sj=%s js=%s%n", ss, jj, sj, js);

            // handshake: fresh connection each time, closed after the upgrade (identify not waited for)
            int n = 50;
            Multiaddr bPlain = bAddr.withoutPeerId();
            for (int i = 0; i < 10; i++) a.dial(bPlain).close();
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                long s0 = System.nanoTime();
                Connection c = a.dial(bPlain);
                t[i] = (System.nanoTime() - s0) / 1e6;
                c.close();
            }
            Arrays.sort(t);
            String jsTcpPlain = jsB.tcpAddr().substring(0, jsB.tcpAddr().indexOf("/p2p/"));
            jsA.call("handshakes", "addr", jsTcpPlain, "count", 10);
            Map<String, Object> jh = jsA.call("handshakes", "addr", jsTcpPlain, "count", n);
            System.out.printf("handshake ms (median of %d)  sbridge->sbridge %.2f  js->js %.2f%n", n, t[n / 2], ((Number) jh.get("medianMs")).doubleValue());
        }

        idleConnections(200);
        jsIdleConnections(200);
    }

    /** The same for js-libp2p: two Node processes, RSS and V8 heap (after gc) before and after. */
    static void jsIdleConnections(int count) throws Exception {
        Map<String, Object> many = Map.of("connectionManager", Map.of("inboundConnectionThreshold", 100000, "maxConnections", count + 50,
                "maxIncomingPendingConnections", count + 50));
        try (JsLibp2pPeer a = JsLibp2pPeer.start(many); JsLibp2pPeer b = JsLibp2pPeer.start(many)) {
            String bPlain = b.tcpAddr().substring(0, b.tcpAddr().indexOf("/p2p/"));
            a.call("openConnections", "addr", bPlain, "count", 1);
            Thread.sleep(2000);
            long[] before = jsMemory(a, b);
            a.call(java.time.Duration.ofMinutes(5), "openConnections", "addr", bPlain, "count", count);
            Thread.sleep(3000); // identify on both sides
            long[] after = jsMemory(a, b);
            System.out.printf("js idle connections: %d; per connection end: V8 heap %.1f KiB, RSS %.1f KiB%n",
                    count, (after[0] - before[0]) / 1024.0 / (2 * count), (after[1] - before[1]) / 1024.0 / (2 * count));
        }
    }

    static long[] jsMemory(JsLibp2pPeer a, JsLibp2pPeer b) throws IOException {
        Map<String, Object> ma = a.call("memory");
        Map<String, Object> mb = b.call("memory");
        return new long[] {((Number) ma.get("heapUsed")).longValue() + ((Number) mb.get("heapUsed")).longValue(),
                ((Number) ma.get("rss")).longValue() + ((Number) mb.get("rss")).longValue()};
    }

    static Libp2pHost host() {
        Libp2pHost h = StreamTools.echoHost();
        h.setHandler(StreamTools.SINK, StreamTools::sink);
        return h;
    }

    /** MiB/s of one sink stream from {@code from} to {@code to}. */
    static double sbridgeSend(Libp2pHost from, String to, long bytes) throws Exception {
        byte[] chunk = new byte[64 * 1024];
        new Random(1).nextBytes(chunk);
        MessageDigest d = StreamTools.sha256();
        long start = System.nanoTime();
        try (P2pStream s = from.newStream(to, List.of(StreamTools.SINK))) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                int n = (int) Math.min(left, chunk.length);
                d.update(chunk, 0, n);
                s.output().write(chunk, 0, n);
            }
            s.output().flush();
            s.closeWrite();
            byte[] answer = s.input().readNBytes(32);
            double secs = (System.nanoTime() - start) / 1e9;
            if (!Arrays.equals(answer, d.digest())) throw new IOException("sink digest differs");
            return round(bytes / 1048576.0 / secs);
        }
    }

    static double jsSend(JsLibp2pPeer js, String to, long bytes) throws IOException {
        Map<String, Object> r = js.call(java.time.Duration.ofMinutes(5), "throughput", "peer", to, "bytes", bytes);
        return round(((Number) r.get("mbPerSecond")).doubleValue());
    }

    /** Heap (after GC), threads and resident memory per idle connection (both ends are in this JVM). */
    static void idleConnections(int count) throws Exception {
        try (Libp2pHost a = host(); Libp2pHost b = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new SecureRandom()),
                HostConfig.defaults().withMaxConnections(count + 10))) {
            Multiaddr addr = b.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            a.dial(addr).identified().get();
            settle();
            long heap0 = heap();
            int threads0 = Thread.activeCount();
            long rss0 = rssKib();
            List<Connection> cs = new ArrayList<>();
            for (int i = 0; i < count; i++) cs.add(a.dial(addr));
            for (Connection c : cs) c.identified().get();
            settle();
            long heap1 = heap();
            int threads1 = Thread.activeCount();
            long rss1 = rssKib();
            System.out.printf("idle connections: %d (both ends in one JVM); per connection end: heap %.1f KiB, threads %.1f, RSS %.1f KiB%n",
                    count, (heap1 - heap0) / 1024.0 / (2 * count), (threads1 - threads0) / (2.0 * count), (rss1 - rss0) / (2.0 * count));
        }
    }

    static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
        }
    }

    static long heap() {
        var m = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return m.getUsed();
    }

    static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        return -1;
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
