package net.sovereignbridge.p2p.identify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;
import org.junit.jupiter.api.Test;

class IdentifyMessageTest {

    @Test
    void roundTripAndFieldLayout() throws Exception {
        IdentifyMessage m = new IdentifyMessage("ipfs/0.1.0", "sbridge/dev", new byte[] {8, 1, 18, 0}, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001")),
                Multiaddr.parse("/ip4/10.0.0.1/tcp/50000"), List.of("/ipfs/id/1.0.0"), new byte[] {1, 2});
        byte[] b = m.encode();
        // 2a = field 5 (protocolVersion), 32 = 6, 0a = 1, 12 = 2, 22 = 4, 1a = 3, 42 = 8: js-libp2p's order
        assertEquals("2a0a697066732f302e312e30" + "320b736272696467652f646576" + "0a0408011200" + "1208047f000001060fa1"
                + "2208040a00000106c350" + "1a0e2f697066732f69642f312e302e30" + "42020102", HexFormat.of().formatHex(b));
        IdentifyMessage d = IdentifyMessage.decode(b);
        assertEquals(m.protocolVersion(), d.protocolVersion());
        assertEquals(m.agentVersion(), d.agentVersion());
        assertArrayEquals(m.publicKey(), d.publicKey());
        assertEquals(m.listenAddrs(), d.listenAddrs());
        assertEquals(m.observedAddr(), d.observedAddr());
        assertEquals(m.protocols(), d.protocols());
        assertArrayEquals(m.signedPeerRecord(), d.signedPeerRecord());
    }

    @Test
    void unknownAddressTypesAreDroppedUnknownFieldsSkipped() throws Exception {
        // /ip4/1.2.3.4/udp/4001/quic-v1: udp (273) is not a protocol we speak
        byte[] quic = HexFormat.of().parseHex("0401020304910206" + "0fa1cc03");
        byte[] b = new ProtoWriter().bytes(2, quic).bytes(2, Multiaddr.parse("/ip4/1.2.3.4/tcp/1").toBytes())
                .varint(99, 7).string(3, "/x/1").toByteArray();
        IdentifyMessage d = IdentifyMessage.decode(b);
        assertEquals(List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1")), d.listenAddrs());
        assertEquals(List.of("/x/1"), d.protocols());
    }

    @Test
    void limitsAreEnforced() {
        ProtoWriter w = new ProtoWriter();
        for (int i = 0; i <= IdentifyMessage.MAX_PROTOCOLS; i++) w.string(3, "/p/" + i);
        ProtoException e = assertThrows(ProtoException.class, () -> IdentifyMessage.decode(w.toByteArray()));
        assertTrue(e.getMessage().contains("more than 128 protocols"), e.getMessage());

        assertThrows(ProtoException.class, () -> IdentifyMessage.decode(new byte[IdentifyMessage.MAX_LENGTH + 1]));

        byte[] utf8 = new ProtoWriter().bytes(6, new byte[] {(byte) 0xC3, 0x28}).toByteArray();
        e = assertThrows(ProtoException.class, () -> IdentifyMessage.decode(utf8));
        assertTrue(e.getMessage().contains("field 6 is not UTF-8"), e.getMessage());
    }

    @Test
    void framedReadRefusesALengthOverTheLimitBeforeReading() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        UnsignedVarint.write(1L << 27, b); // claims 128 MiB (a 4-byte prefix), sends nothing more
        ProtoException e = assertThrows(ProtoException.class, () -> IdentifyService.readMessage(new ByteArrayInputStream(b.toByteArray())));
        assertTrue(e.getMessage().contains("over the 8192-byte limit"), e.getMessage());
    }

    @Property(tries = 3000)
    void decodeGivesTypedErrorsOnly(@ForAll byte[] bytes) {
        try {
            IdentifyMessage.decode(bytes);
        } catch (ProtoException expected) {
            // the only allowed failure
        }
    }

    @Property(tries = 500)
    void roundTripsArbitraryProtocolLists(@ForAll List<@net.jqwik.api.constraints.StringLength(max = 40) String> protocols) throws Exception {
        List<String> ps = new ArrayList<>(protocols.subList(0, Math.min(protocols.size(), 50)));
        IdentifyMessage m = new IdentifyMessage(null, null, null, List.of(), null, ps, null);
        assertEquals(ps, IdentifyMessage.decode(m.encode()).protocols());
    }
}
