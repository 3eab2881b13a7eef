package net.sovereignbridge.drivers.meshtastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Documented values and test vectors (docs/meshtastic.md), and what hostile input gets. */
class MeshtasticProtocolTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void longFastWithTheDefaultKeyHashesTo0x08() {
        Channel c = Channel.of("", "AQ==");
        assertEquals("LongFast", c.name());
        assertEquals(0x08, c.hash());
        assertEquals("d4f1bb3a20290759f0bcffabcf4e6901", HEX.formatHex(c.key()));
        assertEquals(c, Channel.defaultChannel());
        assertEquals("d4f1bb3a20290759f0bcffabcf4e6902", HEX.formatHex(Channel.of("x", "Ag==").key()), "index 2");
        assertFalse(Channel.of("open", "AA==").encrypted(), "index 0: no encryption");
        assertFalse(Channel.of("open", "").encrypted());
        assertThrows(IllegalArgumentException.class, () -> Channel.of("x", "AAAA"), "3 bytes");
        assertThrows(IllegalArgumentException.class, () -> Channel.of("x", "not base64!"));
        assertThrows(IllegalArgumentException.class, () -> Channel.of("twelve chars", "AQ=="));
        assertFalse(c.toString().contains("d4f1"), "the key is never shown");
    }

    @Test
    void frequencySlotsMatchTheDocumentedLongFastValues() {
        assertEquals(104, MeshtasticRegion.US.slots(ModemPreset.LONG_FAST));
        assertEquals(19, MeshtasticRegion.US.slot(ModemPreset.LONG_FAST, ""));
        assertEquals(906_875_000L, MeshtasticRegion.US.frequencyHz(ModemPreset.LONG_FAST, ""));
        assertEquals(906_875_000L, MeshtasticRegion.US.frequencyHz(ModemPreset.LONG_FAST, "LongFast"));
        assertEquals(1, MeshtasticRegion.EU_868.slots(ModemPreset.LONG_FAST));
        assertEquals(869_525_000L, MeshtasticRegion.EU_868.frequencyHz(ModemPreset.LONG_FAST, "anything"));
        assertEquals(5381 * 33 + 'a', MeshtasticRegion.djb2("a"));
        assertEquals(MeshtasticRegion.EU_868, MeshtasticRegion.parse("eu868").orElseThrow());
        assertEquals(ModemPreset.LONG_FAST, ModemPreset.parse("long-fast").orElseThrow());
        assertEquals(ModemPreset.LONG_FAST, ModemPreset.parse("LongFast").orElseThrow());
    }

    @Test
    void headerLayoutVector() throws Exception {
        PacketHeader h = new PacketHeader(0xFFFFFFFF, 0x12345678, 0x0A0B0C0D, 3, true, true, 5, 0x08, 0x00, 0x78);
        byte[] b = h.encode();
        assertEquals("ffffffff" + "78563412" + "0d0c0b0a" + "bb" + "08" + "00" + "78", HEX.formatHex(b));
        assertEquals(h, PacketHeader.decode(b));
        assertEquals(2, h.hopsAway());
        assertEquals("!12345678", PacketHeader.nodeId(0x12345678));
        assertEquals(0xDEADBEEF, PacketHeader.parseNode("!deadbeef"));
        assertEquals(0xDEADBEEF, PacketHeader.parseNode("3735928559"));
        assertThrows(IllegalArgumentException.class, () -> new PacketHeader(0, 0, 0, 8, false, false, 0, 0, 0, 0));
    }

    @Test
    void minimalTextMessageAndAFullFrameVector() throws Exception {
        assertEquals("0801120268" + "69", HEX.formatHex(Data.text("hi").encode()));
        Channel c = Channel.defaultChannel();
        byte[] frame = MeshtasticCodec.textBroadcast(c, 0x12345678, 1, "hi");
        // header (broadcast, from 0x12345678, id 1, hop limit 3 = hop start 3, hash 0x08) + AES-CTR("08 01 12 02 68 69")
        assertEquals("ffffffff785634120100000063080000" + "e77a519a3c45", HEX.formatHex(frame));
        MeshtasticCodec.Opened o = MeshtasticCodec.open(frame, List.of(c));
        assertEquals("hi", o.data().text());
        assertFalse(o.data().okToMqtt(), "no bitfield: not allowed to MQTT");
    }

    @Test
    void aDifferentChannelHashIsAWrongChannelError() {
        byte[] frame = MeshtasticCodec.textBroadcast(Channel.of("Other", "AQ=="), 5, 6, "x");
        var e = assertThrows(MeshtasticException.WrongChannel.class,
                () -> MeshtasticCodec.open(frame, List.of(Channel.defaultChannel())));
        assertEquals(Channel.of("Other", "AQ==").hash(), e.channelHash());
        assertTrue(e.getMessage().contains("no configured channel has hash"), e.getMessage());
    }

    @Test
    void aMatchingHashWithTheWrongKeyIsAWrongChannelErrorToo() {
        Channel ours = Channel.defaultChannel();
        // a 16-byte key with the same XOR as the default key, so the hash matches but the key does not
        byte[] k = ours.key();
        k[0] ^= 0x55;
        k[1] ^= 0x55;
        Channel collider = Channel.of("LongFast", k);
        assertEquals(ours.hash(), collider.hash());
        byte[] frame = MeshtasticCodec.seal(PacketHeader.originate(-1, 7, 8, 3, false, collider.hash()),
                Data.text("a longer message so that random bytes are unlikely to parse as Data"), collider);
        var e = assertThrows(MeshtasticException.WrongChannel.class, () -> MeshtasticCodec.open(frame, List.of(ours)));
        assertTrue(e.getMessage().contains("no key of ours decrypts it"), e.getMessage());
        assertEquals("a longer message so that random bytes are unlikely to parse as Data",
                assertDoesNotThrowOpen(frame, List.of(ours, collider)));
    }

    private static String assertDoesNotThrowOpen(byte[] frame, List<Channel> channels) {
        try {
            return MeshtasticCodec.open(frame, channels).data().text();
        } catch (MeshtasticException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void truncatedAndOversizeInputAreTypedErrors() {
        assertThrows(MeshtasticException.Truncated.class, () -> RadioFrame.decode(new byte[15]));
        assertThrows(MeshtasticException.Oversize.class, () -> RadioFrame.decode(new byte[256]));
        byte[] data = Data.text("hello").encode();
        assertThrows(MeshtasticException.Truncated.class, () -> Data.decode(Arrays.copyOf(data, data.length - 2)));
        assertThrows(MeshtasticException.Truncated.class, () -> Data.decode(HEX.parseHex("08")), "varint cut");
        assertThrows(MeshtasticException.Truncated.class, () -> Data.decode(HEX.parseHex("25aabb")), "fixed32 cut");
        // a payload length of 300: longer than Meshtastic's 233-byte Data payload
        byte[] big = new byte[304];
        big[0] = 0x12;
        big[1] = (byte) 0xAC;
        big[2] = 0x02;
        assertThrows(MeshtasticException.Oversize.class, () -> Data.decode(big));
        assertThrows(MeshtasticException.Truncated.class, () -> Data.decode(HEX.parseHex("12ffffffff0f00")),
                "a 4 GiB length is refused before anything is allocated");
        assertThrows(MeshtasticException.Malformed.class, () -> Data.decode(HEX.parseHex("0b")), "group wire type");
        assertThrows(MeshtasticException.Malformed.class, () -> Data.decode(HEX.parseHex("0801ffffffffffffffffffff01")));
        assertThrows(MeshtasticException.Malformed.class, () -> User.decode(HEX.parseHex("0a02c328")), "bad UTF-8");
        assertThrows(MeshtasticException.Oversize.class, () -> ServiceEnvelope.decode(new byte[2000]));
        assertThrows(MeshtasticException.Malformed.class, () -> ServiceEnvelope.decode(HEX.parseHex("1200")),
                "no packet: refused");
        assertThrows(MeshtasticException.Malformed.class, () -> MeshPacket.decode(HEX.parseHex("0d01000000")),
                "a MeshPacket without content");
        assertThrows(MeshtasticException.Malformed.class,
                () -> MeshPacket.decode(HEX.parseHex("2a0100" + "4808")), "hop limit 8");
        assertThrows(IllegalArgumentException.class, () -> Data.text("x".repeat(234)));
    }

    @Test
    void streamDecoderSkipsNoiseAndBogusLengths() {
        StreamFraming d = new StreamFraming();
        byte[] good = StreamFraming.frame(new byte[] {1, 2, 3});
        byte[] bogus = {(byte) 0x94, (byte) 0xC3, 0x7F, (byte) 0xFF}; // 32767 bytes: not a frame
        byte[] stream = new byte[bogus.length + 3 + good.length];
        System.arraycopy(bogus, 0, stream, 0, bogus.length);
        stream[4] = (byte) 0x94; // a lone start byte
        stream[5] = 'x';
        stream[6] = '\n';
        System.arraycopy(good, 0, stream, 7, good.length);
        List<byte[]> frames = d.feed(stream);
        assertEquals(1, frames.size());
        assertArrayEquals(new byte[] {1, 2, 3}, frames.get(0));
        assertEquals(1, d.oversizeHeaders());
        assertEquals(7, d.skippedBytes());
        assertThrows(IllegalArgumentException.class, () -> StreamFraming.frame(new byte[513]));
    }
}
