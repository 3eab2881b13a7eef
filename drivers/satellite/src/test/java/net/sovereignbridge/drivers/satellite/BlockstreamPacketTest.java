package net.sovereignbridge.drivers.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The vectors of docs/satellite.md. */
class BlockstreamPacketTest {
    @Test void documentedHeaders() throws Exception {
        BlockstreamPacket first = BlockstreamPacket.parse(HexFormat.of().parseHex("810100000000002aff"), 0, 9);
        assertEquals(new BlockstreamPacket(true, 1, 0, 42, new byte[] {(byte) 0xff}).toString().replaceAll("@.*", ""), first.toString().replaceAll("@.*", ""));
        assertEquals(true, first.moreFragments());
        assertEquals(42, first.sequence());
        assertArrayEquals(HexFormat.of().parseHex("010100010000002a"), new BlockstreamPacket(false, 1, 1, 42, new byte[0]).encode());
    }

    @Test void documentedApiHeader() {
        byte[] m = new ApiMessage("a.txt", "hi".getBytes()).encapsulate();
        assertEquals(262, m.length);
        assertArrayEquals(HexFormat.of().parseHex("000000000000ac2a93d86869"), java.util.Arrays.copyOfRange(m, 250, 262));
    }
}
