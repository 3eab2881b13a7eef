package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendException;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.sim.SimNetwork;
import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportProfile;
import org.junit.jupiter.api.Test;

/**
 * On a duty-cycled radio (1 % = 36 s of airtime per hour), a flood of announces - every node announcing every
 * 2 s on top of its periodic ones, and relaying everyone else's - stays within 2 % of the budget (0.72 s per
 * node per hour) while messages keep flowing. Two virtual hours, so the rolling window is crossed.
 */
class AnnounceAirtimeTest {
    static final long BITRATE = 50_000;
    static final long HOUR = 3_600_000;
    static final double ALLOWED_SECONDS = 36 * AnnounceAirtime.DEFAULT_SHARE;

    static double seconds(long bytes) {
        return bytes * 8.0 / BITRATE;
    }

    @Test
    void announceFloodStaysWithinTwoPercentOfTheAirtimeBudgetWhileDataFlows() throws Exception {
        Node.Options options = Node.Options.defaults().withAnnounceInterval(5_000).withAirtimeAnnounceInterval(5_000)
                .withTimers(2_000, 20_000, 200).withHopLimit(15);
        SimNetwork.Config config = new SimNetwork.Config(5, SimNetwork.Topology.LINE, 0, 20, BITRATE, 255, 11, options)
                .withProfile(TransportProfile.of(TransportKind.DUPLEX, 255, PreferenceClass.LOCAL_RADIO).withBitrate(BITRATE).withLatency(20)
                        .withCost(1).withAirtime(AirtimeBudget.ofBitrate(BITRATE, 0.01)));
        try (SimNetwork net = new SimNetwork(config)) {
            net.start();
            assertTrue(net.runUntil(net::converged, 100, 60_000) >= 0, () -> "no convergence: " + net.missing());
            List<SimNetwork.SimNode> nodes = net.nodes();
            Node first = nodes.get(0).node();
            Node last = nodes.get(4).node();
            List<Integer> sent = new ArrayList<>();
            int[] delivered = {0};
            last.addDeliveryListener(m -> delivered[0]++);
            long[][] announceBytes = new long[3][nodes.size()];
            for (int hour = 0; hour < 2; hour++) {
                for (int i = 0; i < nodes.size(); i++) announceBytes[hour][i] = net.medium().announceBytesSentBy(nodes.get(i).name());
                long end = net.time().millis() + HOUR;
                int tick = 0;
                while (net.time().millis() < end) {
                    nodes.forEach(n -> n.node().announce()); // the flood
                    if (tick++ % 5 == 0) {
                        try {
                            sent.add(first.send(last.address(), ("data " + tick).getBytes(), SendOptions.defaults()).messageId());
                        } catch (SendException e) {
                            throw new AssertionError("the sender refused a message: " + e.getMessage());
                        }
                    }
                    net.runFor(2_000);
                }
            }
            for (int i = 0; i < nodes.size(); i++) announceBytes[2][i] = net.medium().announceBytesSentBy(nodes.get(i).name());
            net.runFor(60_000);

            for (int hour = 0; hour < 2; hour++) {
                for (int i = 0; i < nodes.size(); i++) {
                    double used = seconds(announceBytes[hour + 1][i] - announceBytes[hour][i]);
                    assertTrue(used <= ALLOWED_SECONDS + 1e-9, "node " + i + " hour " + hour + ": " + used
                            + " s of announces, allowed " + ALLOWED_SECONDS);
                    // The governor rations, it does not silence: the share is used.
                    assertTrue(used >= ALLOWED_SECONDS / 2, "node " + i + " hour " + hour + ": only " + used + " s");
                }
            }
            Node relay = nodes.get(2).node();
            assertTrue(relay.announcer().airtime().refused("sim") > 1_000, "the flood was not held back");
            assertEquals(sent.size(), delivered[0], "every message arrives while announces are rationed");
            double dataSeconds = seconds(net.medium().otherBytesSentBy(nodes.get(2).name()));
            assertTrue(dataSeconds > ALLOWED_SECONDS, "data (" + dataSeconds + " s) got more airtime than announces");
        }
    }
}
