package net.sovereignbridge.p2p.identify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.sovereignbridge.fuzz.AllocationLimit;
import net.sovereignbridge.p2p.protobuf.ProtoException;

/** The identify protobuf every peer sends after connecting. */
class IdentifyFuzzTest {
    @FuzzTest
    void identify(byte[] input) {
        IdentifyMessage m;
        try {
            m = AllocationLimit.check("IdentifyMessage.decode", 8L * IdentifyMessage.MAX_LENGTH, () -> IdentifyMessage.decode(input));
        } catch (ProtoException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        // Unknown fields and unknown transports are dropped, so the round trip is on our own encoding.
        byte[] encoded = m.encode();
        try {
            assertArrayEquals(encoded, IdentifyMessage.decode(encoded).encode(), "decode(encode(m)) == m");
        } catch (ProtoException e) {
            throw new AssertionError("our own encoding of a decoded message does not decode: " + e.getMessage(), e);
        }
    }
}
