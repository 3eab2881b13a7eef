package net.sovereignbridge.mesh.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportProfile;

/**
 * Routes learned from relayed announces (docs/routing.md). An announce from S that reached us through the
 * link endpoint E after h hops says "S is h hops away through E". Several routes per destination are kept
 * (one per endpoint, at most {@link #MAX_ROUTES_PER_DESTINATION}) so a link that fails leaves alternatives.
 *
 * <p>Routes are ranked by the preference class of their first link first ("local first, global second":
 * a route over the LAN or BLE beats one over the internet overlay however short), then by cost = hops + the
 * cost of our first link, so that a fast local path wins over a slow one: link cost = 1 + 100 000 / nominal
 * bitrate (LAN at 100 Mbit/s adds 0.001, LoRa at 5 kbit/s adds 20), doubled on airtime-governed media,
 * divided by (1 - loss)^2 so a lossy hop is avoided while a clean one exists. Routes expire when their
 * destination stays silent for {@code expiryMillis}.
 */
public final class RouteTable {
    public static final int MAX_ROUTES_PER_DESTINATION = 4;

    /** @param preference the class of the first link's transport, compared before the cost */
    public record Route(MeshAddress destination, Endpoint via, int hops, PreferenceClass preference, double cost,
            long announcedAt, long learnedAtMillis) {}

    /** Best first: preference class of the first link, then cost, then the most recently learned. */
    public static final Comparator<Route> ORDER = Comparator.comparingInt((Route r) -> r.preference().rank())
            .thenComparingDouble(Route::cost).thenComparing(r -> -r.learnedAtMillis());

    private final long expiryMillis;
    private final int maxDestinations;
    private final Map<MeshAddress, List<Route>> routes = new ConcurrentHashMap<>();
    /**
     * Per destination and transport: the timestamps of the two newest announces seen (older, newer). Per
     * transport, because a LoRa route is refreshed every 15 minutes and must not age by the LAN's 30 s announces.
     */
    private final Map<AnnouncedOn, long[]> announceTimes = new ConcurrentHashMap<>();

    private record AnnouncedOn(MeshAddress destination, String transportId) {}

    public RouteTable(long expiryMillis, int maxDestinations) {
        this.expiryMillis = expiryMillis;
        this.maxDestinations = maxDestinations;
    }

    /** Cost of a first link of {@code profile} at {@code lossRatio}; the preference class is ranked before it. */
    public static double linkCost(TransportProfile profile, double lossRatio) {
        double c = 1.0 + 100_000.0 / profile.nominalBitrate();
        if (profile.airtimeGoverned()) c *= 2;
        double loss = Math.min(Math.max(lossRatio, 0), 0.9);
        return c / ((1 - loss) * (1 - loss));
    }

    /**
     * Records what one received announce says. Returns true when the table changed in a way worth
     * telling others about (a new destination or a better route).
     */
    public synchronized boolean learn(MeshAddress destination, Endpoint via, int hops, PreferenceClass preference,
            double linkCost, long announcedAt, long nowMillis) {
        List<Route> list = routes.get(destination);
        if (list == null) {
            if (routes.size() >= maxDestinations) evictStalest();
            list = new ArrayList<>(2);
            routes.put(destination, list);
        }
        double cost = hops + linkCost;
        Route fresh = new Route(destination, via, hops, preference, cost, announcedAt, nowMillis);
        boolean improved = list.isEmpty() || fresh.preference().rank() < list.get(0).preference().rank()
                || (fresh.preference() == list.get(0).preference() && cost < list.get(0).cost());
        // A route that missed the destination's last two announces (none of their first copies came through
        // it) leads over a link that is probably gone: dropped. One miss is tolerated, since on a lossy mesh
        // the first copy of an announce arrives now through one neighbour, now through another.
        long[] times = announceTimes.computeIfAbsent(new AnnouncedOn(destination, via.transportId()), d -> new long[2]);
        if (announcedAt > times[1]) {
            times[0] = times[1];
            times[1] = announcedAt;
        }
        long previous = times[0];
        list.removeIf(r -> r.via().equals(via) || nowMillis - r.learnedAtMillis() > expiryMillis
                || (r.announcedAt() < previous && r.via().transportId().equals(via.transportId())));
        list.add(fresh);
        list.sort(ORDER);
        while (list.size() > MAX_ROUTES_PER_DESTINATION) list.remove(list.size() - 1);
        return improved;
    }

    /** Live routes to {@code destination}, best first. */
    public synchronized List<Route> lookup(MeshAddress destination, long nowMillis) {
        List<Route> list = routes.get(destination);
        if (list == null) return List.of();
        list.removeIf(r -> nowMillis - r.learnedAtMillis() > expiryMillis);
        if (list.isEmpty()) {
            routes.remove(destination);
            announceTimes.keySet().removeIf(k -> k.destination().equals(destination));
            return List.of();
        }
        return List.copyOf(list);
    }

    public Optional<Route> best(MeshAddress destination, long nowMillis) {
        List<Route> l = lookup(destination, nowMillis);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** Drops every route to one destination (it moved, or is to be reached by other means). */
    public synchronized void forgetDestination(MeshAddress destination) {
        routes.remove(destination);
        announceTimes.keySet().removeIf(k -> k.destination().equals(destination));
    }

    /** Drops every route through an endpoint whose link failed. */
    public synchronized void forget(Endpoint via) {
        routes.values().forEach(l -> l.removeIf(r -> r.via().equals(via)));
        routes.values().removeIf(List::isEmpty);
        announceTimes.keySet().removeIf(k -> !routes.containsKey(k.destination()));
    }

    /** Drops every route over a transport that went down. */
    public synchronized void forgetTransport(String transportId) {
        routes.values().forEach(l -> l.removeIf(r -> r.via().transportId().equals(transportId)));
        routes.values().removeIf(List::isEmpty);
        announceTimes.keySet().removeIf(k -> !routes.containsKey(k.destination()));
    }

    public synchronized int size() {
        return routes.size();
    }

    public synchronized Map<MeshAddress, List<Route>> snapshot() {
        Map<MeshAddress, List<Route>> out = new java.util.TreeMap<>();
        routes.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    private void evictStalest() {
        routes.entrySet().stream()
                .min(Comparator.comparingLong(e -> e.getValue().isEmpty() ? 0 : e.getValue().get(0).learnedAtMillis()))
                .ifPresent(e -> {
                    routes.remove(e.getKey());
                    announceTimes.keySet().removeIf(k -> k.destination().equals(e.getKey()));
                });
    }
}
