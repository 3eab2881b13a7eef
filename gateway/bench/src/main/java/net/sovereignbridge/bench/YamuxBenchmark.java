package net.sovereignbridge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.p2p.connection.InMemoryDuplex;
import net.sovereignbridge.p2p.yamux.YamuxConfig;
import net.sovereignbridge.p2p.yamux.YamuxSession;
import net.sovereignbridge.p2p.yamux.YamuxStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Yamux stream throughput over an in-memory pipe (256 KiB per direction), against the same pipe without
 * Yamux as the reference: what framing, flow control and the thread hand-offs cost, without crypto or
 * sockets. One operation moves 1 MiB (in 64 KiB writes) from one session to the other, so ops/s is MiB/s;
 * with 8 streams the 1 MiB is split into 8 concurrent writers of 128 KiB.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class YamuxBenchmark {
    static final int MIB = 1 << 20;
    static final int WRITE = 64 * 1024;
    static final int PIPE = 256 * 1024;

    /** Counts bytes the receiving side has read; the benchmark thread waits on it. */
    static final class Received {
        private long total;

        synchronized void add(long n) {
            total += n;
            notifyAll();
        }

        synchronized long get() {
            return total;
        }

        synchronized void awaitAtLeast(long target) throws InterruptedException {
            while (total < target) wait();
        }
    }

    static void drain(InputStream in, Received received) {
        byte[] buf = new byte[WRITE];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) received.add(n);
        } catch (IOException closed) {
            // end of the benchmark
        }
    }

    @State(Scope.Benchmark)
    public static class RawPipe {
        InMemoryDuplex[] ends;
        final Received received = new Received();
        final byte[] chunk = new byte[WRITE];
        Thread drainer;

        @Setup(Level.Trial)
        public void setup() {
            ends = InMemoryDuplex.pair(PIPE);
            drainer = new Thread(() -> {
                try {
                    byte[] c;
                    while ((c = ends[1].read()) != null) received.add(c.length);
                } catch (IOException closed) {
                    // end of the benchmark
                }
            }, "raw-drain");
            drainer.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ends[0].close();
            ends[1].close();
        }
    }

    @State(Scope.Benchmark)
    public static class Yamux {
        @Param({"1", "8"})
        int streams;
        YamuxSession client;
        YamuxSession server;
        final List<YamuxStream> out = new ArrayList<>();
        final Received received = new Received();
        final byte[] chunk = new byte[WRITE];
        ExecutorService pool;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            InMemoryDuplex[] ends = InMemoryDuplex.pair(PIPE);
            pool = Executors.newCachedThreadPool();
            client = new YamuxSession(ends[0], true, YamuxConfig.defaults(), s -> s.reset());
            server = new YamuxSession(ends[1], false, YamuxConfig.defaults(),
                    s -> pool.submit(() -> drain(s.input(), received)));
            client.start();
            server.start();
            for (int i = 0; i < streams; i++) out.add(client.openStream());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            client.close();
            server.close();
            pool.shutdownNow();
        }
    }

    @Benchmark
    public long rawPipe1MiB(RawPipe p) throws Exception {
        long target = p.received.get() + MIB;
        for (int off = 0; off < MIB; off += WRITE) p.ends[0].write(p.chunk, 0, WRITE);
        p.received.awaitAtLeast(target);
        return target;
    }

    @Benchmark
    public long yamux1MiB(Yamux y) throws Exception {
        long target = y.received.get() + MIB;
        if (y.streams == 1) {
            for (int off = 0; off < MIB; off += WRITE) y.out.get(0).output().write(y.chunk, 0, WRITE);
        } else {
            int share = MIB / y.streams;
            List<Future<?>> writers = new ArrayList<>();
            for (YamuxStream s : y.out) {
                writers.add(y.pool.submit(() -> {
                    for (int off = 0; off < share; off += Math.min(WRITE, share)) s.output().write(y.chunk, 0, Math.min(WRITE, share));
                    return null;
                }));
            }
            for (Future<?> w : writers) w.get();
        }
        y.received.awaitAtLeast(target);
        return target;
    }
}
