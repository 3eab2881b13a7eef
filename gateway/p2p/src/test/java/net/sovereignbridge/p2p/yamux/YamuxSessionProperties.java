package net.sovereignbridge.p2p.yamux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.sovereignbridge.p2p.connection.InMemoryDuplex;

/**
 * A session fed random frame sequences (valid-looking headers with random fields, bodies mostly of the
 * announced length, junk in between): it never fails internally, always closes with a named reason, and
 * never buffers more than one window per open stream.
 */
class YamuxSessionProperties {
    private static final int MAX_STREAMS = 4;

    /** One frame to send; {@code mode} picks rare deviations (bad version, SYN on a reused id, no SYN). */
    private record Spec(int type, int flags, long id, long length, int mode) {}

    @Provide
    Arbitrary<List<Object>> frameSequences() {
        // biased towards what a real peer sends, so sequences get deep (windows, FIN, RST, the stream limit)
        Arbitrary<Integer> types = Arbitraries.frequency(
                Tuple.of(450, 0), Tuple.of(400, 1), Tuple.of(100, 2), Tuple.of(30, 3), Tuple.of(2, 4));
        Arbitrary<Long> ids = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.longs().between(0, 9).map(i -> 2 * i + 1)),
                Tuple.of(1, Arbitraries.longs().between(0, 20)));
        Arbitrary<Long> lengths = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.longs().between(0, 70_000)),
                Tuple.of(1, Arbitraries.longs().between(300_000, 0xFFFF_FFFFL)));
        Arbitrary<Spec> specs = Combinators.combine(types, Arbitraries.integers().between(0, 15), ids, lengths,
                Arbitraries.integers().between(0, 199)).as(Spec::new);
        Arbitrary<byte[]> junk = Arbitraries.bytes().array(byte[].class).ofMaxSize(30);
        Arbitrary<Object> parts = Arbitraries.frequencyOf(Tuple.of(300, specs.map(x -> (Object) x)),
                Tuple.of(1, junk.map(x -> (Object) x)));
        return parts.list().ofMaxSize(40);
    }

    /** Stream ids are generated for a responder (odd = the peer's); {@code shift} 1 makes them even. */
    private static byte[] encode(List<Object> parts, int shift) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Set<Long> opened = new HashSet<>();
        for (Object p : parts) {
            if (p instanceof byte[] junk) {
                out.writeBytes(junk);
                continue;
            }
            Spec f = (Spec) p;
            int flags = f.flags() & ~YamuxHeader.FLAG_SYN;
            boolean stream = f.type() == 0 || f.type() == 1;
            // SYN exactly on a stream's first frame, except for a few deliberate mistakes
            if (stream && (opened.add(f.id()) != (f.mode() < 4))) flags |= YamuxHeader.FLAG_SYN;
            if (f.type() == 2) flags = f.flags() & 0x3;
            long len = f.type() == 3 && f.mode() < 180 ? 0 : f.length();
            byte[] h = new byte[12];
            h[0] = (byte) (f.mode() == 199 ? 1 : 0);
            h[1] = (byte) f.type();
            h[3] = (byte) flags;
            h[7] = (byte) (f.id() + (stream && f.mode() < 190 ? shift : 0));
            h[8] = (byte) (len >>> 24);
            h[9] = (byte) (len >>> 16);
            h[10] = (byte) (len >>> 8);
            h[11] = (byte) len;
            out.writeBytes(h);
            // bodies as announced (a length past the window ends the session before its body anyway)
            if (f.type() == 0 && len <= 70_000) out.writeBytes(new byte[(int) len]);
        }
        return out.toByteArray();
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE) // edge cases would mostly be type 4 and mistakes
    void randomFramesCloseTheSessionWithANamedReason(@ForAll("frameSequences") List<Object> frames,
                                                     @ForAll boolean initiator) throws Exception {
        byte[] input = encode(frames, initiator ? 1 : 0);
        InMemoryDuplex[] ends = InMemoryDuplex.pair(1 << 22);
        YamuxSession s = new YamuxSession(ends[0], initiator, YamuxConfig.defaults().withMaxStreams(MAX_STREAMS)
                .withKeepAlive(null), st -> { });
        s.start();
        try {
            try {
                ends[1].write(input, 0, input.length);
            } catch (IOException closedMeanwhile) {
                // the session gave up on the input already
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // let the reader take the input in, then check the bounds while streams may still be open
            Thread.sleep(3);
            long buffered = s.bufferedBytes();
            long held = s.heldBytes();
            assertTrue(held <= 2 * buffered + (long) s.activeStreams() * 4096, "held " + held + " for " + buffered);
            assertTrue(buffered <= (long) s.activeStreams() * YamuxConfig.SPEC_INITIAL_WINDOW
                    && s.activeStreams() <= MAX_STREAMS,
                    "buffered " + buffered + " bytes on " + s.activeStreams() + " streams");
            ends[1].close();
            while (!s.isClosed() && System.nanoTime() < deadline) Thread.sleep(1);
            String reason = s.closeReason();
            assertTrue(s.isClosed(), "closed after the input ended");
            assertTrue(reason.startsWith("protocol error: ") || reason.equals("connection closed by the peer")
                    || reason.startsWith("the peer sent GoAway") || reason.startsWith("connection failed: ")
                    || reason.startsWith("write failed: "), reason);
        } finally {
            s.close();
        }
    }
}
