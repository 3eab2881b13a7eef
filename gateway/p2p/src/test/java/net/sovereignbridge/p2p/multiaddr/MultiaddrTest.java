package net.sovereignbridge.p2p.multiaddr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MultiaddrTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void ip4TcpMatchesTheMultiaddrSpecBytes() throws Exception {
        Multiaddr m = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
        assertEquals("047f000001060fa1", HEX.formatHex(m.toBytes()));
        assertEquals(m, Multiaddr.decode(HEX.parseHex("047f000001060fa1")));
    }

    @Test
    void wsUsesTwoByteCodeAndNoValue() throws Exception {
        Multiaddr m = Multiaddr.parse("/ip4/127.0.0.1/tcp/80/ws");
        // 477 = 0x1dd -> uvarint dd 03
        assertEquals("047f0000010600 50dd03".replace(" ", ""), HEX.formatHex(m.toBytes()));
    }

    @Test
    void textRoundTripsForEveryProtocol() throws Exception {
        String[] samples = {
            "/ip4/10.0.0.1/tcp/0",
            "/ip6/::1/tcp/4001/ws",
            "/ip6/2001:db8::2:1/tcp/443",
            "/dns/example.org/tcp/443/ws",
            "/dns4/a.b/tcp/1",
            "/dns6/a.b/tcp/65535",
            "/ip4/1.2.3.4/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
        };
        for (String s : samples) {
            Multiaddr m = Multiaddr.parse(s);
            assertEquals(s, m.toString());
            assertEquals(m, Multiaddr.decode(m.toBytes()));
        }
    }

    @Test
    void withoutPeerIdDropsTheTrailingP2p() throws Exception {
        Multiaddr m = Multiaddr.parse("/ip4/1.2.3.4/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
        assertEquals("/ip4/1.2.3.4/tcp/4001", m.withoutPeerId().toString());
    }

    @Test
    void badTextIsRejected() {
        String[] bad = {"", "ip4/1.2.3.4", "/ip4/1.2.3", "/ip4/256.0.0.1", "/tcp/65536", "/tcp/-1", "/tcp/01",
            "/udp/1", "/ip6/example.org", "/p2p/0OIl", "/p2p/abc", "/dns/", "/ip4"};
        for (String s : bad) assertThrows(MultiaddrException.class, () -> Multiaddr.parse(s), s);
    }

    @Test
    void badBytesAreRejected() {
        String[] bad = {"", "04", "047f0000", "06", "ff", "3505616263", "8080808080808080808001"};
        for (String s : bad) assertThrows(MultiaddrException.class, () -> Multiaddr.decode(HEX.parseHex(s)), s);
    }

    @Property(tries = 2000)
    void randomBytesNeverThrowUnchecked(@ForAll byte[] bytes) {
        try {
            Multiaddr m = Multiaddr.decode(bytes);
            assertArrayEquals(bytes, m.toBytes());
            assertEquals(m, Multiaddr.parse(m.toString()));
        } catch (MultiaddrException expected) {
            // typed rejection is the only allowed failure
        }
    }

    @Property(tries = 2000)
    void randomTextNeverThrowsUnchecked(@ForAll String text) {
        try {
            Multiaddr.parse("/" + text);
        } catch (MultiaddrException expected) {
            // typed rejection is the only allowed failure
        }
    }
}
