package net.sovereignbridge.mesh.routing;

import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.link.Links;
import net.sovereignbridge.mesh.transport.Endpoint;

/** Tier 1: the destination itself was heard on a link, within that transport's neighbour timeout. */
final class DirectTier implements RoutingTier {
    private final DirectNeighbours neighbours;
    private final Links links;

    DirectTier(DirectNeighbours neighbours, Links links) {
        this.neighbours = neighbours;
        this.links = links;
    }

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public List<Endpoint> hops(Outbound frame) {
        List<Endpoint> out = new ArrayList<>();
        for (NextHop h : neighbours.candidates(frame.destination())) {
            if (links.usable(h.endpoint(), frame.length())) out.add(h.endpoint());
        }
        return out;
    }
}
