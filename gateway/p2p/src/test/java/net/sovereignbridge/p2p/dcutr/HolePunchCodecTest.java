package net.sovereignbridge.p2p.dcutr;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

/** Golden vectors from js-libp2p's own codec (@libp2p/dcutr 3.0.28, dist/src/pb/message.js; docs/nat.md). */
class HolePunchCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void connectAndSyncMatchJs() throws Exception {
        String js = "08641208040a4d000b060fa1120f360a65696d2e6e61746c6162060fa1";
        HolePunch connect = new HolePunch(HolePunch.Type.CONNECT,
                List.of(Multiaddr.parse("/ip4/10.77.0.11/tcp/4001"), Multiaddr.parse("/dns4/eim.natlab/tcp/4001")));
        assertEquals(js, HEX.formatHex(HolePunchCodec.encode(connect)));
        assertEquals(connect, HolePunchCodec.decode(HEX.parseHex(js)));
        HolePunch sync = new HolePunch(HolePunch.Type.SYNC, List.of());
        assertEquals("08ac02", HEX.formatHex(HolePunchCodec.encode(sync)));
        assertEquals(sync, HolePunchCodec.decode(HEX.parseHex("08ac02")));
    }

    @Test
    void badInputGetsTypedErrors() {
        assertError(HolePunchException.Error.BAD_TYPE, () -> HolePunchCodec.decode(new byte[0]));
        assertError(HolePunchException.Error.BAD_TYPE, () -> HolePunchCodec.decode(HEX.parseHex("0800")));
        assertError(HolePunchException.Error.MALFORMED_PROTOBUF, () -> HolePunchCodec.decode(HEX.parseHex("08641205")));
        assertError(HolePunchException.Error.TOO_LARGE, () -> HolePunchCodec.read(new ByteArrayInputStream(HEX.parseHex("812000"))));
        assertError(HolePunchException.Error.TRUNCATED, () -> HolePunchCodec.read(new ByteArrayInputStream(HEX.parseHex("0308"))));
        assertError(HolePunchException.Error.BAD_LENGTH_PREFIX,
                () -> HolePunchCodec.read(new ByteArrayInputStream(HEX.parseHex("ffffffffffffffffff01"))));
    }

    @Test
    void unknownAddressesAreDroppedAndRandomBytesGiveOnlyTypedErrors() throws Exception {
        // an address of a protocol we do not know (udp 273) between two we do
        HolePunch m = HolePunchCodec.decode(HEX.parseHex("0864" + "1208040a4d000b060fa1" + "1204910203e8" + "1208040a4d000b060fa1"));
        assertEquals(2, m.obsAddrs().size());
        Random r = new Random(23);
        byte[] good = HEX.parseHex("08641208040a4d000b060fa1120f360a65696d2e6e61746c6162060fa1");
        for (int i = 0; i < 20000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[r.nextInt(80)];
                r.nextBytes(b);
            } else {
                b = Arrays.copyOf(good, r.nextInt(good.length + 1));
                if (b.length > 0) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            try {
                assertNotNull(HolePunchCodec.decode(b));
            } catch (HolePunchException e) {
                assertNotNull(e.error);
            }
        }
    }

    private static void assertError(HolePunchException.Error expected, org.junit.jupiter.api.function.Executable e) {
        HolePunchException x = assertThrows(HolePunchException.class, e);
        assertEquals(expected, x.error, x.getMessage());
    }
}
