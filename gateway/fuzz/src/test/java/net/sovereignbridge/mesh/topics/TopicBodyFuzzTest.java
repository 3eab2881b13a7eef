package net.sovereignbridge.mesh.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.sovereignbridge.fuzz.AllocationLimit;
import net.sovereignbridge.mesh.frame.Decoded;

/** The topic message body inside a signed BROADCAST. */
class TopicBodyFuzzTest {
    @FuzzTest
    void topicBody(byte[] input) {
        Decoded<TopicBody> d = AllocationLimit.check("TopicBody.decode", 3L * input.length, () -> TopicBody.decode(input));
        if (d instanceof Decoded.Error<TopicBody> e) {
            AllocationLimit.assertExplained(e.reason().name(), e.detail());
            return;
        }
        TopicBody t = d.value();
        byte[] encoded = t.encode();
        TopicBody again = TopicBody.decode(encoded).value();
        assertEquals(t.unixSeconds(), again.unixSeconds());
        assertEquals(t.origin(), again.origin());
        assertEquals(t.topic(), again.topic());
        assertArrayEquals(t.message(), again.message());
        // Byte for byte too, except the reserved origin code 3, which reads as INTERNET (2).
        if ((input[4] & 0x03) != 3) assertArrayEquals(input, encoded);
    }
}
