package net.sovereignbridge.bench;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.kiss.Ax25UiFrame;
import net.sovereignbridge.drivers.kiss.Callsign;
import net.sovereignbridge.drivers.kiss.Kiss;
import net.sovereignbridge.drivers.kiss.KissDecoder;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The KISS decoder on 1 MiB of the serial stream a TNC sends: DATA frames each holding one full AX.25 UI frame
 * (16-byte header, 256 random information bytes, so FEND and FESC occur and are escaped at their natural rate),
 * fed in 4 KiB reads as the port's reader does. Score is streams per second; times 1 MiB for MB/s. Also the cost of
 * building one outgoing frame (AX.25 UI + KISS escaping).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class KissDecodeBenchmark {
    static final int STREAM_BYTES = 1 << 20;

    private byte[] stream;
    private byte[] info;
    private final Callsign dest = new Callsign("SBRDG", 0);
    private final Callsign source = new Callsign("N0CALL", 1);
    private KissDecoder decoder;

    @Setup
    public void setUp() {
        Random random = new Random(15);
        ByteArrayOutputStream out = new ByteArrayOutputStream(STREAM_BYTES + 4096);
        info = new byte[256];
        while (out.size() < STREAM_BYTES) {
            random.nextBytes(info);
            out.writeBytes(Kiss.data(0, Ax25UiFrame.of(dest, source, info).encode()));
        }
        stream = java.util.Arrays.copyOf(out.toByteArray(), STREAM_BYTES);
        decoder = new KissDecoder(512);
    }

    @Benchmark
    public void decodeOneMebibyte(Blackhole bh) {
        for (int off = 0; off < stream.length; off += 4096) {
            decoder.feed(stream, off, Math.min(4096, stream.length - off), bh::consume);
        }
    }

    @Benchmark
    public byte[] encodeOneFullFrame() {
        return Kiss.data(0, Ax25UiFrame.of(dest, source, info).encode());
    }
}
