package net.sovereignbridge.mesh.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.sovereignbridge.fuzz.AllocationLimit;

/** The mesh frame header decoder, as every transport's receive loop calls it on raw link bytes. */
class FrameCodecFuzzTest {
    @FuzzTest
    void frame(byte[] input) {
        // The payload is copied once: nothing may be allocated in proportion to a header field.
        Decoded<MeshFrame> d = AllocationLimit.check("FrameCodec.decode", 2L * input.length, () -> FrameCodec.decode(input));
        if (d instanceof Decoded.Error<MeshFrame> e) {
            AllocationLimit.assertExplained(e.reason().name(), e.detail());
            return;
        }
        MeshFrame f = d.value();
        // Round trip: reserved bits are refused, so a frame that decodes re-encodes to the very same bytes.
        assertArrayEquals(input, FrameCodec.encode(f));
        assertEquals(f.region(), FrameCodec.region(input));
        assertEquals((f.flags() & MeshFrame.FLAG_HOP_ACK) != 0, FrameCodec.wantsHopAck(input));
    }
}
