package net.sovereignbridge.p2p.relay;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors made with js-libp2p's own codec (@libp2p/circuit-relay-v2 4.2.13, its protons-generated
 * pb/index.js; the script is in docs/nat.md), so both directions agree byte for byte.
 */
class CircuitCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    static final String PEER = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

    private static CircuitPeer peer() {
        return new CircuitPeer(PeerId.toBytes(PeerId.decode(PEER)), List.of());
    }

    @Test
    void reserveMatchesJs() throws Exception {
        assertEquals("0800", HEX.formatHex(CircuitCodec.encode(HopMessage.reserve())));
        assertEquals(HopMessage.reserve(), CircuitCodec.decodeHop(HEX.parseHex("0800")));
    }

    @Test
    void connectMatchesJs() throws Exception {
        String js = "080112280a260024080112202ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37eb1336b";
        assertEquals(js, HEX.formatHex(CircuitCodec.encode(HopMessage.connect(peer()))));
        HopMessage m = CircuitCodec.decodeHop(HEX.parseHex(js));
        assertEquals(HopMessage.Type.CONNECT, m.type());
        assertEquals(PEER, m.peer().peerId());
    }

    @Test
    void statusWithReservationAndLimitMatchesJs() throws Exception {
        String js = "08021a100880a4a7da061208040a4d0001060fa122060878108080082864";
        HopMessage ours = new HopMessage(HopMessage.Type.STATUS, null,
                new Reservation(1_800_000_000L, List.of(Multiaddr.parse("/ip4/10.77.0.1/tcp/4001")), null),
                new CircuitLimit(120, 131072), CircuitStatus.OK);
        assertEquals(js, HEX.formatHex(CircuitCodec.encode(ours)));
        assertEquals(ours, CircuitCodec.decodeHop(HEX.parseHex(js)));
    }

    @Test
    void stopMessagesMatchJs() throws Exception {
        String connect = "080012280a260024080112202ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37eb1336b1a06087810808008";
        StopMessage m = new StopMessage(StopMessage.Type.CONNECT, peer(), new CircuitLimit(120, 131072), null);
        assertEquals(connect, HEX.formatHex(CircuitCodec.encode(m)));
        assertEquals(m, CircuitCodec.decodeStop(HEX.parseHex(connect)));
        assertEquals("080120cc01", HEX.formatHex(CircuitCodec.encode(StopMessage.status(CircuitStatus.NO_RESERVATION))));
        assertEquals(CircuitStatus.NO_RESERVATION, CircuitCodec.decodeStop(HEX.parseHex("080120cc01")).status());
    }

    @Test
    void badInputGetsTypedErrors() {
        assertError(CircuitMessageException.Error.MISSING_TYPE, () -> CircuitCodec.decodeHop(new byte[0]));
        assertError(CircuitMessageException.Error.UNKNOWN_ENUM, () -> CircuitCodec.decodeHop(HEX.parseHex("0807")));
        assertError(CircuitMessageException.Error.UNKNOWN_ENUM, () -> CircuitCodec.decodeStop(HEX.parseHex("08012063")));
        assertError(CircuitMessageException.Error.MALFORMED_PROTOBUF, () -> CircuitCodec.decodeHop(HEX.parseHex("0801120a")));
        // a Peer whose id is not a multihash (length byte says 5, one byte follows)
        assertError(CircuitMessageException.Error.BAD_FIELD, () -> CircuitCodec.decodeHop(HEX.parseHex("080112040a020005")));
        // a limit of 2^32 s
        assertError(CircuitMessageException.Error.BAD_FIELD, () -> CircuitCodec.decodeHop(HEX.parseHex("08022206088080808010")));
        assertError(CircuitMessageException.Error.TOO_LARGE, () -> CircuitCodec.readFrame(new ByteArrayInputStream(HEX.parseHex("812000"))));
        assertError(CircuitMessageException.Error.TRUNCATED, () -> CircuitCodec.readFrame(new ByteArrayInputStream(HEX.parseHex("0508"))));
        assertError(CircuitMessageException.Error.TRUNCATED, () -> CircuitCodec.readFrame(new ByteArrayInputStream(new byte[0])));
        assertError(CircuitMessageException.Error.BAD_LENGTH_PREFIX,
                () -> CircuitCodec.readFrame(new ByteArrayInputStream(HEX.parseHex("ffffffffffffffffff01"))));
    }

    @Test
    void addressesOfUnknownProtocolsAndOverTheCapAreDropped() throws Exception {
        ByteArrayOutputStream peerBody = new ByteArrayOutputStream();
        peerBody.writeBytes(HEX.parseHex("0a26"));
        peerBody.writeBytes(PeerId.toBytes(PeerId.decode(PEER)));
        byte[] quic = HEX.parseHex("040a4d0001910203a503"); // /ip4/10.77.0.1/udp/.../quic-v1: codes we do not know
        byte[] tcp = Multiaddr.parse("/ip4/10.77.0.1/tcp/4001").toBytes();
        peerBody.write(0x12);
        peerBody.write(quic.length);
        peerBody.writeBytes(quic);
        for (int i = 0; i < CircuitCodec.MAX_ADDRS + 5; i++) {
            peerBody.write(0x12);
            peerBody.write(tcp.length);
            peerBody.writeBytes(tcp);
        }
        byte[] peer = peerBody.toByteArray();
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        msg.writeBytes(HEX.parseHex("0801"));
        msg.write(0x12);
        msg.writeBytes(varint(peer.length));
        msg.writeBytes(peer);
        HopMessage m = CircuitCodec.decodeHop(msg.toByteArray());
        assertEquals(CircuitCodec.MAX_ADDRS, m.peer().addrs().size());
    }

    @Test
    void framesRoundTripThroughAStream() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CircuitCodec.write(out, HopMessage.connect(peer()));
        CircuitCodec.write(out, StopMessage.status(CircuitStatus.OK));
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(HopMessage.connect(peer()), CircuitCodec.readHop(in));
        assertEquals(StopMessage.status(CircuitStatus.OK), CircuitCodec.readStop(in));
    }

    @Test
    void voucherIsSignedByTheRelayAndChecked() throws Exception {
        NodeIdentity relay = NodeIdentity.generate(new java.security.SecureRandom());
        NodeIdentity other = NodeIdentity.generate(new java.security.SecureRandom());
        byte[] relayId = PeerId.toBytes(relay.publicIdentity().publicKey());
        byte[] peerId = PeerId.toBytes(other.publicIdentity().publicKey());
        byte[] sealed = new ReservationVoucher(relayId, peerId, 1_800_000_000L).seal(relay);
        ReservationVoucher v = ReservationVoucher.open(sealed, relay.publicIdentity().publicKey());
        assertArrayEquals(peerId, v.peer());
        assertEquals(1_800_000_000L, v.expiration());
        ProtoException e = assertThrows(ProtoException.class, () -> ReservationVoucher.open(sealed, other.publicIdentity().publicKey()));
        assertTrue(e.getMessage().contains("another key"), e.getMessage());
    }

    private static byte[] varint(int v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        net.sovereignbridge.mesh.encoding.UnsignedVarint.write(v, o);
        return o.toByteArray();
    }

    private static void assertError(CircuitMessageException.Error expected, org.junit.jupiter.api.function.Executable e) {
        CircuitMessageException x = assertThrows(CircuitMessageException.class, e);
        assertEquals(expected, x.error, x.getMessage());
    }
}
