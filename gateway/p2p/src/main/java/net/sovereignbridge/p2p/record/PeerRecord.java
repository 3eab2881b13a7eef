package net.sovereignbridge.p2p.record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoReader;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;

/**
 * A libp2p peer record (RFC 0003): protobuf PeerRecord{1 peer_id (binary PeerId), 2 seq (uint64),
 * 3 addresses (repeated AddressInfo{1 multiaddr (binary)})}, carried in a {@link SignedEnvelope} with
 * domain {@link #DOMAIN} and payload type {@link #PAYLOAD_TYPE} (multicodec 0x0301 "libp2p-peer-record",
 * as the two bytes 03 01, the way js-libp2p and go-libp2p write it).
 */
public record PeerRecord(byte[] peerId, long seq, List<Multiaddr> addresses) {
    public static final String DOMAIN = "libp2p-peer-record";
    public static final byte[] PAYLOAD_TYPE = {0x03, 0x01};
    public static final int MAX_ADDRESSES = 32;

    public PeerRecord {
        addresses = List.copyOf(addresses);
    }

    public byte[] encode() {
        ProtoWriter w = new ProtoWriter().bytes(1, peerId).varint(2, seq);
        for (Multiaddr a : addresses) w.bytes(3, new ProtoWriter().bytes(1, a.toBytes()).toByteArray());
        return w.toByteArray();
    }

    /** Unparseable addresses (protocols we do not know) are dropped, not fatal: the record stays usable. */
    public static PeerRecord decode(byte[] data) throws ProtoException {
        ProtoReader r = new ProtoReader("peer record", data);
        byte[] id = null;
        long seq = 0;
        List<Multiaddr> addrs = new ArrayList<>();
        int seen = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> id = r.bytes(128);
                case 2 -> seq = r.varint();
                case 3 -> {
                    byte[] info = r.bytes(Multiaddr.MAX_BINARY_LENGTH + 8);
                    if (++seen > MAX_ADDRESSES) throw new ProtoException("peer record: more than " + MAX_ADDRESSES + " addresses");
                    ProtoReader ar = new ProtoReader("peer record address", info);
                    while (ar.next()) {
                        if (ar.field() == 1) {
                            try {
                                addrs.add(Multiaddr.decode(ar.bytes(Multiaddr.MAX_BINARY_LENGTH)));
                            } catch (MultiaddrException e) {
                                // an address of a transport we do not speak: skip it
                            }
                        } else {
                            ar.skip();
                        }
                    }
                }
                default -> r.skip();
            }
        }
        if (id == null) throw new ProtoException("peer record: peer_id missing");
        return new PeerRecord(id, seq, addrs);
    }

    /** Our own record, sealed in an envelope. */
    public static SignedEnvelope seal(NodeIdentity identity, long seq, List<Multiaddr> addresses) {
        PeerRecord rec = new PeerRecord(PeerId.toBytes(identity.publicIdentity().publicKey()), seq, addresses);
        return SignedEnvelope.seal(identity, DOMAIN, PAYLOAD_TYPE, rec.encode());
    }

    /**
     * Opens a remote's envelope: the signature must verify for the peer-record domain and the record's
     * peer_id must be the signer's, which must be {@code expectedPeerKey} (the connection's remote).
     */
    public static PeerRecord open(byte[] envelopeBytes, byte[] expectedPeerKey) throws ProtoException {
        SignedEnvelope env = SignedEnvelope.decode(envelopeBytes);
        byte[] signer = env.verify(DOMAIN, PAYLOAD_TYPE);
        PeerRecord rec = decode(env.payload());
        if (!Arrays.equals(rec.peerId(), PeerId.toBytes(signer))) throw new ProtoException("peer record: peer_id is not the signer's");
        if (!Arrays.equals(signer, expectedPeerKey)) throw new ProtoException("peer record: signed by another peer than the remote");
        return rec;
    }

    @Override
    public String toString() {
        return "PeerRecord[seq=" + seq + ", addresses=" + addresses + "]";
    }
}
