package net.sovereignbridge.p2p.relay;

import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.encoding.Base58;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * Peer{id 1 (the PeerId's multihash bytes), addrs 2 (binary multiaddrs)}.
 *
 * @param addrs the addresses we could decode; ones of protocols we do not know are dropped on decode
 */
public record CircuitPeer(byte[] id, List<Multiaddr> addrs) {
    public CircuitPeer {
        id = id.clone();
        addrs = List.copyOf(addrs);
    }

    /** The PeerId as text ("12D3KooW..."). */
    public String peerId() {
        return Base58.encode(id);
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CircuitPeer p && Arrays.equals(p.id, id) && p.addrs.equals(addrs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(id) * 31 + addrs.hashCode();
    }

    @Override
    public String toString() {
        return "CircuitPeer[" + peerId() + " " + addrs + "]";
    }
}
