package net.sovereignbridge.p2p.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Header vectors built from the field layout of hashicorp/yamux spec.md (also in docs/p2p.md). */
class YamuxHeaderTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void specVectorsEncodeAndDecode() throws Exception {
        // version 0, type WindowUpdate, flags SYN, stream 1, delta 0: how a stream is opened
        check("000100010000000100000000", new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_SYN, 1, 0));
        // Data, flags ACK|FIN, stream 2, 5 body bytes
        check("000000060000000200000005", new YamuxHeader(YamuxHeader.TYPE_DATA,
                YamuxHeader.FLAG_ACK | YamuxHeader.FLAG_FIN, 2, 5));
        // WindowUpdate, no flags, stream 3, delta 131072 (half of the 256 KiB window consumed)
        check("000100000000000300020000", new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, 0, 3, 131072));
        // Ping SYN, stream 0, opaque 0x01020304; its answer carries ACK and the same value
        check("000200010000000001020304", new YamuxHeader(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN, 0, 0x01020304));
        check("000200020000000001020304", new YamuxHeader(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_ACK, 0, 0x01020304));
        // GoAway protocol error
        check("000300000000000000000001", new YamuxHeader(YamuxHeader.TYPE_GO_AWAY, 0, 0, 1));
        // RST on stream 0xfffffffe, unsigned fields survive the top bit
        check("00010008fffffffe00000000", new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST,
                0xFFFF_FFFEL, 0));
        check("0000000000000001ffffffff", new YamuxHeader(YamuxHeader.TYPE_DATA, 0, 1, 0xFFFF_FFFFL));
    }

    private static void check(String hex, YamuxHeader h) throws Exception {
        assertEquals(hex, HEX.formatHex(h.encode()));
        assertEquals(h, YamuxHeader.decode(HEX.parseHex(hex), 0));
    }

    @Test
    void unknownVersionAndTypeAreProtocolErrors() {
        var v = assertThrows(YamuxProtocolException.class,
                () -> YamuxHeader.decode(HEX.parseHex("010000000000000100000000"), 0));
        assertTrue(v.getMessage().contains("version 1"), v.getMessage());
        var t = assertThrows(YamuxProtocolException.class,
                () -> YamuxHeader.decode(HEX.parseHex("000400000000000100000000"), 0));
        assertTrue(t.getMessage().contains("type 4"), t.getMessage());
    }

    @Test
    void encodesAtOffset() {
        byte[] b = new byte[14];
        new YamuxHeader(YamuxHeader.TYPE_DATA, 0, 7, 9).encode(b, 2);
        assertArrayEquals(HEX.parseHex("0000" + "000000000000000700000009"), b);
    }
}
