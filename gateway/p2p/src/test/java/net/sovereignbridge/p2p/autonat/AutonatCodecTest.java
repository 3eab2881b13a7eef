package net.sovereignbridge.p2p.autonat;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.autonat.AutonatMessage.Status;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

/** Golden vectors from js-libp2p's own codec (@libp2p/autonat 3.0.28, dist/src/pb/index.js; docs/nat.md). */
class AutonatCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    static final String PEER = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

    @Test
    void dialMatchesJs() throws Exception {
        String js = "080012340a320a260024080112202ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37eb1336b1208040a4d000b060fa1";
        AutonatMessage m = AutonatMessage.dial(PeerId.toBytes(PeerId.decode(PEER)), List.of(Multiaddr.parse("/ip4/10.77.0.11/tcp/4001")));
        assertEquals(js, HEX.formatHex(AutonatCodec.encode(m)));
        assertEquals(m, AutonatCodec.decode(HEX.parseHex(js)));
    }

    @Test
    void responsesMatchJs() throws Exception {
        AutonatMessage ok = AutonatMessage.response(Status.OK, null, Multiaddr.parse("/ip4/10.77.0.11/tcp/4001"));
        assertEquals("08011a0c08001a08040a4d000b060fa1", HEX.formatHex(AutonatCodec.encode(ok)));
        assertEquals(ok, AutonatCodec.decode(HEX.parseHex("08011a0c08001a08040a4d000b060fa1")));
        String err = "08011a19086412156e6f206469616c61626c6520616464726573736573";
        AutonatMessage e = AutonatMessage.response(Status.E_DIAL_ERROR, "no dialable addresses", null);
        assertEquals(err, HEX.formatHex(AutonatCodec.encode(e)));
        assertEquals(e, AutonatCodec.decode(HEX.parseHex(err)));
    }

    @Test
    void badInputGetsTypedErrors() {
        assertError(AutonatMessageException.Error.BAD_TYPE, "");
        assertError(AutonatMessageException.Error.BAD_TYPE, "0802");
        assertError(AutonatMessageException.Error.BAD_TYPE, "0800");
        assertError(AutonatMessageException.Error.BAD_TYPE, "08011a0208 07".replace(" ", ""));
        assertError(AutonatMessageException.Error.BAD_FIELD, "080012040a020a00");
        assertError(AutonatMessageException.Error.MALFORMED_PROTOBUF, "08001205");
        assertError(AutonatMessageException.Error.BAD_FIELD, "08011a0508001a01ff");
        AutonatMessageException x = assertThrows(AutonatMessageException.class, () -> AutonatCodec.read(new ByteArrayInputStream(HEX.parseHex("814000"))));
        assertEquals(AutonatMessageException.Error.TOO_LARGE, x.error);
        x = assertThrows(AutonatMessageException.class, () -> AutonatCodec.read(new ByteArrayInputStream(HEX.parseHex("0a0800"))));
        assertEquals(AutonatMessageException.Error.TRUNCATED, x.error);
    }

    @Test
    void randomAndCorruptedBytesGiveOnlyTypedErrors() throws Exception {
        Random r = new Random(17);
        byte[] good = AutonatCodec.encode(AutonatMessage.dial(PeerId.toBytes(PeerId.decode(PEER)),
                List.of(Multiaddr.parse("/ip4/10.77.0.11/tcp/4001"), Multiaddr.parse("/ip6/::1/tcp/1"))));
        for (int i = 0; i < 20000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[r.nextInt(120)];
                r.nextBytes(b);
            } else {
                b = Arrays.copyOf(good, r.nextInt(good.length + 1));
                if (b.length > 0) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            try {
                assertNotNull(AutonatCodec.decode(b));
            } catch (AutonatMessageException e) {
                assertNotNull(e.error);
            }
        }
    }

    private static void assertError(AutonatMessageException.Error expected, String hex) {
        AutonatMessageException e = assertThrows(AutonatMessageException.class, () -> AutonatCodec.decode(HEX.parseHex(hex)));
        assertEquals(expected, e.error, e.getMessage());
    }
}
