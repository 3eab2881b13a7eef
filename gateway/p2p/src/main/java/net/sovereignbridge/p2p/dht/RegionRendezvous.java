package net.sovereignbridge.p2p.dht;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Region rendezvous over a DHT: bridges announce their region, gateways find nearby bridges.
 *
 * <p>A bridge provides {@link RegionKeys#keysFor} its geohash (precisions 3, 4 and 5), through our DHT and,
 * where configured, a public one ({@code /ipfs/kad/1.0.0} in client mode). A gateway that regains the
 * internet asks for the finest cell first and widens until it has enough bridges; the overlay then dials
 * them. Provider records live 48 h, so a bridge re-announces through {@link KademliaDht#maintain}.
 */
public final class RegionRendezvous {
    private final KademliaDht dht;

    public RegionRendezvous(KademliaDht dht) {
        this.dht = dht;
    }

    /** Announces this node as a bridge for every precision of its geohash; returns the keys provided. */
    public List<byte[]> announce(String geohash) {
        List<byte[]> keys = RegionKeys.keysFor(geohash);
        if (keys.isEmpty()) throw new IllegalArgumentException("geohash needs at least " + RegionKeys.PRECISIONS[0] + " characters");
        for (byte[] k : keys) dht.provide(k);
        return keys;
    }

    /** Bridges near the geohash, finest cell first, at most {@code max}; excludes this node itself. */
    public List<DhtPeer> findBridges(String geohash, int max) {
        List<byte[]> keys = RegionKeys.keysFor(geohash);
        Set<DhtPeer> found = new LinkedHashSet<>();
        for (int i = keys.size() - 1; i >= 0 && found.size() < max; i--) {
            for (DhtPeer p : dht.findProviders(keys.get(i), max + 1).providers()) {
                if (!p.equals(dht.self()) && found.size() < max) found.add(p);
            }
        }
        return new ArrayList<>(found);
    }
}
