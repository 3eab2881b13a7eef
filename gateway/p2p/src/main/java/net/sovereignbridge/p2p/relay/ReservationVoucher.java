package net.sovereignbridge.p2p.relay;

import java.util.Arrays;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoReader;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;
import net.sovereignbridge.p2p.record.SignedEnvelope;

/**
 * ReservationVoucher{relay 1, peer 2 (PeerId multihash bytes), expiration 3 (unix s)}, signed by the relay
 * in an envelope of domain {@code libp2p-relay-rsvp} and payload type 0x0302: the relay's proof that it
 * holds a reservation for the peer. Peers may check it; nothing forwards on its strength alone.
 */
public record ReservationVoucher(byte[] relay, byte[] peer, long expiration) {
    public static final String DOMAIN = "libp2p-relay-rsvp";
    public static final byte[] PAYLOAD_TYPE = {0x03, 0x02};

    public ReservationVoucher {
        relay = relay.clone();
        peer = peer.clone();
    }

    @Override
    public byte[] relay() {
        return relay.clone();
    }

    @Override
    public byte[] peer() {
        return peer.clone();
    }

    public byte[] encode() {
        return new ProtoWriter().bytes(1, relay).bytes(2, peer).varint(3, expiration).toByteArray();
    }

    /** The signed envelope's bytes, as sent in {@link Reservation#voucher()}. */
    public byte[] seal(NodeIdentity relayIdentity) {
        return SignedEnvelope.seal(relayIdentity, DOMAIN, PAYLOAD_TYPE, encode()).encode();
    }

    /**
     * Decodes and checks an envelope: signed by the relay's key, for the domain and type above.
     *
     * @param relayKey the relay's Ed25519 public key (the connection's verified remote key)
     */
    public static ReservationVoucher open(byte[] envelope, byte[] relayKey) throws ProtoException {
        SignedEnvelope e = SignedEnvelope.decode(envelope);
        byte[] signer = e.verify(DOMAIN, PAYLOAD_TYPE);
        if (!Arrays.equals(signer, relayKey)) throw new ProtoException("reservation voucher: signed by another key than the relay's");
        ProtoReader r = new ProtoReader("ReservationVoucher", e.payload());
        byte[] relay = null;
        byte[] peer = null;
        long expiration = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> relay = r.bytes(128);
                case 2 -> peer = r.bytes(128);
                case 3 -> expiration = r.varint();
                default -> r.skip();
            }
        }
        if (relay == null || peer == null) throw new ProtoException("reservation voucher: relay or peer missing");
        return new ReservationVoucher(relay, peer, expiration);
    }
}
