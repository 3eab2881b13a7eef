package net.sovereignbridge.mesh.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.transport.Endpoint;

/**
 * Positions (geohashes) learned from verified announces: of every node heard (so a message to it can carry
 * its region) and of the direct neighbours behind each link endpoint (the candidates of greedy forwarding).
 * Bounded; a neighbour's position is dropped when it stays silent for {@code neighbourExpiryMillis} or its
 * link is found dead.
 */
public final class GeoTable {
    private record Heard(String geohash, long atMillis) {}

    private final Map<MeshAddress, String> positions = new ConcurrentHashMap<>();
    private final Map<Endpoint, Heard> neighbours = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long neighbourExpiryMillis;

    public GeoTable(int maxEntries, long neighbourExpiryMillis) {
        this.maxEntries = maxEntries;
        this.neighbourExpiryMillis = neighbourExpiryMillis;
    }

    /** A node announced its position; {@code neighbour} is the endpoint when it was heard directly, else null. */
    public void learn(MeshAddress node, String geohash, Endpoint neighbour, long nowMillis) {
        if (!Geohash.isValid(geohash)) return;
        if (positions.size() >= maxEntries && !positions.containsKey(node)) positions.clear();
        positions.put(node, geohash);
        if (neighbour != null) {
            if (neighbours.size() >= maxEntries && !neighbours.containsKey(neighbour)) neighbours.clear();
            neighbours.put(neighbour, new Heard(geohash, nowMillis));
        }
    }

    public Optional<String> positionOf(MeshAddress node) {
        return Optional.ofNullable(positions.get(node));
    }

    public void forget(Endpoint neighbour) {
        neighbours.remove(neighbour);
    }

    public void forgetTransport(String transportId) {
        neighbours.keySet().removeIf(e -> e.transportId().equals(transportId));
    }

    /**
     * The greedy rule: neighbours strictly nearer to {@code region} than {@code ourPosition}, nearest first.
     * Empty at a local minimum (no neighbour is nearer: a lake, a valley, a gap without nodes).
     */
    public List<Endpoint> nearerNeighbours(String region, String ourPosition, long nowMillis) {
        double ours = Geohash.distanceKm(ourPosition, region);
        List<Map.Entry<Endpoint, Double>> closer = new ArrayList<>();
        neighbours.forEach((e, h) -> {
            if (nowMillis - h.atMillis() > neighbourExpiryMillis) return;
            double d = Geohash.distanceKm(h.geohash(), region);
            if (d < ours) closer.add(Map.entry(e, d));
        });
        closer.sort(Map.Entry.<Endpoint, Double>comparingByValue().thenComparing(e -> e.getKey().toString()));
        return closer.stream().map(Map.Entry::getKey).toList();
    }

    public int neighbourCount() {
        return neighbours.size();
    }

    /** For sorting and status. */
    static Comparator<Endpoint> byName() {
        return Comparator.comparing(Endpoint::toString);
    }
}
