package net.sovereignbridge.p2p.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** RFC 6455 section 5.7 examples, decoder rejections, and fuzz properties of the codec. */
class WebSocketFrameTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RFC_MASK = HEX.parseHex("37fa213d");

    @Test
    void rfcSingleFrameUnmaskedText() throws IOException {
        byte[] wire = HEX.parseHex("810548656c6c6f");
        assertArrayEquals(wire, new WebSocketFrame(true, WebSocketFrame.TEXT, HELLO).encode(null));
        WebSocketFrame f = read(wire, false);
        assertTrue(f.fin());
        assertEquals(WebSocketFrame.TEXT, f.opcode());
        assertArrayEquals(HELLO, f.payload());
    }

    @Test
    void rfcSingleFrameMaskedText() throws IOException {
        byte[] wire = HEX.parseHex("818537fa213d7f9f4d5158");
        assertArrayEquals(wire, new WebSocketFrame(true, WebSocketFrame.TEXT, HELLO).encode(RFC_MASK));
        assertArrayEquals(HELLO, read(wire, true).payload());
    }

    @Test
    void rfcFragmentedUnmaskedText() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(HEX.parseHex("010348656c" + "80026c6f"));
        WebSocketFrame first = WebSocketFrame.read(in, false, 1024);
        WebSocketFrame second = WebSocketFrame.read(in, false, 1024);
        assertFalse(first.fin());
        assertEquals(WebSocketFrame.TEXT, first.opcode());
        assertEquals("Hel", new String(first.payload(), StandardCharsets.US_ASCII));
        assertTrue(second.fin());
        assertEquals(WebSocketFrame.CONTINUATION, second.opcode());
        assertEquals("lo", new String(second.payload(), StandardCharsets.US_ASCII));
        assertNull(WebSocketFrame.read(in, false, 1024));
        assertArrayEquals(HEX.parseHex("010348656c"), new WebSocketFrame(false, WebSocketFrame.TEXT,
                "Hel".getBytes(StandardCharsets.US_ASCII)).encode(null));
    }

    @Test
    void rfcPingAndMaskedPong() throws IOException {
        assertArrayEquals(HEX.parseHex("890548656c6c6f"), new WebSocketFrame(true, WebSocketFrame.PING, HELLO).encode(null));
        byte[] pong = HEX.parseHex("8a8537fa213d7f9f4d5158");
        assertArrayEquals(pong, new WebSocketFrame(true, WebSocketFrame.PONG, HELLO).encode(RFC_MASK));
        WebSocketFrame f = read(pong, true);
        assertEquals(WebSocketFrame.PONG, f.opcode());
        assertArrayEquals(HELLO, f.payload());
    }

    @Test
    void rfcBinary256And65536ByteLengths() throws IOException {
        byte[] p256 = new byte[256];
        byte[] wire256 = new WebSocketFrame(true, WebSocketFrame.BINARY, p256).encode(null);
        assertEquals("827e0100", HEX.formatHex(wire256, 0, 4));
        assertEquals(4 + 256, wire256.length);
        assertArrayEquals(p256, read(wire256, false).payload());
        byte[] p64k = new byte[65536];
        p64k[65535] = 7;
        byte[] wire64k = new WebSocketFrame(true, WebSocketFrame.BINARY, p64k).encode(null);
        assertEquals("827f0000000000010000", HEX.formatHex(wire64k, 0, 10));
        assertArrayEquals(p64k, WebSocketFrame.read(new ByteArrayInputStream(wire64k), false, 1 << 20).payload());
    }

    @Test
    void decoderRejectsWithTheRightStatusCode() {
        assertRejected(1002, "reserved", "c10548656c6c6f", false);         // RSV1 set
        assertRejected(1002, "opcode", "830548656c6c6f", false);           // opcode 3 is reserved
        assertRejected(1002, "opcode", "8b00", false);                     // opcode 0xB is reserved
        assertRejected(1002, "unmasked frame from a client", "820548656c6c6f", true);
        assertRejected(1002, "masked frame from a server", "818537fa213d7f9f4d5158", false);
        assertRejected(1002, "fragmented control", "090548656c6c6f", false);
        assertRejected(1002, "control frame of 126", "897e007e", false);
        assertRejected(1002, "non-minimal 16-bit", "827e0005", false);
        assertRejected(1002, "non-minimal 64-bit", "827f000000000000ffff", false);
        assertRejected(1002, "top bit", "827f8000000000000000", false);
        assertRejected(1009, "over the limit", "827f0000000100000000", false); // 4 GiB announced, nothing allocated
    }

    @Test
    void truncatedFramesAreEndOfStream() {
        assertThrows(EOFException.class, () -> read(HEX.parseHex("82"), false));
        assertThrows(EOFException.class, () -> read(HEX.parseHex("827e01"), false));
        assertThrows(EOFException.class, () -> read(HEX.parseHex("820548656c"), false));
        assertThrows(EOFException.class, () -> read(HEX.parseHex("828537fa"), true));
    }

    @Property(tries = 3000)
    void randomBytesGiveTypedErrorsOnly(@ForAll @Size(max = 300) byte[] bytes, @ForAll boolean server) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        try {
            while (WebSocketFrame.read(in, server, 200) != null) {
                // Keep decoding until the input ends or a frame is rejected.
            }
        } catch (WebSocketException e) {
            assertTrue(e.closeCode() == 1002 || e.closeCode() == 1009, "status " + e.closeCode());
        } catch (EOFException expected) {
            // Truncated frame.
        } catch (IOException e) {
            throw new AssertionError("untyped I/O error from an in-memory stream", e);
        }
    }

    @Property(tries = 1000)
    void encodeThenDecodeIsIdentity(@ForAll("dataOpcodes") int opcode, @ForAll boolean fin,
            @ForAll @Size(max = 70_000) byte[] payload, @ForAll boolean masked, @ForAll @IntRange int maskSeed)
            throws IOException {
        byte[] mask = masked ? new byte[] {(byte) (maskSeed >> 24), (byte) (maskSeed >> 16), (byte) (maskSeed >> 8),
                (byte) maskSeed} : null;
        byte[] wire = new WebSocketFrame(fin, opcode, payload).encode(mask);
        WebSocketFrame back = WebSocketFrame.read(new ByteArrayInputStream(wire), masked, 1 << 20);
        assertEquals(fin, back.fin());
        assertEquals(opcode, back.opcode());
        assertArrayEquals(payload, back.payload());
    }

    @Property(tries = 2000)
    void flippingAnyHeaderBitNeverYieldsAFrameOverTheLimit(@ForAll @Size(min = 1, max = 200) byte[] payload,
            @ForAll @IntRange(min = 0, max = 15) int bit) {
        byte[] wire = new WebSocketFrame(true, WebSocketFrame.BINARY, payload).encode(null);
        wire[bit / 8 % Math.min(wire.length, 2)] ^= (byte) (1 << (bit % 8));
        try {
            WebSocketFrame f = WebSocketFrame.read(new ByteArrayInputStream(wire), false, 200);
            if (f != null) assertTrue(f.payload().length <= 200);
        } catch (IOException expected) {
            // Rejected or truncated.
        }
    }

    @Provide
    Arbitrary<Integer> dataOpcodes() {
        return Arbitraries.of(WebSocketFrame.CONTINUATION, WebSocketFrame.TEXT, WebSocketFrame.BINARY);
    }

    private static void assertRejected(int code, String reasonPart, String hex, boolean server) {
        WebSocketException e = assertThrows(WebSocketException.class, () -> read(HEX.parseHex(hex), server));
        assertEquals(code, e.closeCode(), e.getMessage());
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
    }

    private static WebSocketFrame read(byte[] wire, boolean server) throws IOException {
        return WebSocketFrame.read(new ByteArrayInputStream(wire), server, 1024);
    }
}
