package net.sovereignbridge.p2p.identify;

import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoReader;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;

/**
 * The identify protobuf: 5 protocolVersion, 6 agentVersion, 1 publicKey (PublicKey protobuf),
 * 2 listenAddrs (repeated binary multiaddr), 4 observedAddr, 3 protocols (repeated string),
 * 8 signedPeerRecord (a {@link net.sovereignbridge.p2p.record.SignedEnvelope}). Any field may be
 * absent (null / empty). Written in the order js-libp2p writes it (5, 6, 1, 2, 4, 3, 8).
 */
public record IdentifyMessage(String protocolVersion, String agentVersion, byte[] publicKey, List<Multiaddr> listenAddrs,
                              Multiaddr observedAddr, List<String> protocols, byte[] signedPeerRecord) {
    /** Largest identify message we read (js-libp2p uses the same 8 KiB default). */
    public static final int MAX_LENGTH = 8192;
    public static final int MAX_PROTOCOLS = 128;
    public static final int MAX_ADDRESSES = 64;

    public IdentifyMessage {
        listenAddrs = List.copyOf(listenAddrs);
        protocols = List.copyOf(protocols);
    }

    public byte[] encode() {
        ProtoWriter w = new ProtoWriter();
        if (protocolVersion != null) w.string(5, protocolVersion);
        if (agentVersion != null) w.string(6, agentVersion);
        if (publicKey != null) w.bytes(1, publicKey);
        for (Multiaddr a : listenAddrs) w.bytes(2, a.toBytes());
        if (observedAddr != null) w.bytes(4, observedAddr.toBytes());
        for (String p : protocols) w.string(3, p);
        if (signedPeerRecord != null) w.bytes(8, signedPeerRecord);
        return w.toByteArray();
    }

    /**
     * Decodes a message of at most {@link #MAX_LENGTH} bytes. Addresses of transports we do not know
     * are dropped (a peer may listen on QUIC or WebTransport too); more than the list limits is an error.
     */
    public static IdentifyMessage decode(byte[] data) throws ProtoException {
        if (data.length > MAX_LENGTH) throw new ProtoException("identify: " + data.length + " bytes, limit " + MAX_LENGTH);
        ProtoReader r = new ProtoReader("identify", data);
        String protocolVersion = null;
        String agentVersion = null;
        byte[] publicKey = null;
        List<Multiaddr> listen = new ArrayList<>();
        int addrCount = 0;
        Multiaddr observed = null;
        List<String> protocols = new ArrayList<>();
        byte[] record = null;
        while (r.next()) {
            switch (r.field()) {
                case 5 -> protocolVersion = r.string(256);
                case 6 -> agentVersion = r.string(256);
                case 1 -> publicKey = r.bytes(1024);
                case 2 -> {
                    byte[] a = r.bytes(Multiaddr.MAX_BINARY_LENGTH);
                    if (++addrCount > MAX_ADDRESSES) throw new ProtoException("identify: more than " + MAX_ADDRESSES + " listen addresses");
                    Multiaddr m = parseOrNull(a);
                    if (m != null) listen.add(m);
                }
                case 4 -> observed = parseOrNull(r.bytes(Multiaddr.MAX_BINARY_LENGTH));
                case 3 -> {
                    String p = r.string(256);
                    if (protocols.size() == MAX_PROTOCOLS) throw new ProtoException("identify: more than " + MAX_PROTOCOLS + " protocols");
                    protocols.add(p);
                }
                case 8 -> record = r.bytes(MAX_LENGTH);
                default -> r.skip();
            }
        }
        return new IdentifyMessage(protocolVersion, agentVersion, publicKey, listen, observed, protocols, record);
    }

    private static Multiaddr parseOrNull(byte[] bytes) {
        try {
            return Multiaddr.decode(bytes);
        } catch (MultiaddrException e) {
            return null;
        }
    }
}
