package net.sovereignbridge.mesh.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Optional;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * Fragment reassembly. First hostile fragments from several sources interleaved with the pieces of one
 * honest frame: whatever comes out for the honest source is that frame, and the buffers never exceed their
 * limits. Then the honest pieces alone, in any order and with duplicates: the frame comes out exactly once.
 */
class ReassemblerFuzzTest {
    private static final int MAX_SETS = 8;
    private static final int MAX_SETS_PER_SOURCE = 3;
    private static final long MAX_BYTES = 4096;
    private static final long TIMEOUT = 1000;

    @FuzzTest
    void reassembly(FuzzedDataProvider data) {
        int mtu = data.consumeInt(Fragmenter.MIN_MTU, 255);
        byte[] honest = data.consumeBytes(Math.min(Fragmenter.maxFrameLength(mtu), 2048));
        List<byte[]> pieces = honest.length > mtu ? Fragmenter.split(honest, mtu, 0x5B5B) : List.of();

        Reassembler r = new Reassembler(MAX_SETS, MAX_SETS_PER_SOURCE, MAX_BYTES, TIMEOUT);
        long now = 0;
        for (int steps = 0; steps < 64 && data.remainingBytes() > 0; steps++) {
            Object source;
            byte[] fragment;
            if (!pieces.isEmpty() && data.consumeBoolean()) {
                source = "honest";
                fragment = pieces.get(data.consumeInt(0, pieces.size() - 1));
            } else {
                source = "peer" + data.consumeInt(0, 3);
                fragment = data.consumeBytes(data.consumeInt(0, 300));
            }
            now += data.consumeInt(0, 100);
            Decoded<Optional<byte[]>> d = accept(r, source, fragment, now);
            if (d.isOk() && d.value().isPresent() && source.equals("honest")) {
                assertArrayEquals(honest, d.value().get(), "the reassembled frame is the one that was split");
            }
            assertTrue(r.pendingFrames() <= MAX_SETS, "pending frames " + r.pendingFrames());
            assertTrue(r.bytesHeld() >= 0 && r.bytesHeld() <= MAX_BYTES, "bytes held " + r.bytesHeld());
        }
        // Everything expires: a fragment after the timeout finds only itself held.
        accept(r, "late", new byte[] {0x1F, 0, 0, 0, 2, 0}, now + TIMEOUT + 1);
        assertEquals(1, r.bytesHeld(), "bytes held after the timeout");

        if (pieces.isEmpty()) return;
        Reassembler clean = new Reassembler(MAX_SETS, MAX_SETS_PER_SOURCE, MAX_BYTES, TIMEOUT);
        boolean[] given = new boolean[pieces.size()];
        int completions = 0;
        int missing = pieces.size();
        while (missing > 0) {
            int i = data.remainingBytes() > 0 ? data.consumeInt(0, pieces.size() - 1) : firstFalse(given);
            if (!given[i]) missing--;
            given[i] = true;
            Decoded<Optional<byte[]>> d = accept(clean, "honest", pieces.get(i), 0);
            assertTrue(d.isOk(), () -> "an honest fragment was refused: " + d);
            if (d.value().isPresent()) {
                assertArrayEquals(honest, d.value().get());
                completions++;
            }
        }
        for (byte[] p : pieces) { // late duplicates: ignored, no second frame
            Decoded<Optional<byte[]>> d = accept(clean, "honest", p, 1);
            assertTrue(d.isOk() && d.value().isEmpty(), () -> "a late duplicate gave " + d);
        }
        assertEquals(1, completions, "completions of the honest frame");
        assertEquals(0, clean.bytesHeld(), "bytes held after completion");
    }

    private static Decoded<Optional<byte[]>> accept(Reassembler r, Object source, byte[] fragment, long now) {
        Decoded<Optional<byte[]>> d = AllocationLimit.check("Reassembler.accept", 2L * MAX_BYTES,
                () -> r.accept(source, fragment, now));
        if (d instanceof Decoded.Error<Optional<byte[]>> e) AllocationLimit.assertExplained(e.reason().name(), e.detail());
        return d;
    }

    private static int firstFalse(boolean[] b) {
        for (int i = 0; i < b.length; i++) if (!b[i]) return i;
        throw new IllegalStateException("all given");
    }
}
