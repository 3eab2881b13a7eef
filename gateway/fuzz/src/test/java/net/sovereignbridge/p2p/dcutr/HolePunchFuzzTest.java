package net.sovereignbridge.p2p.dcutr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.sovereignbridge.fuzz.AllocationLimit;

/** DCUtR HolePunch messages: typed errors, allocation within the input, round trip of what decodes. */
class HolePunchFuzzTest {
    @FuzzTest
    void holePunch(byte[] input) {
        HolePunch m;
        try {
            m = AllocationLimit.check("HolePunchCodec.decode", 4L * input.length + 4096, () -> HolePunchCodec.decode(input));
        } catch (HolePunchException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        try {
            assertEquals(m, HolePunchCodec.decode(HolePunchCodec.encode(m)), "decode(encode(m)) == m");
        } catch (HolePunchException e) {
            throw new AssertionError("our encoding of " + m + " fails: " + e.getMessage(), e);
        }
    }
}
