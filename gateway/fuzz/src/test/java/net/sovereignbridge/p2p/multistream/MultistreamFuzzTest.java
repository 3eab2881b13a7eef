package net.sovereignbridge.p2p.multistream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import net.sovereignbridge.fuzz.AllocationLimit;

/** multistream-select messages: the length-prefixed lines of every protocol negotiation. */
class MultistreamFuzzTest {
    @FuzzTest
    void lines(byte[] input) {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        for (int i = 0; i < 8; i++) {
            int before = in.available();
            String line;
            try {
                line = AllocationLimit.check("MultistreamSelect.readLine", 4L * MultistreamSelect.MAX_LINE,
                        () -> MultistreamSelect.readLine(in));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) { // the declared IOException or MultistreamException
                AllocationLimit.assertExplained(e);
                return;
            }
            byte[] consumed = java.util.Arrays.copyOfRange(input, input.length - before, input.length - in.available());
            // A line that contains no newline and decodes as UTF-8 without replacement re-encodes to the same bytes.
            byte[] text = line.getBytes(StandardCharsets.UTF_8);
            if (!line.contains("\n") && text.length < consumed.length && java.util.Arrays.equals(text,
                    java.util.Arrays.copyOfRange(consumed, consumed.length - 1 - text.length, consumed.length - 1))) {
                try {
                    assertArrayEquals(consumed, MultistreamSelect.encode(line));
                } catch (MultistreamException e) {
                    throw new AssertionError("a line we read cannot be written back: " + e.getMessage(), e);
                }
            }
        }
    }
}
