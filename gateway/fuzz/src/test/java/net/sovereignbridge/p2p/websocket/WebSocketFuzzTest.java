package net.sovereignbridge.p2p.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import net.sovereignbridge.fuzz.AllocationLimit;

/** WebSocket frames (RFC 6455) on the server side (masked) and client side (unmasked), and handshake heads. */
class WebSocketFuzzTest {
    private static final int MAX_PAYLOAD = 4096;

    @FuzzTest
    void serverFrames(byte[] input) {
        frames(input, true);
    }

    @FuzzTest
    void clientFrames(byte[] input) {
        frames(input, false);
    }

    private static void frames(byte[] input, boolean expectMasked) {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        for (int i = 0; i < 8; i++) {
            int start = input.length - in.available();
            WebSocketFrame f;
            try {
                f = AllocationLimit.check("WebSocketFrame.read", 2L * MAX_PAYLOAD,
                        () -> WebSocketFrame.read(in, expectMasked, MAX_PAYLOAD));
            } catch (IOException e) {
                AllocationLimit.assertExplained(e);
                return;
            }
            if (f == null) return;
            byte[] consumed = Arrays.copyOfRange(input, start, input.length - in.available());
            byte[] key = expectMasked ? Arrays.copyOfRange(consumed, consumed.length - f.payload().length - 4,
                    consumed.length - f.payload().length) : null;
            assertArrayEquals(consumed, f.encode(key), "lengths are minimal, so a frame re-encodes byte for byte");
        }
    }

    @FuzzTest
    void handshakeHead(byte[] input) {
        try {
            String[] lines = AllocationLimit.check("WebSocketHandshake.readHead", 64L * 8192, // lines as Strings, bounded by the head limit
                    () -> WebSocketHandshake.readHead(new ByteArrayInputStream(input), 8192, "request"));
            WebSocketHandshake.parseHeaders(lines);
        } catch (IOException e) {
            AllocationLimit.assertExplained(e);
        }
    }
}
