package net.sovereignbridge.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.envelope.Envelope;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 2's goal: at least 20 000 sealed messages per second on one core. One thread, 200-byte messages,
 * the per-peer key already derived (as in steady state: the node caches it per peer).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class EnvelopeBenchmark {
    private Envelope alice;
    private Envelope bob;
    private NodeIdentity aliceId;
    private NodeIdentity bobId;
    private byte[] message;
    private byte[] sealedWire;
    private MeshFrame sealedFrame;
    private int id;

    @Setup
    public void setup() {
        byte[] s1 = new byte[32];
        Arrays.fill(s1, (byte) 1);
        byte[] s2 = new byte[32];
        Arrays.fill(s2, (byte) 2);
        aliceId = NodeIdentity.fromSeed(s1);
        bobId = NodeIdentity.fromSeed(s2);
        alice = new Envelope(aliceId);
        bob = new Envelope(bobId);
        message = new byte[200];
        sealedFrame = alice.seal(FrameType.DATA, bobId.publicIdentity(), 1, 1_790_000_000L, 0, 8, message);
        sealedWire = FrameCodec.encode(sealedFrame);
        bob.open(sealedFrame, aliceId.publicIdentity());
    }

    /** Seal, encode, decode and open one 200-byte message: the full per-message crypto cost of both ends. */
    @Benchmark
    public byte[] sealAndOpen200() {
        MeshFrame f = alice.seal(FrameType.DATA, bobId.publicIdentity(), id++, 1_790_000_000L, 0, 8, message);
        MeshFrame received = FrameCodec.decode(FrameCodec.encode(f)).value();
        return bob.open(received, aliceId.publicIdentity()).value().plaintext();
    }

    @Benchmark
    public MeshFrame seal200() {
        return alice.seal(FrameType.DATA, bobId.publicIdentity(), id++, 1_790_000_000L, 0, 8, message);
    }

    @Benchmark
    public byte[] frameEncode() {
        return FrameCodec.encode(sealedFrame);
    }

    @Benchmark
    public Decoded<MeshFrame> frameDecode() {
        return FrameCodec.decode(sealedWire);
    }
}
