package net.sovereignbridge.mesh.routing;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import net.sovereignbridge.mesh.link.Links;
import net.sovereignbridge.mesh.transport.Endpoint;

/**
 * Tier 4, greedy geographic forwarding (docs/routing.md, "Geographic routing"): for a frame that carries its
 * destination's region, the live neighbours nearer to it than this node, nearest first. Empty, and counted as
 * a local minimum, when none is nearer: the flood or custody takes over.
 */
final class GeographicTier implements RoutingTier {
    private final GeoTable geo;
    private final Links links;
    private final Clock clock;
    private final Supplier<String> here;
    private final AtomicLong localMinima = new AtomicLong();

    GeographicTier(GeoTable geo, Links links, Clock clock, Supplier<String> here) {
        this.geo = geo;
        this.links = links;
        this.clock = clock;
        this.here = here;
    }

    @Override
    public String name() {
        return "geo";
    }

    @Override
    public List<Endpoint> hops(Outbound frame) {
        String position = here.get();
        if (!frame.allowGeo() || frame.region() == null || position == null) return List.of();
        long now = clock.millis();
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint e : geo.nearerNeighbours(frame.region(), position, now)) {
            if (links.alive(e, now) && links.usable(e, frame.length())) out.add(e);
        }
        if (out.isEmpty()) localMinima.incrementAndGet();
        return out;
    }

    @Override
    public String describe(Endpoint hop) {
        return "geo " + hop;
    }

    /** Frames with a region that found no nearer neighbour. */
    long localMinima() {
        return localMinima.get();
    }
}
