package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import net.sovereignbridge.mesh.node.StateChange;
import net.sovereignbridge.mesh.sim.SimNetwork;
import net.sovereignbridge.mesh.store.Inbox;
import org.junit.jupiter.api.Test;

/** Real nodes on a simulated line: routes form beyond one hop, messages cross relays and are acknowledged. */
class MultiHopTest {
    static Node.Options fast() {
        return Node.Options.defaults().withAnnounceInterval(2_000).withTimers(1_000, 4_000, 60).withHopLimit(15);
    }

    static void await(String what, long seconds, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void messageCrossesFourRelaysAndIsAcknowledged() throws Exception {
        try (SimNetwork net = new SimNetwork(new SimNetwork.Config(6, SimNetwork.Topology.LINE, 0, 5, 1_000_000, 255, 7,
                fast()))) {
            net.start();
            assertTrue(net.runUntil(net::converged, 50, 20_000) >= 0, "routes across the line");
            Node first = net.nodes().get(0).node();
            Node last = net.nodes().get(5).node();
            assertEquals(5, first.routes().best(last.address(), net.time().millis()).orElseThrow().hops());
            LinkedBlockingQueue<Inbox.Message> got = new LinkedBlockingQueue<>();
            last.addDeliveryListener(got::add);
            LinkedBlockingQueue<StateChange> states = new LinkedBlockingQueue<>();
            first.addStateListener(states::add);
            SendResult sent = first.send(last.address(), "over five hops".getBytes(), SendOptions.defaults());
            assertEquals(MessageState.SENT, sent.state());
            assertTrue(net.runUntil(() -> !got.isEmpty(), 10, 10_000) >= 0, "delivered");
            assertEquals("over five hops", new String(got.poll().body()));
            assertTrue(net.runUntil(() -> stateOf(first, sent.messageId()) == MessageState.DELIVERED, 10, 10_000) >= 0,
                    "the ACK");
            assertTrue(states.stream().anyMatch(s -> s.state() == MessageState.DELIVERED));
        }
    }

    static MessageState stateOf(Node n, int id) {
        try {
            return n.custody().ownMessage(n.address(), id).orElseThrow().state();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void announcesCoverTheGridAndEachNodeRelaysAtMostOnce() throws Exception {
        try (SimNetwork net = new SimNetwork(new SimNetwork.Config(16, SimNetwork.Topology.GRID, 0, 5, 1_000_000, 255, 3,
                Node.Options.defaults().withAnnounceInterval(3_000).withTimers(1_000, 4_000, 80).withHopLimit(15)))) {
            net.start();
            assertTrue(net.runUntil(net::converged, 50, 20_000) >= 0, () -> "routes across the grid: " + net.missing());
            Node corner = net.nodes().get(0).node();
            // Right after one of the corner's periodic announces, so relays are past their per-origin interval
            // (25 x flood delay = 2 s) when the measured one comes.
            net.runFor(2_100);
            int id = corner.announce().get(0);
            net.runFor(800);
            long transmissions = net.medium().transmissionsOf(corner.address(), id);
            // Naive flooding: every one of the 16 nodes transmits once; each node relays at most once.
            assertTrue(transmissions > 1, "the announce was not relayed");
            assertTrue(transmissions <= 16, "a node relayed twice: " + transmissions + " transmissions");
        }
    }
}
