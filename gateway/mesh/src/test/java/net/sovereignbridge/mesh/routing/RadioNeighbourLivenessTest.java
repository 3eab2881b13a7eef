package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import net.sovereignbridge.mesh.sim.SimNetwork;
import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportProfile;
import org.junit.jupiter.api.Test;

/**
 * A LoRa-like line a - b - c in virtual time: duty-cycled (1 %), announces every 15 minutes (the gateway's
 * interval on airtime-governed media), and a transport that keeps a neighbour for an hour. A neighbour quiet
 * for five minutes is still a direct neighbour and still the next hop of its routes; only silence past the
 * transport's own hour removes it.
 */
class RadioNeighbourLivenessTest {
    static final long BITRATE = 50_000;
    static final long HOUR = 3_600_000;

    static TransportProfile loraLike() {
        return TransportProfile.of(TransportKind.BROADCAST, 255, PreferenceClass.LOCAL_RADIO).withBitrate(BITRATE)
                .withLatency(20).withCost(50).withNeighbourTimeout(HOUR)
                .withAirtime(AirtimeBudget.ofBitrate(BITRATE, 0.01));
    }

    @Test
    void aQuietRadioNeighbourStaysANextHopUntilItsTransportsTimeout() throws Exception {
        SimNetwork.Config config = new SimNetwork.Config(3, SimNetwork.Topology.LINE, 0, 20, BITRATE, 255, 21,
                Node.Options.defaults().withTimers(3_000, 60_000, 400)).withProfile(loraLike());
        try (SimNetwork net = new SimNetwork(config)) {
            Node a = net.nodes().get(0).node();
            Node c = net.nodes().get(2).node();
            net.start();
            assertTrue(net.runUntil(net::converged, 500, 120_000) >= 0, () -> "no convergence: " + net.missing());
            Endpoint b = new Endpoint("sim", "n1");
            assertEquals(Optional.of(b), a.nextHopFor(net.nodes().get(1).node().address()), "b, directly");
            assertEquals(Optional.of(b), a.nextHopFor(c.address()), "c, through b");

            // Five minutes without a frame from b: longer than the node's old single 180 s expiry, shorter than
            // the 15-minute announce interval and the transport's hour.
            net.runFor(300_000);
            assertEquals(Optional.of(b), a.nextHopFor(net.nodes().get(1).node().address()),
                    "b is quiet for 5 minutes, still a direct neighbour");
            assertEquals(Optional.of(b), a.nextHopFor(c.address()), "the route to c through b is still used");
            SendResult sent = a.send(c.address(), "over the quiet radio".getBytes(), SendOptions.defaults());
            assertEquals("sim:n1", sent.via(), "a unicast hop to b, not a flood");

            // b goes silent for good (out of range of a and c): once the transport's hour has passed, b is no
            // next hop any more.
            net.isolate("n1");
            net.runFor(HOUR + 60_000);
            assertEquals(Optional.empty(), a.nextHopFor(net.nodes().get(1).node().address()), "b timed out");
            assertEquals(Optional.empty(), a.nextHopFor(c.address()), "no route through a silent b");
        }
    }
}
