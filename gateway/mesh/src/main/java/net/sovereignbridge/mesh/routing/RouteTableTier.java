package net.sovereignbridge.mesh.routing;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.link.Links;
import net.sovereignbridge.mesh.transport.Endpoint;

/**
 * Tier 2: routes learned from relayed announces, best first. A route through a neighbour silent for longer
 * than its transport's neighbour timeout leads over a link that is gone: skipped.
 */
final class RouteTableTier implements RoutingTier {
    private final RouteTable routes;
    private final Links links;
    private final Clock clock;

    RouteTableTier(RouteTable routes, Links links, Clock clock) {
        this.routes = routes;
        this.links = links;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "route";
    }

    @Override
    public List<Endpoint> hops(Outbound frame) {
        long now = clock.millis();
        List<Endpoint> out = new ArrayList<>();
        for (RouteTable.Route r : routes.lookup(frame.destination(), now)) {
            if (links.alive(r.via(), now) && links.usable(r.via(), frame.length())) out.add(r.via());
        }
        return out;
    }
}
