package net.sovereignbridge.mesh.routing;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.link.Link;
import net.sovereignbridge.mesh.link.Links;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * Where a frame leaves this node (docs/routing.md, "Tiers"): an ordered list of {@link RoutingTier}s, asked
 * in turn, the first that offers a hop wins: direct neighbour and route table (ranked together by preference
 * class, then link cost), overlay bridge, geographic; then, where the caller allows it, the controlled flood
 * on every link that can send; what none of them takes stays in custody (the caller's part).
 *
 * <p>Owns the routing state the tiers read (direct neighbours, routes, positions, flood memory) and forgets
 * what goes through a link that went down or a neighbour found dead. Reads transports through
 * {@link Links} only, so capabilities come from their profiles: a hop needs a link that can unicast, a
 * flood a link that can send.
 */
public final class Router {
    /**
     * @param routeExpiryMillis routes and neighbour positions not refreshed for this long are dropped
     * @param maxDestinations bound of every per-node table (neighbours, routes, positions)
     */
    public record Options(long routeExpiryMillis, int maxDestinations) {
        public static Options defaults() {
            return new Options(1_800_000, 10_000);
        }
    }

    private final Links links;
    private final FloodControl flood;
    private final DirectNeighbours neighbours;
    private final RouteTable routes;
    private final GeoTable geo;
    private final OverlayBridgeTier overlay;
    private final GeographicTier geographic;
    private final List<RoutingTier> tiers;
    private final Map<String, AtomicLong> taken = new ConcurrentHashMap<>();
    private final List<Consumer<MeshAddress>> bridgeListeners = new CopyOnWriteArrayList<>();
    private volatile String position;

    public Router(Links links, FloodControl flood, Clock clock, Options options) {
        this.links = links;
        this.flood = flood;
        this.neighbours = new DirectNeighbours(clock, this::neighbourTimeout, options.maxDestinations());
        this.routes = new RouteTable(options.routeExpiryMillis(), options.maxDestinations());
        this.geo = new GeoTable(options.maxDestinations(), options.routeExpiryMillis());
        this.overlay = new OverlayBridgeTier(links, d -> bridgeListeners.forEach(l -> l.accept(d)));
        this.geographic = new GeographicTier(geo, links, clock, () -> position);
        this.tiers = List.of(new RankedTiers(links, List.of(new DirectTier(neighbours, links),
                new RouteTableTier(routes, links, clock))), overlay, geographic);
    }

    private long neighbourTimeout(Endpoint e) {
        return links.link(e.transportId()).map(l -> l.profile().neighbourTimeoutMillis()).orElse(0L);
    }

    /**
     * Sends an encoded frame by the first tier that has a hop (a unicast hop, with hop ACKs where the link
     * asks for them), else floods it if {@code allowFlood}. Returns a description of the hop taken ("flood"
     * for a flood), or null when nothing took it.
     *
     * @param allowGeo false for a copy that arrived by flood (see {@link Outbound#allowGeo})
     * @param origin where the frame entered the mesh, passed to the transports (airtime caps)
     */
    public String forward(MeshAddress destination, byte[] encoded, boolean allowFlood, boolean allowGeo,
            TrafficOrigin origin) {
        Outbound frame = new Outbound(destination, encoded.length, FrameCodec.region(encoded), allowGeo);
        for (RoutingTier tier : tiers) {
            List<Endpoint> hops = tier.hops(frame);
            if (hops.isEmpty()) continue;
            count(tier.name());
            links.sendHop(encoded, hops, origin);
            return tier.describe(hops.get(0));
        }
        if (!allowFlood) return null;
        if (!flood(encoded, origin, l -> true)) return null;
        count("flood");
        return "flood";
    }

    /**
     * Broadcasts {@code encoded} (without the hop-ACK flag: a flood is no unicast hop) on every link that can
     * send, carries it, and passes {@code admit} (asked last: it may book airtime). True if any took it.
     */
    public boolean flood(byte[] encoded, TrafficOrigin origin, Predicate<Link> admit) {
        byte[] unflagged = FrameCodec.withHopAck(encoded, false);
        boolean any = false;
        for (Link l : links.all()) {
            if (!l.canSend() || !l.carries(encoded.length) || !admit.test(l)) continue;
            any |= links.send(Endpoint.broadcast(l.id()), unflagged, origin);
        }
        return any;
    }

    /** The hops tiers 1 and 2 (direct neighbour, route) offer now for a frame of {@code length} bytes, best first. */
    public List<Endpoint> knownHops(MeshAddress destination, int length) {
        return tiers.get(0).hops(new Outbound(destination, length, null, false));
    }

    /** A link went down (or cannot send): nothing routes over it any more. */
    public void linkDown(String transportId) {
        routes.forgetTransport(transportId);
        geo.forgetTransport(transportId);
    }

    /** A neighbour stopped acknowledging: every route through it, its direct entry and its position go. */
    public void neighbourLost(Endpoint neighbour) {
        routes.forget(neighbour);
        neighbours.forget(neighbour);
        geo.forget(neighbour);
    }

    /** Sets tier 3: bridges that reach an address over the internet overlay (the DHT answers); null: none. */
    public void setOverlayBridges(OverlayBridges bridges) {
        overlay.setBridges(bridges);
    }

    /** {@code listener} hears of every address an overlay-bridge lookup found bridges for (on any thread). */
    public void onBridgeFound(Consumer<MeshAddress> listener) {
        bridgeListeners.add(listener);
    }

    /** This node's position as a geohash (announced, and the start of greedy steps), or null for none. */
    public void setPosition(String geohash) {
        if (geohash != null && !Geohash.isValid(geohash)) {
            throw new IllegalArgumentException("position '" + geohash + "' is not a geohash");
        }
        position = geohash;
    }

    public Optional<String> position() {
        return Optional.ofNullable(position);
    }

    public DirectNeighbours neighbours() {
        return neighbours;
    }

    public RouteTable routes() {
        return routes;
    }

    public GeoTable geo() {
        return geo;
    }

    public FloodControl flood() {
        return flood;
    }

    /**
     * Frames each tier took ("direct+route", "overlay", "geo", "flood") and frames with a region that found
     * no neighbour nearer to it ("geoLocalMinimum"), for status.
     */
    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        taken.forEach((k, v) -> out.put(k, v.get()));
        out.put("geoLocalMinimum", geographic.localMinima());
        return out;
    }

    private void count(String tier) {
        taken.computeIfAbsent(tier, k -> new AtomicLong()).incrementAndGet();
    }
}
