package net.sovereignbridge.mesh.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.link.Links;
import net.sovereignbridge.mesh.transport.Endpoint;

/**
 * Tier 3: bridges that reach the destination over the internet overlay, in the order the DHT gave, from
 * memory. A miss starts a background lookup; {@code found} runs when it found bridges.
 */
final class OverlayBridgeTier implements RoutingTier {
    private final Links links;
    private final Consumer<MeshAddress> found;
    private volatile OverlayBridges bridges = OverlayBridges.NONE;

    OverlayBridgeTier(Links links, Consumer<MeshAddress> found) {
        this.links = links;
        this.found = found;
    }

    void setBridges(OverlayBridges b) {
        bridges = b == null ? OverlayBridges.NONE : b;
    }

    @Override
    public String name() {
        return "overlay";
    }

    @Override
    public List<Endpoint> hops(Outbound frame) {
        OverlayBridges b = bridges;
        List<Endpoint> out = new ArrayList<>();
        for (NextHop h : b.known(frame.destination())) {
            if (links.usable(h.endpoint(), frame.length())) out.add(h.endpoint());
        }
        if (out.isEmpty()) b.search(frame.destination(), found);
        return out;
    }
}
