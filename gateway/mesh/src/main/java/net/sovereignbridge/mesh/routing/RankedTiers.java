package net.sovereignbridge.mesh.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.sovereignbridge.mesh.link.Link;
import net.sovereignbridge.mesh.link.Links;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.TransportProfile;

/**
 * Tiers whose hops compete: the direct neighbour and the route table are asked together and their hops
 * ranked by the first link, so a neighbour two hops away over the LAN is reached before the same neighbour
 * heard directly on LoRa. Rank: the link's preference class first ("local first, global second"), then its
 * link cost ({@link RouteTable#linkCost}); equal ranks keep the tiers' own order (the sort is stable).
 */
final class RankedTiers implements RoutingTier {
    private final List<RoutingTier> tiers;
    private final Comparator<Endpoint> byFirstLink;

    RankedTiers(Links links, List<RoutingTier> tiers) {
        this.tiers = List.copyOf(tiers);
        this.byFirstLink = Comparator.comparingInt((Endpoint e) -> rank(links, e))
                .thenComparingDouble(e -> cost(links, e));
    }

    @Override
    public String name() {
        return tiers.stream().map(RoutingTier::name).reduce((a, b) -> a + "+" + b).orElse("none");
    }

    @Override
    public List<Endpoint> hops(Outbound frame) {
        List<Endpoint> out = new ArrayList<>();
        for (RoutingTier t : tiers) {
            for (Endpoint e : t.hops(frame)) {
                if (!out.contains(e)) out.add(e);
            }
        }
        out.sort(byFirstLink);
        return out;
    }

    private static int rank(Links links, Endpoint e) {
        return links.link(e.transportId()).map(l -> l.profile().preference().rank()).orElse(Integer.MAX_VALUE);
    }

    private static double cost(Links links, Endpoint e) {
        return links.link(e.transportId()).map(Link::profile).map(RankedTiers::firstLinkCost).orElse(Double.MAX_VALUE);
    }

    private static double firstLinkCost(TransportProfile p) {
        return RouteTable.linkCost(p, 0);
    }
}
