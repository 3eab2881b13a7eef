package net.sovereignbridge.mesh.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendException;
import net.sovereignbridge.mesh.sim.SimNetwork;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import org.junit.jupiter.api.Test;

/** Real nodes on simulated networks: topic messages flood once per node, within the hop limit and rate limits. */
class TopicFloodTest {
    /** Runs the network's virtual clock until {@code ok}, at most {@code seconds} of simulated time. */
    static void await(SimNetwork net, String what, long seconds, java.util.function.BooleanSupplier ok) {
        assertTrue(net.runUntil(ok, 20, TimeUnit.SECONDS.toMillis(seconds)) >= 0, "timed out: " + what);
    }

    private static SimNetwork network(int nodes, SimNetwork.Topology topology, int hopLimit) throws Exception {
        return new SimNetwork(new SimNetwork.Config(nodes, topology, 0, 5, 1_000_000, 255, 11,
                Node.Options.defaults().withAnnounceInterval(2_000).withTimers(1_000, 4_000, 60).withHopLimit(hopLimit)));
    }

    @Test
    void everyNodeOnTheGridGetsItOnceAndRelaysItAtMostOnce() throws Exception {
        try (SimNetwork net = network(16, SimNetwork.Topology.GRID, 15)) {
            net.start();
            await(net, "routes across the grid", 30, net::converged);
            Map<String, AtomicInteger> got = new ConcurrentHashMap<>();
            List<TopicMessage> far = new CopyOnWriteArrayList<>();
            for (SimNetwork.SimNode n : net.nodes()) {
                if (n != net.nodes().get(5)) n.node().topics().subscribe("weather"); // n5 relays but does not keep
                n.node().topics().addListener(m -> {
                    got.computeIfAbsent(n.name(), k -> new AtomicInteger()).incrementAndGet();
                    if (n == net.nodes().get(15)) far.add(m);
                });
            }
            Node corner = net.nodes().get(0).node();
            TopicMessage sent = corner.publish("weather", "21.5 C".getBytes(), TrafficOrigin.DEVICE, null);
            await(net, "all 15 subscribers", 10, () -> got.size() == 15);
            net.runFor(600); // late copies would show up as second deliveries
            got.forEach((n, c) -> assertEquals(1, c.get(), n + " delivered it " + c.get() + " times"));
            assertTrue(net.nodes().get(5).node().topics().recent("weather").isEmpty(), "unsubscribed: not kept");
            assertEquals(1, net.nodes().get(15).node().topics().recent("weather").size());
            long transmissions = net.medium().transmissionsOf(corner.address(), sent.messageId());
            assertTrue(transmissions > 1 && transmissions <= 16, transmissions + " transmissions for 16 nodes");
            TopicMessage m = far.get(0);
            assertEquals("21.5 C", new String(m.body()));
            assertEquals(corner.address(), m.from());
            assertEquals(TrafficOrigin.DEVICE, m.origin(), "the origin crosses relays");
            assertTrue(m.hops() >= 5, "the far corner is 6 hops away: " + m.hops());
        }
    }

    @Test
    void theHopLimitStopsTheFlood() throws Exception {
        try (SimNetwork net = network(6, SimNetwork.Topology.LINE, 3)) {
            net.start();
            await(net, "n3 to learn n0's key", 30, () -> net.nodes().get(3).node().peers().key(net.nodes().get(0).node().address())
                    .isPresent());
            List<TopicMessage> atThree = new CopyOnWriteArrayList<>();
            net.nodes().forEach(n -> n.node().topics().subscribe(Topics.ALL));
            net.nodes().get(3).node().topics().addListener(atThree::add);
            Node first = net.nodes().get(0).node();
            TopicMessage sent = first.publish("t", new byte[] {1}, TrafficOrigin.LOCAL, null);
            await(net, "the message three hops away", 10, () -> !atThree.isEmpty());
            assertEquals(2, atThree.get(0).hops());
            net.runFor(500);
            // n0 sends, n1 and n2 relay; n3 receives with one hop left and stops: limit 3 = 3 transmissions
            assertEquals(3, net.medium().transmissionsOf(first.address(), sent.messageId()));
            assertTrue(net.nodes().get(4).node().topics().recent("t").isEmpty());
        }
    }

    @Test
    void aChattyOriginIsCutAtItsRateByEveryRelay() throws Exception {
        try (SimNetwork net = network(3, SimNetwork.Topology.LINE, 8)) {
            net.start();
            await(net, "routes", 30, net::converged);
            Node chatty = net.nodes().get(0).node();
            chatty.topics().setLimits(new Topics.Limits(10_000, 100)); // as if it ignored its own limit
            List<TopicMessage> far = new CopyOnWriteArrayList<>();
            net.nodes().get(2).node().topics().subscribe("chat");
            net.nodes().get(2).node().topics().addListener(far::add);
            for (int i = 0; i < 15; i++) chatty.publish("chat", new byte[] {(byte) i}, TrafficOrigin.LOCAL, null);
            await(net, "the admitted messages", 10, () -> far.size() >= Topics.Limits.defaults().burst());
            net.runFor(800);
            assertEquals(Topics.Limits.defaults().burst(), far.size(), "n1 relays a burst of 10, then refuses");
            String relay = net.nodes().get(1).transport().id();
            assertEquals(5, net.nodes().get(1).manager().counters(relay).drops(DecodeError.RATE_LIMITED));

            Node polite = net.nodes().get(2).node();
            polite.topics().setLimits(new Topics.Limits(60, 2));
            polite.publish("chat", new byte[] {1}, TrafficOrigin.LOCAL, null);
            polite.publish("chat", new byte[] {2}, TrafficOrigin.LOCAL, null);
            SendException e = assertThrows(SendException.class,
                    () -> polite.publish("chat", new byte[] {3}, TrafficOrigin.LOCAL, null));
            assertEquals(SendException.Reason.RATE_LIMITED, e.reason());
            assertTrue(e.getMessage().contains("retry in"), e.getMessage());
            assertEquals(SendException.Reason.INVALID,
                    assertThrows(SendException.class, () -> polite.publish("a/b", new byte[0], TrafficOrigin.LOCAL, null))
                            .reason());
        }
    }
}
