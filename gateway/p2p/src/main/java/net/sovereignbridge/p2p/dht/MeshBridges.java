package net.sovereignbridge.p2p.dht;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.PeerId;

/**
 * Which bridge reaches a mesh address over the internet: the DHT side of the mesh's overlay-bridge tier.
 *
 * <p>A bridge lists the mesh addresses it reaches (radio and LAN neighbours, routes) in its signed
 * contact record {@code /sbridge/node/<PeerId>} and provides, for each, the key
 * {@code 0x12 0x20 || SHA-256("sbridge/mesh-addr/" + 32 lowercase hex digits)} (a sha2-256 multihash, as
 * region keys). A lookup finds the providers of that key, then reads each provider's contact record and
 * keeps the bridge only if the record is validly signed by that provider and lists the address (or is the
 * address's own node). A provider record alone is only the announcer's word and may be 48 h old; the
 * signed, newest-wins contact record is what makes the answer current.
 */
public final class MeshBridges {
    private static final int MAX_PROVIDERS = 8;

    private final KademliaDht dht;

    public MeshBridges(KademliaDht dht) {
        this.dht = dht;
    }

    /** A bridge found for an address, with its signed contact record (overlay addresses in it). */
    public record Bridge(DhtPeer peer, SignedRecords.NodeContact contact) {}

    public static byte[] providerKey(MeshAddress address) {
        byte[] digest = KadId.sha256(("sbridge/mesh-addr/" + address.toHex()).getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream out = new ByteArrayOutputStream(34);
        out.write(0x12);
        out.write(0x20);
        out.writeBytes(digest);
        return out.toByteArray();
    }

    /** Provides the keys of these addresses (call after the contact record listing them was put). */
    public int announce(List<MeshAddress> reached) {
        int told = 0;
        for (MeshAddress a : reached) told += dht.provide(providerKey(a)).stored() > 0 ? 1 : 0;
        return told;
    }

    /**
     * Bridges that reach {@code address}, at most {@code max}, in the order the DHT returned them; never
     * this node itself.
     */
    public List<Bridge> find(MeshAddress address, int max) {
        List<Bridge> out = new ArrayList<>();
        for (DhtPeer p : dht.findProviders(providerKey(address), Math.min(MAX_PROVIDERS, max * 2)).providers()) {
            if (out.size() >= max) break;
            if (p.equals(dht.self())) continue;
            Bridge b = verify(p, address);
            if (b != null) out.add(b);
        }
        return out;
    }

    /** The provider's contact record, if it is valid and names the address; else null. */
    Bridge verify(DhtPeer provider, MeshAddress address) {
        String peerIdText;
        byte[] pub;
        try {
            pub = PeerId.fromBytes(provider.id());
            peerIdText = PeerId.encode(pub);
        } catch (RuntimeException e) {
            return null; // not an Ed25519 PeerId: no contact record can exist for it
        }
        KademliaDht.GetResult r = dht.getValue(SignedRecords.nodeKey(peerIdText), 1);
        if (r.value() == null) return null; // getValue only returns values our validator accepted
        SignedRecords.NodeContact c = SignedRecords.parseNodeContact(r.value());
        if (c == null) return null;
        boolean lists = MeshAddress.fromPublicKey(pub).equals(address)
                || c.meshAddrs().stream().anyMatch(m -> Arrays.equals(m, address.toBytes()));
        if (!lists) return null;
        return new Bridge(provider.withAddrs(c.addrs().isEmpty() ? provider.addrs() : c.addrs()), c);
    }
}
