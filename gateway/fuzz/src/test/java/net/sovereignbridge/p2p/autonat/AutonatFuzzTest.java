package net.sovereignbridge.p2p.autonat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.sovereignbridge.fuzz.AllocationLimit;

/** AutoNAT v1 messages: typed errors, allocation within the input, byte-level round trip of what decodes. */
class AutonatFuzzTest {
    @FuzzTest
    void message(byte[] input) {
        AutonatMessage m;
        try {
            m = AllocationLimit.check("AutonatCodec.decode", 4L * input.length + 4096, () -> AutonatCodec.decode(input));
        } catch (AutonatMessageException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        try {
            assertEquals(m, AutonatCodec.decode(AutonatCodec.encode(m)), "decode(encode(m)) == m");
        } catch (AutonatMessageException e) {
            throw new AssertionError("our encoding of " + m + " fails: " + e.getMessage(), e);
        }
    }
}
