package net.sovereignbridge.p2p.bitswap;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import net.sovereignbridge.p2p.content.Cid;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import org.junit.jupiter.api.Test;

/** The bitswap 1.2.0 message layout of docs/content.md, and its limits. */
class BitswapMessageTest {
    private static final BitswapMessage.Limits LIMITS = new BitswapMessage.Limits(4 << 20, 4, 1000);

    @Test
    void aWantBlockForTheLeafOfAIsTheDocumentedBytes() throws Exception {
        Cid a = Cid.parse("bafkreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm");
        BitswapMessage m = BitswapMessage.wants(List.of(new BitswapMessage.Entry(a.toBytes(), 1, false, BitswapMessage.WantType.BLOCK, true)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BitswapMessage.write(out, m.encode());
        assertEquals("2e0a2c0a2a0a2401551220ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb10012801",
                HexFormat.of().formatHex(out.toByteArray()));
        byte[] frame = BitswapMessage.read(new ByteArrayInputStream(out.toByteArray()), 100);
        BitswapMessage back = BitswapMessage.decode(frame, LIMITS);
        assertArrayEquals(a.toBytes(), back.wantlist().get(0).cid());
        assertTrue(back.wantlist().get(0).sendDontHave());
        assertEquals(BitswapMessage.WantType.BLOCK, back.wantlist().get(0).type());
    }

    @Test
    void blocksAndPresencesRoundTrip() throws Exception {
        byte[] data = "hello".getBytes();
        Cid c = Cid.of(Cid.RAW, data);
        BitswapMessage m = new BitswapMessage(List.of(), false, List.of(new BitswapMessage.Block(c.prefix(), data)),
                List.of(new BitswapMessage.Presence(c.toBytes(), false)));
        BitswapMessage back = BitswapMessage.decode(m.encode(), LIMITS);
        assertArrayEquals(data, back.blocks().get(0).data());
        assertEquals(Cid.RAW, Bitswap.prefixCodec(back.blocks().get(0).prefix()));
        assertFalse(back.presences().get(0).have());
    }

    @Test
    void overLimitsAndOldFormatsAreRefusedByName() {
        List<BitswapMessage.Entry> five = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) five.add(new BitswapMessage.Entry(new byte[] {1, (byte) i}, 0, false, BitswapMessage.WantType.HAVE, false));
        ProtoException many = assertThrows(ProtoException.class, () -> BitswapMessage.decode(BitswapMessage.wants(five).encode(), LIMITS));
        assertTrue(many.getMessage().contains("more than 4 entries"), many.getMessage());
        byte[] big = new byte[1001];
        ProtoException large = assertThrows(ProtoException.class, () -> BitswapMessage.decode(
                new BitswapMessage(List.of(), false, List.of(new BitswapMessage.Block(new byte[] {1, 0x55, 0x12, 0x20}, big)), List.of()).encode(), LIMITS));
        assertTrue(large.getMessage().contains("limit 1000"), large.getMessage());
        ProtoException v100 = assertThrows(ProtoException.class, () -> BitswapMessage.decode(new byte[] {0x12, 0x01, 0x00}, LIMITS));
        assertTrue(v100.getMessage().contains("1.0.0"), v100.getMessage());
        ProtoException frame = assertThrows(ProtoException.class, () -> BitswapMessage.read(new ByteArrayInputStream(new byte[] {(byte) 0x80, 0x40}), 4096));
        assertTrue(frame.getMessage().contains("over the limit of 4096"), frame.getMessage());
    }
}
