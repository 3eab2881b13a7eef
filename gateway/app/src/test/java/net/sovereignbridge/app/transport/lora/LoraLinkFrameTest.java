package net.sovereignbridge.app.transport.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import org.junit.jupiter.api.Test;

/** The LoRa link header decoder against the vectors of docs/lora-link.md, "Packet layout". */
class LoraLinkFrameTest {
    private static final HexFormat HEX = HexFormat.of();

    private static LoraLinkFrame ok(String hex) {
        Decoded<LoraLinkFrame> d = LoraLinkFrame.decode(HEX.parseHex(hex));
        assertTrue(d.isOk(), hex + " decodes: " + d);
        return d.value();
    }

    private static Decoded.Error<LoraLinkFrame> error(byte[] packet) {
        Decoded<LoraLinkFrame> d = LoraLinkFrame.decode(packet);
        assertTrue(d instanceof Decoded.Error<LoraLinkFrame>, "refused: " + d);
        return (Decoded.Error<LoraLinkFrame>) d;
    }

    @Test
    void theDocumentedVectorsDecodeAndReencode() {
        LoraLinkFrame hi = ok("510a0a6869");
        assertEquals(0x0a0a, hi.senderLinkId());
        assertEquals("0a0a", hi.senderHex());
        assertArrayEquals("hi".getBytes(), hi.frame());
        assertEquals("510a0a6869", HEX.formatHex(new LoraLinkFrame(0x0a0a, "hi".getBytes()).encode()));

        LoraLinkFrame one = ok("51fffe01");
        assertEquals(0xfffe, one.senderLinkId(), "the link id is big-endian and unsigned");
        assertArrayEquals(new byte[] {1}, one.frame());
        assertEquals("51fffe01", HEX.formatHex(one.encode()));
    }

    @Test
    void aPacketOfTheWholeFifoCarriesA252ByteFrame() {
        byte[] packet = new byte[255];
        Arrays.fill(packet, (byte) 0x33);
        packet[0] = 0x51;
        LoraLinkFrame f = LoraLinkFrame.decode(packet).value();
        assertEquals(0x3333, f.senderLinkId());
        assertEquals(252, f.frame().length);
        assertArrayEquals(packet, f.encode());
    }

    @Test
    void eachRefusalNamesItsReason() {
        Decoded.Error<LoraLinkFrame> empty = error(new byte[0]);
        assertEquals(DecodeError.TRUNCATED, empty.reason());
        assertEquals("a LoRa packet of 0 bytes: the link header takes 3 and a frame at least 1 more", empty.detail());
        assertEquals(DecodeError.TRUNCATED, error(HEX.parseHex("510a0a")).reason(), "a header without a frame");
        Decoded.Error<LoraLinkFrame> foreign = error(HEX.parseHex("520a0a68"));
        assertEquals(DecodeError.UNKNOWN_VERSION, foreign.reason());
        assertEquals("first byte 0x52 is not the sbridge link magic 0x51", foreign.detail());
        assertEquals(DecodeError.UNKNOWN_VERSION, error(new byte[] {0}).reason(), "one foreign byte");
        byte[] tooLong = new byte[256];
        tooLong[0] = 0x51;
        Decoded.Error<LoraLinkFrame> oversize = error(tooLong);
        assertEquals(DecodeError.OVERSIZE, oversize.reason());
        assertEquals("a LoRa packet of 256 bytes (at most 255)", oversize.detail());
    }

    @Test
    void decodingCopiesTheFrameOutOfThePacket() {
        byte[] packet = HEX.parseHex("510a0a6869");
        LoraLinkFrame f = LoraLinkFrame.decode(packet).value();
        packet[3] = 0;
        assertArrayEquals("hi".getBytes(), f.frame(), "the radio may reuse its buffer");
    }

    @Test
    void framesThatDoNotFitAPacketCannotBeBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new LoraLinkFrame(1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new LoraLinkFrame(1, new byte[253]));
        assertThrows(IllegalArgumentException.class, () -> new LoraLinkFrame(0x10000, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> new LoraLinkFrame(-1, new byte[1]));
    }
}
