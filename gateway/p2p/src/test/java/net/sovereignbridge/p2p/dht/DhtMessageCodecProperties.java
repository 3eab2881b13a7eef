package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import org.junit.jupiter.api.Test;

class DhtMessageCodecProperties {
    private static final HexFormat HEX = HexFormat.of();

    @Provide
    Arbitrary<DhtMessage> messages() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<byte[]> ids = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40);
        Arbitrary<DhtMessage.Peer> peers = Combinators.combine(ids, bytes.list().ofMaxSize(4),
                Arbitraries.of(DhtMessage.Connection.class)).as(DhtMessage.Peer::new);
        Arbitrary<DhtMessage.Record> records = Combinators.combine(bytes, bytes,
                Arbitraries.strings().alpha().numeric().ofMaxLength(30)).as(DhtMessage.Record::new).injectNull(0.3);
        return Combinators.combine(Arbitraries.of(DhtMessage.Type.class), bytes, records, peers.list().ofMaxSize(20),
                peers.list().ofMaxSize(20)).as(DhtMessage::new);
    }

    @Property(tries = 500)
    void everyMessageDecodesToItself(@ForAll("messages") DhtMessage m) {
        var r = DhtMessageCodec.decode(DhtMessageCodec.encode(m));
        DhtMessageCodec.Ok ok = assertInstanceOf(DhtMessageCodec.Ok.class, r);
        assertEquals(m, ok.message());
        assertEquals(0, ok.dropped());
    }

    @Property(tries = 3000)
    void hostileBytesNeverThrow(@ForAll @Size(max = 300) byte[] junk) {
        assertNotNull(DhtMessageCodec.decode(junk));
    }

    @Property(tries = 1000)
    void corruptedMessagesNeverThrow(@ForAll("messages") DhtMessage m, @ForAll int position, @ForAll byte value,
                                     @ForAll boolean truncate) {
        byte[] data = DhtMessageCodec.encode(m);
        if (data.length == 0) return;
        int at = Math.floorMod(position, data.length);
        byte[] bad = truncate ? java.util.Arrays.copyOf(data, at) : data.clone();
        if (!truncate) bad[at] = value;
        assertNotNull(DhtMessageCodec.decode(bad));
    }

    @Test
    void knownEncoding() {
        // type FIND_NODE (08 04), key "abc" (12 03 616263), one closer peer {id 0x01 0x02, addr 0x04 7f000001}
        DhtMessage m = new DhtMessage(DhtMessage.Type.FIND_NODE, "abc".getBytes(), null,
                List.of(new DhtMessage.Peer(new byte[] {1, 2}, List.of(HEX.parseHex("047f000001")),
                        DhtMessage.Connection.CONNECTED)), List.of());
        assertEquals("0804120361626342" + "0d" + "0a020102" + "1205047f000001" + "1801",
                HEX.formatHex(DhtMessageCodec.encode(m)));
        // framed: uvarint length prefix
        assertEquals("16", HEX.formatHex(DhtMessageCodec.encodeFramed(m)).substring(0, 2));
    }

    @Test
    void missingTypeIsPutValueAndUnknownFieldsAreSkipped() {
        // key "k", unknown field 10 (clusterLevelRaw) varint 5, unknown field 15 fixed32, unknown field 16 length-delimited
        byte[] data = HEX.parseHex("12016b" + "5005" + "7d01020304" + "820102aabb");
        var ok = assertInstanceOf(DhtMessageCodec.Ok.class, DhtMessageCodec.decode(data));
        assertEquals(DhtMessage.Type.PUT_VALUE, ok.message().type());
        assertArrayEquals("k".getBytes(), ok.message().key());
    }

    @Test
    void hugeCloserPeerListsAreTruncatedAndLongAddressesDropped() {
        List<DhtMessage.Peer> many = new ArrayList<>();
        for (int i = 0; i < 20000; i++) many.add(new DhtMessage.Peer(new byte[] {(byte) i, (byte) (i >> 8), 1}, List.of(), DhtMessage.Connection.NOT_CONNECTED));
        List<byte[]> addrs = new ArrayList<>();
        for (int i = 0; i < 40; i++) addrs.add(new byte[] {4, 127, 0, 0, (byte) i});
        addrs.add(new byte[300]);
        many.set(0, new DhtMessage.Peer(new byte[] {9}, addrs, DhtMessage.Connection.NOT_CONNECTED));
        DhtMessage m = new DhtMessage(DhtMessage.Type.FIND_NODE, new byte[] {1}, null, many, List.of());
        byte[] data = DhtMessageCodec.encode(m);
        var limits = new DhtMessageCodec.Limits(1 << 20, 512, 16384, 20, 16, 256, 64);
        var ok = assertInstanceOf(DhtMessageCodec.Ok.class, DhtMessageCodec.decode(data, limits));
        assertEquals(20, ok.message().closerPeers().size());
        assertEquals(16, ok.message().closerPeers().get(0).addrs().size());
        assertEquals(19980 + 25, ok.dropped());
        // with the default 64 KiB message limit the same message is refused outright
        var failed = assertInstanceOf(DhtMessageCodec.Failed.class, DhtMessageCodec.decode(data));
        assertEquals(DhtMessageCodec.Error.TOO_LARGE, failed.error());
    }

    @Test
    void typedErrors() {
        assertError(DhtMessageCodec.Error.UNKNOWN_TYPE, "0809");
        assertError(DhtMessageCodec.Error.TRUNCATED, "1205616263");
        assertError(DhtMessageCodec.Error.BAD_VARINT, "08ffffffffffffffffffff01");
        assertError(DhtMessageCodec.Error.BAD_WIRE_TYPE, "0b");
        assertError(DhtMessageCodec.Error.BAD_WIRE_TYPE, "0a0104");
        assertError(DhtMessageCodec.Error.BAD_PEER_ID, "0804" + "4202" + "1200");
        ByteArrayOutputStream longKey = new ByteArrayOutputStream();
        longKey.write(0x12);
        UnsignedVarint.write(600, longKey);
        longKey.writeBytes(new byte[600]);
        assertError(DhtMessageCodec.Error.KEY_TOO_LONG, HEX.formatHex(longKey.toByteArray()));
        assertError(DhtMessageCodec.Error.BAD_UTF8, "1a03" + "2a01ff");
    }

    private static void assertError(DhtMessageCodec.Error expected, String hex) {
        var r = DhtMessageCodec.decode(HEX.parseHex(hex));
        var failed = assertInstanceOf(DhtMessageCodec.Failed.class, r, () -> "expected " + expected + " for " + hex);
        assertEquals(expected, failed.error(), failed.detail());
    }
}
