package net.sovereignbridge.mesh.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.sovereignbridge.fuzz.AllocationLimit;

/** The link-level hop acknowledgement decoder. */
class HopAckFuzzTest {
    @FuzzTest
    void hopAck(byte[] input) {
        Decoded<HopAck> d = AllocationLimit.check("HopAck.decode", HopAck.LENGTH, () -> HopAck.decode(input));
        if (d instanceof Decoded.Error<HopAck> e) {
            AllocationLimit.assertExplained(e.reason().name(), e.detail());
            return;
        }
        assertArrayEquals(input, d.value().encode(), "a hop ACK that decodes re-encodes to the same 22 bytes");
    }
}
