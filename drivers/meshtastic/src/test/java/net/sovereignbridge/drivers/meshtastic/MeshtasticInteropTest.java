package net.sovereignbridge.drivers.meshtastic;

import static net.sovereignbridge.drivers.meshtastic.MeshtasticPeer.hex;
import static net.sovereignbridge.drivers.meshtastic.MeshtasticPeer.hexText;
import static net.sovereignbridge.drivers.meshtastic.MeshtasticPeer.text;
import static net.sovereignbridge.drivers.meshtastic.MeshtasticPeer.unsigned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our hand-written encoders and decoders against Meshtastic's own protobuf definitions and Node's AES-CTR, both
 * ways: text messages, node info (User) and positions over the air; ServiceEnvelope for MQTT; ToRadio/FromRadio
 * for the serial stream API.
 */
class MeshtasticInteropTest {
    private static MeshtasticPeer peer;
    private static final int FROM = 0xDEADBEEF;
    private static final Channel LONG_FAST = Channel.defaultChannel();
    private static final Channel PRIVATE = Channel.of("Bridge", MeshtasticPeer.HEX.parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));

    @BeforeAll
    static void start() throws Exception {
        peer = MeshtasticPeer.start();
    }

    @AfterAll
    static void stop() {
        if (peer != null) peer.close();
    }

    private static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void theyDecodeOurTextBroadcast() throws Exception {
        for (Channel ch : List.of(LONG_FAST, PRIVATE)) {
            PacketHeader h = new PacketHeader(PacketHeader.BROADCAST, FROM, 0x7A01B2C3, 3, false, false, 3, ch.hash(), 0, 0x5A);
            Data d = Data.text("grüße über LoRa").withBitfield(Data.OK_TO_MQTT);
            byte[] frame = MeshtasticCodec.seal(h, d, ch);
            Map<String, String> r = peer.call("decode", args("frame", hex(frame), "key", hex(ch.key())));
            assertEquals(unsigned(PacketHeader.BROADCAST), r.get("to"));
            assertEquals(unsigned(FROM), r.get("from"));
            assertEquals(unsigned(0x7A01B2C3), r.get("id"));
            assertEquals(String.valueOf(3 | 3 << 5), r.get("flags"));
            assertEquals(String.valueOf(ch.hash()), r.get("channel"));
            assertEquals("90", r.get("relayNode"));
            assertEquals("1", r.get("portnum"));
            assertEquals("grüße über LoRa", text(r.get("text")));
            assertEquals("1", r.get("bitfield"));
        }
    }

    @Test
    void weDecodeTheirTextBroadcast() throws Exception {
        Map<String, String> r = peer.call("encode", args("to", unsigned(PacketHeader.BROADCAST), "from", unsigned(FROM),
                "id", 42, "flags", 3 | 0x08 | 5 << 5, "channel", LONG_FAST.hash(), "key", hex(LONG_FAST.key()),
                "port", 1, "text", hexText("hello mesh"), "bitfield", 1));
        MeshtasticCodec.Opened o = MeshtasticCodec.open(MeshtasticPeer.HEX.parseHex(r.get("frame")),
                List.of(PRIVATE, LONG_FAST));
        assertEquals(LONG_FAST, o.channel());
        assertEquals(FROM, o.header().from());
        assertEquals(42, o.header().id());
        assertEquals(3, o.header().hopLimit());
        assertEquals(5, o.header().hopStart());
        assertTrue(o.header().wantAck());
        assertEquals(PortNum.TEXT_MESSAGE_APP, o.data().portnum());
        assertEquals("hello mesh", o.data().text());
        assertTrue(o.data().okToMqtt());
    }

    @Test
    void nodeInfoBothWays() throws Exception {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) key[i] = (byte) (i * 7);
        User ours = new User(PacketHeader.nodeId(FROM), "Sovereign Bridge gw", "SBgw", User.PRIVATE_HW, false, 0, key);
        PacketHeader h = PacketHeader.originate(PacketHeader.BROADCAST, FROM, 77, 3, false, LONG_FAST.hash());
        byte[] frame = MeshtasticCodec.seal(h, Data.of(PortNum.NODEINFO_APP, ours.encode()), LONG_FAST);
        Map<String, String> r = peer.call("decode", args("frame", hex(frame), "key", hex(LONG_FAST.key())));
        assertEquals("4", r.get("portnum"));
        assertEquals("!deadbeef", text(r.get("uid")));
        assertEquals("Sovereign Bridge gw", text(r.get("long")));
        assertEquals("SBgw", text(r.get("short")));
        assertEquals("255", r.get("hw"));
        assertEquals(hex(key), r.get("pubkey"));

        r = peer.call("encode", args("to", unsigned(PacketHeader.BROADCAST), "from", "305419896", "id", 9, "flags", 3,
                "channel", LONG_FAST.hash(), "key", hex(LONG_FAST.key()), "port", 4, "uid", hexText("!12345678"),
                "long", hexText("Hiker 🥾"), "short", hexText("HK"), "hw", 43, "role", 2, "pubkey", hex(key)));
        MeshtasticCodec.Opened o = MeshtasticCodec.open(MeshtasticPeer.HEX.parseHex(r.get("frame")), List.of(LONG_FAST));
        User theirs = User.decode(o.data().payload());
        assertEquals(new User("!12345678", "Hiker 🥾", "HK", 43, false, 2, key), theirs);
    }

    @Test
    void positionBothWays() throws Exception {
        Position ours = Position.at(52.520008, 13.404954, -12, 1_750_000_000, 32);
        PacketHeader h = PacketHeader.originate(PacketHeader.BROADCAST, FROM, 78, 3, false, PRIVATE.hash());
        byte[] frame = MeshtasticCodec.seal(h, Data.of(PortNum.POSITION_APP, ours.encode()), PRIVATE);
        Map<String, String> r = peer.call("decode", args("frame", hex(frame), "key", hex(PRIVATE.key())));
        assertEquals("3", r.get("portnum"));
        assertEquals("525200080", r.get("lat"));
        assertEquals("134049540", r.get("lon"));
        assertEquals("-12", r.get("alt"), "negative int32 altitude");
        assertEquals("1750000000", r.get("time"));
        assertEquals("32", r.get("precision"));

        r = peer.call("encode", args("to", unsigned(PacketHeader.BROADCAST), "from", "305419896", "id", 10, "flags", 3,
                "channel", PRIVATE.hash(), "key", hex(PRIVATE.key()), "port", 3, "lat", -338688000, "lon", 1512093000,
                "alt", 58, "time", "3000000000", "precision", 13, "sats", 9));
        Position theirs = Position.decode(MeshtasticCodec.open(MeshtasticPeer.HEX.parseHex(r.get("frame")),
                List.of(PRIVATE)).data().payload());
        assertEquals(-33.8688, theirs.latitude(), 1e-7);
        assertEquals(151.2093, theirs.longitude(), 1e-7);
        assertEquals(58, theirs.altitude().getAsInt());
        assertEquals("3000000000", Integer.toUnsignedString(theirs.time()), "fixed32 above 2^31");
        assertEquals(13, theirs.precisionBits());
        assertEquals(9, theirs.satsInView());
    }

    @Test
    void serviceEnvelopesForMqttBothWays() throws Exception {
        PacketHeader h = new PacketHeader(0x11223344, FROM, 0x0BADF00D, 2, true, false, 3, LONG_FAST.hash(), 0, 0xEF);
        byte[] frame = MeshtasticCodec.seal(h, Data.text("to mqtt"), LONG_FAST);
        RadioFrame f = RadioFrame.decode(frame);
        ServiceEnvelope ours = new ServiceEnvelope(MeshPacket.fromAir(h, f.encryptedPayload(), 1_760_000_000, 6.25f,
                -97), "LongFast", "!a1b2c3d4");
        assertEquals("msh/EU_868/2/e/LongFast/!a1b2c3d4", ours.topic("msh/EU_868"));
        Map<String, String> r = peer.call("envelope-decode", args("hex", hex(ours.encode())));
        assertEquals("LongFast", text(r.get("channelId")));
        assertEquals("!a1b2c3d4", text(r.get("gatewayId")));
        assertEquals(unsigned(FROM), r.get("from"));
        assertEquals(unsigned(0x11223344), r.get("to"));
        assertEquals(unsigned(0x0BADF00D), r.get("id"));
        assertEquals("2", r.get("hopLimit"));
        assertEquals("3", r.get("hopStart"));
        assertEquals("1", r.get("wantAck"));
        assertEquals("-97", r.get("rxRssi"));
        assertEquals("239", r.get("relayNode"));
        assertEquals(hex(f.encryptedPayload()), r.get("encrypted"));

        r = peer.call("envelope-encode", args("from", unsigned(FROM), "to", unsigned(PacketHeader.BROADCAST), "id", 5,
                "channel", LONG_FAST.hash(), "hopLimit", 3, "hopStart", 3, "viaMqtt", 1, "rxRssi", -120,
                "encrypted", hex(f.encryptedPayload()), "channelId", hexText("LongFast"), "gatewayId", hexText("!00000099")));
        ServiceEnvelope theirs = ServiceEnvelope.decode(MeshtasticPeer.HEX.parseHex(r.get("hex")));
        assertEquals("LongFast", theirs.channelId());
        assertEquals("!00000099", theirs.gatewayId());
        assertEquals(-120, theirs.packet().rxRssi(), "negative int32 from protobuf-es");
        assertTrue(theirs.packet().viaMqtt());
        assertArrayEquals(f.encryptedPayload(), theirs.packet().encrypted().orElseThrow());
    }

    @Test
    void streamApiToRadioAndFromRadio() throws Exception {
        MeshPacket out = MeshPacket.decoded(0, PacketHeader.BROADCAST, 0, 0x1234, 3, false, Data.text("via usb"));
        byte[] framed = StreamFraming.frame(ToRadio.send(out).encode());
        assertEquals(0x94, framed[0] & 0xFF);
        assertEquals(0xC3, framed[1] & 0xFF);
        byte[] body = java.util.Arrays.copyOfRange(framed, 4, framed.length);
        Map<String, String> r = peer.call("toradio-decode", args("hex", hex(body)));
        assertEquals("packet", r.get("variant"));
        assertEquals("via usb", text(r.get("text")));
        assertEquals(unsigned(0x1234), r.get("id"));
        assertEquals("wantConfigId", peer.call("toradio-decode", args("hex", hex(ToRadio.wantConfig(69).encode())))
                .get("variant"));

        // a device's output: log text, then FromRadio frames
        StreamFraming decoder = new StreamFraming();
        String myInfo = peer.call("fromradio-encode", args("fid", 1, "myNode", "3735928559")).get("hex");
        String packet = peer.call("fromradio-encode", args("fid", 2, "from", "305419896", "to", unsigned(-1), "id", 99,
                "hopLimit", 3, "hopStart", 3, "port", 1, "text", hexText("from the node"))).get("hex");
        String complete = peer.call("fromradio-encode", args("fid", 3, "configComplete", 69)).get("hex");
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        wire.writeBytes("INFO  | ??:??:?? 2 [Router] booting\r\n".getBytes());
        for (String h : List.of(myInfo, packet, complete)) wire.writeBytes(StreamFraming.frame(MeshtasticPeer.HEX.parseHex(h)));
        byte[] all = wire.toByteArray();
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < all.length; i += 7) frames.addAll(decoder.feed(all, i, Math.min(7, all.length - i)));
        assertEquals(3, frames.size());
        assertEquals("3735928559", Integer.toUnsignedString(FromRadio.decode(frames.get(0)).myNodeNum().getAsInt()));
        FromRadio p = FromRadio.decode(frames.get(1));
        assertEquals("from the node", p.packet().orElseThrow().decoded().orElseThrow().text());
        assertEquals(0x12345678, p.packet().get().from());
        assertEquals(Optional.empty(), FromRadio.decode(frames.get(2)).packet());
        assertEquals(69, FromRadio.decode(frames.get(2)).configCompleteId().getAsInt());
        assertEquals(37, decoder.skippedBytes(), "the log line");
    }
}
