package net.sovereignbridge.p2p.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import net.sovereignbridge.fuzz.AllocationLimit;

/** Circuit relay v2 messages: HopMessage and StopMessage bodies (typed errors, round trip) and the framed stream. */
class CircuitFuzzTest {
    @FuzzTest
    void hop(byte[] input) {
        HopMessage m;
        try {
            m = AllocationLimit.check("CircuitCodec.decodeHop", 4L * input.length + 4096, () -> CircuitCodec.decodeHop(input));
        } catch (CircuitMessageException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        try {
            assertEquals(m, CircuitCodec.decodeHop(CircuitCodec.encode(m)), "decode(encode(m)) == m");
        } catch (CircuitMessageException e) {
            throw new AssertionError("our encoding of " + m + " fails: " + e.getMessage(), e);
        }
    }

    @FuzzTest
    void stop(byte[] input) {
        StopMessage m;
        try {
            m = AllocationLimit.check("CircuitCodec.decodeStop", 4L * input.length + 4096, () -> CircuitCodec.decodeStop(input));
        } catch (CircuitMessageException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        try {
            assertEquals(m, CircuitCodec.decodeStop(CircuitCodec.encode(m)), "decode(encode(m)) == m");
        } catch (CircuitMessageException e) {
            throw new AssertionError("our encoding of " + m + " fails: " + e.getMessage(), e);
        }
    }

    @FuzzTest
    void stream(byte[] input) {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        for (int i = 0; i < 4; i++) {
            try {
                AllocationLimit.check("CircuitCodec.readHop", 4L * CircuitCodec.MAX_MESSAGE_BYTES + 4096, () -> CircuitCodec.readHop(in));
            } catch (IOException e) {
                AllocationLimit.assertExplained(e);
                return;
            }
        }
    }
}
