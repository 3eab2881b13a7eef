package net.sovereignbridge.mesh.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.sovereignbridge.mesh.identity.MeshAddress;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    @Provide
    Arbitrary<MeshFrame> frames() {
        Arbitrary<MeshAddress> addresses = Arbitraries.bytes().array(byte[].class).ofSize(16).map(MeshAddress::of);
        return Combinators.combine(
                Arbitraries.of(FrameType.DATA, FrameType.ACK, FrameType.ANNOUNCE, FrameType.BROADCAST),
                Arbitraries.of(0, MeshFrame.FLAG_WANT_ACK),
                Arbitraries.integers().between(0, 15),
                addresses.injectNull(0.3),
                addresses,
                Arbitraries.integers(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(1200))
                .as((type, flags, limit, dst, src, id, payload) ->
                        new MeshFrame(type, flags, limit, limit / 2, dst, src, id, payload));
    }

    @Property(tries = 500)
    void encodeDecodeRoundTrip(@ForAll("frames") MeshFrame f) {
        byte[] wire = FrameCodec.encode(f);
        assertEquals(f.encodedLength(), wire.length);
        MeshFrame back = FrameCodec.decode(wire).value();
        assertEquals(f.type(), back.type());
        assertEquals(f.flags(), back.flags());
        assertEquals(f.hopLimit(), back.hopLimit());
        assertEquals(f.hopCount(), back.hopCount());
        assertEquals(f.destination(), back.destination());
        assertEquals(f.source(), back.source());
        assertEquals(f.messageId(), back.messageId());
        assertArrayEquals(f.payload(), back.payload());
        assertArrayEquals(wire, FrameCodec.encode(back));
    }

    /** Hostile bytes: never an exception; whatever decodes re-encodes to the same bytes. */
    @Property(tries = 2000)
    void randomBytesNeverThrow(@ForAll @Size(max = 300) byte[] bytes) {
        Decoded<MeshFrame> d = FrameCodec.decode(bytes);
        if (d.isOk()) assertArrayEquals(bytes, FrameCodec.encode(d.value()));
    }

    @Test
    void typedErrorsForBadFrames() {
        assertEquals(DecodeError.TRUNCATED, reason(FrameCodec.decode(new byte[] {0x11})));
        assertEquals(DecodeError.UNKNOWN_VERSION, reason(FrameCodec.decode(new byte[] {0x21, 0, 0, 0})));
        assertEquals(DecodeError.UNKNOWN_TYPE, reason(FrameCodec.decode(new byte[] {0x17, 0, 0, 0})));
        assertEquals(DecodeError.BAD_FLAGS, reason(FrameCodec.decode(new byte[] {0x11, (byte) 0x80, 0, 0})));
        assertEquals(DecodeError.BAD_HOPS, reason(FrameCodec.decode(new byte[] {0x11, 0, 0x12, 0})));
        assertEquals(DecodeError.TRUNCATED, reason(FrameCodec.decode(new byte[] {0x11, 0, (byte) 0x80, 0, 0})));
    }

    @Property(tries = 300)
    void fragmentationRoundTripInAnyOrder(@ForAll @Size(min = 1, max = 6000) byte[] frame,
            @ForAll @IntRange(min = 32, max = 1500) int mtu, @ForAll long shuffleSeed) {
        if (frame.length > Fragmenter.maxFrameLength(mtu)) return;
        List<byte[]> pieces = new ArrayList<>(Fragmenter.split(frame, mtu, 0xBEEF));
        pieces.forEach(p -> assertTrue(p.length <= mtu));
        if (pieces.size() == 1) {
            assertArrayEquals(frame, pieces.get(0));
            return;
        }
        Collections.shuffle(pieces, new Random(shuffleSeed));
        pieces.add(pieces.get(0)); // a duplicate must not disturb reassembly
        Reassembler r = Reassembler.withDefaults();
        byte[] out = null;
        for (byte[] p : pieces) {
            Optional<byte[]> done = r.accept("peer", p, 0).value();
            if (done.isPresent()) out = done.get();
        }
        assertArrayEquals(frame, out);
        assertEquals(0, r.pendingFrames());
    }

    @Property(tries = 1000)
    void reassemblerSurvivesRandomFragments(@ForAll @Size(max = 64) List<@Size(max = 40) byte[]> junk) {
        Reassembler r = new Reassembler(4, 2, 1024, 1000);
        long t = 0;
        for (byte[] b : junk) {
            if (b.length > 0) b[0] = (byte) 0x1F; // make most of them look like fragments
            r.accept(b.length % 3, b, t += 10);
            assertTrue(r.bytesHeld() <= 1024);
            assertTrue(r.pendingFrames() <= 4);
        }
    }

    @Test
    void reassemblyIsBoundedAndExpires() {
        Reassembler r = new Reassembler(2, 1, 10_000, 1000);
        byte[] frame = new byte[200];
        List<byte[]> a = Fragmenter.split(frame, 64, 1);
        List<byte[]> b = Fragmenter.split(frame, 64, 2);
        assertFalse(r.accept("x", a.get(0), 0).value().isPresent());
        // Same source, second set: the per-source cap of one drops the older set.
        assertFalse(r.accept("x", b.get(0), 0).value().isPresent());
        assertEquals(1, r.pendingFrames());
        assertEquals(1, r.evictedSets(), "the dropped set is counted");
        assertFalse(r.accept("y", a.get(0), 0).value().isPresent());
        assertEquals(DecodeError.REASSEMBLY_LIMIT, reason(r.accept("z", a.get(0), 0)));
        // After the timeout everything incomplete is gone.
        assertFalse(r.accept("z", a.get(0), 5000).value().isPresent());
        assertEquals(1, r.pendingFrames());
        assertEquals(2, r.expiredSets(), "x's and y's incomplete sets timed out");
        assertEquals(1, r.evictedSets());
    }

    @Test
    void inconsistentFragmentsAreRefused() {
        Reassembler r = Reassembler.withDefaults();
        List<byte[]> a = Fragmenter.split(new byte[200], 64, 7);
        r.accept("x", a.get(0), 0);
        byte[] bad = a.get(1).clone();
        bad[4] = 9; // count changed mid-set
        assertEquals(DecodeError.FRAGMENT_INCONSISTENT, reason(r.accept("x", bad, 0)));
        assertEquals(DecodeError.TRUNCATED, reason(r.accept("x", new byte[] {0x1F, 0, 1, 0, 2}, 0)));
        assertEquals(DecodeError.FRAGMENT_INCONSISTENT, reason(r.accept("x", new byte[] {0x1F, 0, 1, 3, 2, 9}, 0)));
        assertEquals(DecodeError.UNKNOWN_VERSION, reason(r.accept("x", new byte[] {0x2F, 0, 1, 0, 2, 9}, 0)));
    }

    private static DecodeError reason(Decoded<?> d) {
        assertFalse(d.isOk(), "expected an error, got " + d);
        return ((Decoded.Error<?>) d).reason();
    }
}
