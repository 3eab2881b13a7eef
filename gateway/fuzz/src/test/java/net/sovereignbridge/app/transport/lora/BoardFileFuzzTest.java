package net.sovereignbridge.app.transport.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import net.sovereignbridge.fuzz.AllocationLimit;

/** Board files (meshtasticd-style YAML): never throws, every problem has a line and a message. */
class BoardFileFuzzTest {
    @FuzzTest
    void board(@NotNull String input) {
        // SnakeYAML has a fixed cost per document (reader buffers, resolver tables) of about 0.5 MB.
        BoardConfigParser.Result r = AllocationLimit.check("BoardConfigParser.parse", 2L * 1024 * 1024 + 256L * input.length(),
                () -> BoardConfigParser.parse(input, "fuzz-board.yaml"));
        if (r.config().isPresent()) assertTrue(r.errors().isEmpty(), () -> "a config despite errors " + r.errors());
        for (BoardConfigParser.Problem p : r.errors()) {
            assertTrue(p.line() >= 1, () -> "problem without a line: " + p);
            AllocationLimit.assertExplained("board problem", p.message());
        }
    }
}
