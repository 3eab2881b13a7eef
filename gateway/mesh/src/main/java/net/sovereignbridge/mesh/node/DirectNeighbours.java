package net.sovereignbridge.mesh.node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.transport.Endpoint;

/**
 * Next hops that are the destination itself: nodes heard directly within {@code expiryMillis}, most
 * recently heard endpoint first. Bounded: the least recently heard node is forgotten past {@code maxNodes}.
 */
public final class DirectNeighbours implements NextHop {
    private final java.time.Clock clock;
    private final long expiryMillis;
    private final int maxNodes;
    private final Map<MeshAddress, Map<Endpoint, Long>> heard = new ConcurrentHashMap<>();

    public DirectNeighbours(java.time.Clock clock, long expiryMillis, int maxNodes) {
        this.clock = clock;
        this.expiryMillis = expiryMillis;
        this.maxNodes = maxNodes;
    }

    @Override
    public List<Hop> candidates(MeshAddress destination) {
        Map<Endpoint, Long> endpoints = heard.get(destination);
        if (endpoints == null) return List.of();
        long oldest = clock.millis() - expiryMillis;
        List<Map.Entry<Endpoint, Long>> fresh = new ArrayList<>();
        endpoints.entrySet().forEach(e -> {
            if (e.getValue() >= oldest) fresh.add(e);
        });
        fresh.sort(Map.Entry.<Endpoint, Long>comparingByValue(Comparator.reverseOrder()));
        return fresh.stream().map(e -> new Hop(e.getKey(), destination)).toList();
    }

    @Override
    public void heard(MeshAddress source, Endpoint from, long nowMillis) {
        if (!heard.containsKey(source) && heard.size() >= maxNodes) evictOldest();
        Map<Endpoint, Long> endpoints = heard.computeIfAbsent(source, s -> new ConcurrentHashMap<>());
        if (endpoints.size() >= 8 && !endpoints.containsKey(from)) {
            endpoints.entrySet().stream().min(Map.Entry.comparingByValue())
                    .ifPresent(e -> endpoints.remove(e.getKey()));
        }
        endpoints.put(from, nowMillis);
    }

    /** Forgets every node heard through an endpoint whose link was found dead. */
    public void forget(Endpoint endpoint) {
        heard.values().forEach(m -> m.remove(endpoint));
        heard.values().removeIf(Map::isEmpty);
    }

    /** Addresses heard within the expiry, for status output. */
    public Map<MeshAddress, List<Endpoint>> snapshot() {
        Map<MeshAddress, List<Endpoint>> out = new java.util.TreeMap<>();
        heard.keySet().forEach(a -> {
            List<Endpoint> eps = candidates(a).stream().map(Hop::endpoint).toList();
            if (!eps.isEmpty()) out.put(a, eps);
        });
        return out;
    }

    private void evictOldest() {
        MeshAddress oldest = null;
        long oldestTime = Long.MAX_VALUE;
        for (var e : heard.entrySet()) {
            long newest = e.getValue().values().stream().mapToLong(Long::longValue).max().orElse(0);
            if (newest < oldestTime) {
                oldestTime = newest;
                oldest = e.getKey();
            }
        }
        if (oldest != null) heard.remove(oldest);
    }
}
