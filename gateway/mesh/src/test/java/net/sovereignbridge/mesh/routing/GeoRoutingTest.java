package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import net.sovereignbridge.mesh.sim.SimNetwork;
import net.sovereignbridge.mesh.store.Inbox;
import org.junit.jupiter.api.Test;

/**
 * Geographic routing on a simulated 7 x 7 grid (200 m steps, positions announced as geohashes): a destination
 * that no node has a route to, known to the sender only by its region, is reached by greedy forwarding; with a
 * lake in the way (a column of nodes gone, open only at the top) greedy forwarding gets stuck at the shore
 * (local minimum), falls back to the controlled flood, and the message still arrives.
 */
class GeoRoutingTest {
    static final int SIDE = 7;
    static final int SENDER = 3 * SIDE; // (0, 3): middle of the left edge
    static final int DESTINATION = 3 * SIDE + 6; // (6, 3): middle of the right edge

    static SimNetwork grid() throws Exception {
        // One round of announces at start, then silence for an hour: routes are what we remove below.
        Node.Options options = Node.Options.defaults().withAnnounceInterval(3_600_000).withTimers(2_000, 20_000, 100)
                .withHopLimit(15);
        SimNetwork net = new SimNetwork(new SimNetwork.Config(SIDE * SIDE, SimNetwork.Topology.GRID, 0, 10, 1_000_000,
                255, 5, options));
        net.placeNodes(200);
        return net;
    }

    /** Converges, then makes the destination known only by region: no node keeps a route to it. */
    static Node prepare(SimNetwork net) {
        net.start();
        assertTrue(net.runUntil(net::converged, 100, 60_000) >= 0, () -> "no convergence: " + net.missing());
        Node destination = net.nodes().get(DESTINATION).node();
        net.nodes().forEach(n -> n.node().routes().forgetDestination(destination.address()));
        assertTrue(net.nodes().get(SENDER).node().nextHopFor(destination.address()).isEmpty());
        return destination;
    }

    static long total(SimNetwork net, String counter) {
        return net.nodes().stream().mapToLong(n -> n.node().routingCounters().getOrDefault(counter, 0L)).sum();
    }

    @Test
    void greedyForwardingReachesADestinationKnownOnlyByRegion() throws Exception {
        try (SimNetwork net = grid()) {
            Node destination = prepare(net);
            Node sender = net.nodes().get(SENDER).node();
            List<Inbox.Message> got = new ArrayList<>();
            destination.addDeliveryListener(got::add);
            String region = destination.position().orElseThrow().substring(0, 7); // a 153 m cell, not the exact spot
            SendResult sent = sender.send(destination.address(), "towards the region".getBytes(),
                    SendOptions.defaults().withRegion(region));
            assertTrue(sent.via().startsWith("geo "), "first hop by position: " + sent.via());
            assertTrue(net.runUntil(() -> !got.isEmpty(), 10, 10_000) >= 0, "not delivered");
            assertEquals("towards the region", new String(got.get(0).body()));
            // Six hops straight across: one transmission per hop (no loss), against 49 for a flood.
            long tx = net.medium().transmissionsOf(sender.address(), sent.messageId());
            assertTrue(tx <= 8, tx + " transmissions: it was flooded, not forwarded");
            assertTrue(total(net, "geo") >= 5, "relays forwarded greedily: " + total(net, "geo"));
            assertEquals(0, total(net, "geoLocalMinimum"));
            assertTrue(net.runUntil(() -> MultiHopTest.stateOf(sender, sent.messageId()) == MessageState.DELIVERED, 10,
                    10_000) >= 0, "acknowledged");
        }
    }

    @Test
    void aLakeMakesALocalMinimumAndTheFloodFallbackStillDelivers() throws Exception {
        try (SimNetwork net = grid()) {
            for (int y = 0; y < SIDE - 1; y++) net.isolate("n" + (y * SIDE + 3)); // column x = 3, open at the top
            Node destination = prepare(net);
            Node sender = net.nodes().get(SENDER).node();
            List<Inbox.Message> got = new ArrayList<>();
            destination.addDeliveryListener(got::add);
            SendResult sent = sender.send(destination.address(), "around the lake".getBytes(),
                    SendOptions.defaults().withRegion(destination.position().orElseThrow()));
            assertTrue(net.runUntil(() -> !got.isEmpty(), 10, 20_000) >= 0, "not delivered around the lake");
            assertTrue(total(net, "geoLocalMinimum") >= 1, "greedy forwarding should have been stuck at the shore");
            // The shore node (2, 3) is where it got stuck: none of its neighbours is nearer than it.
            assertTrue(net.nodes().get(3 * SIDE + 2).node().routingCounters().get("geoLocalMinimum") >= 1);
            long tx = net.medium().transmissionsOf(sender.address(), sent.messageId());
            assertTrue(tx > 8, "the detour needs the flood: " + tx + " transmissions");
            assertTrue(net.runUntil(() -> MultiHopTest.stateOf(sender, sent.messageId()) == MessageState.DELIVERED, 10,
                    20_000) >= 0, "acknowledged");
        }
    }
}
