package net.sovereignbridge.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import net.sovereignbridge.fuzz.AllocationLimit;

/** JSON on the control channel and in CLI output. */
class JsonFuzzTest {
    @FuzzTest
    void json(@NotNull String input) {
        Object value;
        try {
            value = AllocationLimit.check("Json.parse", 64L * input.length(), () -> Json.parse(input));
        } catch (IllegalArgumentException e) {
            // The documented error: it names the offset of the problem.
            assertTrue(e.getMessage() != null && e.getMessage().startsWith("invalid JSON at offset "),
                    () -> "error without a position: " + e);
            return;
        }
        String written = Json.write(value);
        Object again;
        try {
            again = Json.parse(written);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("our own output '" + written + "' does not parse: " + e.getMessage(), e);
        }
        assertEquals(written, Json.write(again), "parse(write(v)) == v");
    }
}
