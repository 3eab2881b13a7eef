package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import net.sovereignbridge.p2p.dht.sim.DhtSimulation;
import org.junit.jupiter.api.Test;

/** The 500-node version of the churn benchmark (the 10 000-node run is `sbridge dht sim`, see docs/benchmarks.md). */
class DhtSimulationTest {
    @Test
    void fiveHundredNodesWithTwentyPercentChurn() {
        var params = new DhtSimulation.Params(500, 0.2, 0.1, 500, 30, 10, 1234, true, 3, 3);
        DhtSimulation.Report r = new DhtSimulation(params).run();
        System.out.print(r.toText());
        assertTrue(r.lookupSuccess() >= 0.99, "lookup success " + r.lookupSuccess());
        assertTrue(r.medianHops() <= 4, "median hops " + r.medianHops());
        assertEquals(1.0, r.recordsAfterChurn());
        assertEquals(1.0, r.recordsAfterRepublish());
        assertEquals(1.0, r.providersAfterRepublish());
        assertEquals(0, r.clientsInTables(), "client-mode nodes never enter routing tables");
        assertTrue(r.liveOwners() > 0 && r.goneOwners() > 0);
        assertEquals(1.0, r.liveOwnersFound(), "records of owners still online survive days of churn");
        assertEquals(1.0, r.goneOwnersExpired(), "records of owners gone for two days have expired");
    }
}
