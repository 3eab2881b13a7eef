package net.sovereignbridge.p2p.multiaddr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import net.sovereignbridge.fuzz.AllocationLimit;

/** Multiaddrs from peers (identify, kad peer lists) and from configuration files. */
class MultiaddrFuzzTest {
    @FuzzTest
    void binary(byte[] input) {
        Multiaddr m;
        try {
            m = AllocationLimit.check("Multiaddr.decode", 4L * Multiaddr.MAX_BINARY_LENGTH, () -> Multiaddr.decode(input));
        } catch (MultiaddrException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        assertArrayEquals(input, m.toBytes(), "varints are minimal, so a decoded multiaddr re-encodes byte for byte");
        assertEquals(m, parseBack(m.toString()), "the text form parses back to the same multiaddr");
    }

    @FuzzTest
    void text(@NotNull String input) {
        Multiaddr m;
        try {
            m = AllocationLimit.check("Multiaddr.parse", 1024L * 1024, // text has no length fields: a fixed bound
                    () -> Multiaddr.parse(input));
        } catch (MultiaddrException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        Multiaddr again;
        try {
            again = Multiaddr.decode(m.toBytes());
        } catch (MultiaddrException e) {
            throw new AssertionError("'" + input + "' parsed but its binary form does not decode: " + e.getMessage(), e);
        }
        assertEquals(m, again);
        assertEquals(m, parseBack(m.toString()));
    }

    private static Multiaddr parseBack(String text) {
        try {
            return Multiaddr.parse(text);
        } catch (MultiaddrException e) {
            throw new AssertionError("our own text form '" + text + "' does not parse: " + e.getMessage(), e);
        }
    }
}
