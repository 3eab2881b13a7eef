package net.sovereignbridge.p2p.dht;

import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.encoding.Base58;

/**
 * A DHT participant as it travels in messages: binary PeerId and binary multiaddrs (the kad-dht
 * Message.Peer). Equality is by PeerId alone; addresses are hints that change.
 */
public final class DhtPeer {
    private final byte[] id;
    private final List<byte[]> addrs;
    private final KadId kadId;

    public DhtPeer(byte[] id, List<byte[]> addrs) {
        this.id = id.clone();
        this.addrs = addrs.stream().map(byte[]::clone).toList();
        this.kadId = KadId.of(this.id);
    }

    public byte[] id() {
        return id.clone();
    }

    /** The PeerId without copying, for hashing and comparisons inside the package. */
    byte[] idUnsafe() {
        return id;
    }

    public List<byte[]> addrs() {
        return addrs.stream().map(byte[]::clone).toList();
    }

    public KadId kadId() {
        return kadId;
    }

    public DhtPeer withAddrs(List<byte[]> newAddrs) {
        return new DhtPeer(id, newAddrs);
    }

    public String idText() {
        return Base58.encode(id);
    }

    public boolean sameId(byte[] other) {
        return Arrays.equals(id, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DhtPeer p && Arrays.equals(id, p.id);
    }

    @Override
    public int hashCode() {
        return kadId.hashCode();
    }

    @Override
    public String toString() {
        String t = idText();
        return "DhtPeer[" + (t.length() > 16 ? "..." + t.substring(t.length() - 10) : t) + "]";
    }
}
