package net.sovereignbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 3's goal: the persisted store-and-forward queue takes at least 5 000 messages per second. Each
 * operation is one committed transaction (WAL, synchronous=NORMAL) holding a 259-byte sealed frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class CustodyBenchmark {
    private Database db;
    private CustodyQueue queue;
    private Path dir;
    private final MeshAddress me = MeshAddress.parse("00000000000000000000000000000001");
    private final byte[] frame = new byte[259];
    private int id;
    private int destination;

    @Setup(Level.Iteration)
    public void setup() throws Exception {
        dir = Files.createTempDirectory("custody-bench");
        db = Database.open(dir);
        queue = new CustodyQueue(db, new CustodyQueue.Limits(Integer.MAX_VALUE, 1_000, 10_000, 2_000, 500, 4_000));
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws Exception {
        db.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public Object acceptOne() throws Exception {
        byte[] d = new byte[16];
        int n = destination++ % 10_000;
        d[14] = (byte) (n >>> 8);
        d[15] = (byte) n;
        return queue.acceptOwn(MeshAddress.of(d), me, id++, 1, frame, 0, 1_000, 60_000, MessageState.QUEUED,
                TrafficOrigin.LOCAL);
    }
}
