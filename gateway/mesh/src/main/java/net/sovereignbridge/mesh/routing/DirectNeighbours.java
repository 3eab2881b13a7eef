package net.sovereignbridge.mesh.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.transport.Endpoint;

/**
 * Routing tier 1: next hops that are the destination itself, i.e. nodes heard directly (hop count 0), most
 * recently heard endpoint first. An endpoint counts while it was heard within its transport's neighbour
 * timeout ({@code TransportProfile.neighbourTimeoutMillis}: minutes on a LAN, an hour on LoRa, whose
 * neighbours announce every 15 minutes). Bounded: the least recently heard node is forgotten past
 * {@code maxNodes}, and at most 8 endpoints are kept per node.
 */
public final class DirectNeighbours {
    private final java.time.Clock clock;
    private final ToLongFunction<Endpoint> timeoutOf;
    private final int maxNodes;
    private final Map<MeshAddress, Map<Endpoint, Long>> heard = new ConcurrentHashMap<>();
    /** The same, by endpoint: when any node was last heard directly there. */
    private final Map<Endpoint, Long> endpoints = new ConcurrentHashMap<>();

    /** @param timeoutOf the neighbour timeout of an endpoint's transport, in milliseconds (0: transport gone) */
    public DirectNeighbours(java.time.Clock clock, ToLongFunction<Endpoint> timeoutOf, int maxNodes) {
        this.clock = clock;
        this.timeoutOf = timeoutOf;
        this.maxNodes = maxNodes;
    }

    /** The endpoints {@code destination} was heard on directly and recently enough, most recent first. */
    public List<NextHop> candidates(MeshAddress destination) {
        Map<Endpoint, Long> endpoints = heard.get(destination);
        if (endpoints == null) return List.of();
        long now = clock.millis();
        List<Map.Entry<Endpoint, Long>> fresh = new ArrayList<>();
        endpoints.entrySet().forEach(e -> {
            if (now - e.getValue() <= timeoutOf.applyAsLong(e.getKey())) fresh.add(e);
        });
        fresh.sort(Map.Entry.<Endpoint, Long>comparingByValue(Comparator.reverseOrder()));
        return fresh.stream().map(e -> new NextHop(e.getKey(), destination)).toList();
    }

    /**
     * True when some node was heard directly on {@code endpoint} within its transport's neighbour timeout: the
     * endpoint has proven itself with a fresh, authenticated frame of its own, so what it relays may teach a
     * route through it.
     */
    public boolean isNeighbour(Endpoint endpoint) {
        Long t = endpoints.get(endpoint);
        return t != null && clock.millis() - t <= timeoutOf.applyAsLong(endpoint);
    }

    /**
     * A fresh, authenticated frame from {@code source} (a verified announce newer than any before, or a
     * message that passed the replay check) was heard directly (hop count 0) on {@code from}. Never called for
     * a copy or a replay: anyone can resend a captured frame from another address.
     */
    public void heard(MeshAddress source, Endpoint from, long nowMillis) {
        if (endpoints.size() >= 8L * maxNodes && !endpoints.containsKey(from)) {
            endpoints.clear();
            heard.values().forEach(m -> m.forEach((e, t) -> endpoints.merge(e, t, Math::max)));
        }
        endpoints.merge(from, nowMillis, Math::max);
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
        endpoints.remove(endpoint);
        heard.values().forEach(m -> m.remove(endpoint));
        heard.values().removeIf(Map::isEmpty);
    }

    /** Addresses heard within the expiry, for status output. */
    public Map<MeshAddress, List<Endpoint>> snapshot() {
        Map<MeshAddress, List<Endpoint>> out = new java.util.TreeMap<>();
        heard.keySet().forEach(a -> {
            List<Endpoint> eps = candidates(a).stream().map(NextHop::endpoint).toList();
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
