package net.sovereignbridge.mesh.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import net.sovereignbridge.mesh.node.Node;
import org.junit.jupiter.api.Test;

/** The virtual-time simulator: same seed, same figures; and the link-failure scenario routes around the cut. */
class SimRunTest {
    static SimNetwork.Config config(long seed) {
        Node.Options o = Node.Options.defaults().withAnnounceInterval(5_000).withTimers(1_500, 10_000, 100)
                .withHopLimit(15);
        SimNetwork.Config c = new SimNetwork.Config(25, SimNetwork.Topology.RANDOM, 0.1, 10, 1_000_000, 255, seed, o);
        return c.withProfile(c.profile().withNeighbourTimeout(15_000));
    }

    static Map<String, Object> withoutHostFigures(SimRun.Result r) {
        Map<String, Object> m = r.toMap();
        m.remove("runtimeMs");
        m.remove("heapUsedBytes");
        return m;
    }

    @Test
    void aSeedFixesEveryFigureAndTrafficRoutesAroundAFailedLink() throws Exception {
        SimRun.Result first = SimRun.run(config(3), 60, 0, 60_000, true);
        SimRun.Result second = SimRun.run(config(3), 60, 0, 60_000, true);
        assertEquals(withoutHostFigures(first), withoutHostFigures(second), "same seed, same run");
        assertEquals(60, first.sent());
        assertEquals(1.0, first.deliveryRatio());
        assertTrue(first.virtualMillis() > 0);
        Map<String, Object> f = first.linkFailure();
        assertTrue((long) f.get("idleAvoidMs") >= 0, "idle: routes never left the dead link " + f);
        assertTrue((long) f.get("busyAvoidMs") >= 0, "with traffic: routes never left the dead link " + f);
        assertTrue((long) f.get("busyRestoredMs") >= 0, "with traffic: routes never came back " + f);
        assertEquals(f.get("sentDuringReroute"), f.get("deliveredOfThose"), "messages sent meanwhile arrive " + f);
        SimRun.Result other = SimRun.run(config(4), 60, 0, 60_000, false);
        assertNotEquals(withoutHostFigures(other), withoutHostFigures(first), "another seed, another network");
    }
}
