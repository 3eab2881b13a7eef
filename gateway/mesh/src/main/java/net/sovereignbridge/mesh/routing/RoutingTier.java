package net.sovereignbridge.mesh.routing;

import java.util.List;
import net.sovereignbridge.mesh.transport.Endpoint;

/**
 * One way of finding next hops. The {@link Router} asks its tiers in order and sends on the first that offers
 * a hop; the controlled flood and custody are what is left when none does (docs/routing.md, "Tiers").
 */
public interface RoutingTier {
    /** Short name, the key of the tier's counter in status. */
    String name();

    /**
     * Unicast hops for {@code frame}, in the order they are to be tried, each usable now (its link can unicast
     * and carries the frame). Empty: the next tier's turn.
     */
    List<Endpoint> hops(Outbound frame);

    /** How the hop taken is described to the sender ({@code sbridge send} prints it). */
    default String describe(Endpoint hop) {
        return hop.toString();
    }
}
