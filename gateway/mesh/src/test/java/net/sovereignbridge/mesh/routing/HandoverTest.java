package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.sim.SimMedium;
import net.sovereignbridge.mesh.sim.SimTransport;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A link over two media: when the preferred one dies, traffic continues on the other, nothing lost. */
class HandoverTest {
    @TempDir
    Path dir;

    record Peer(Node node, SimTransport lan, SimTransport radio, Database db) {}

    Peer peer(String name, int seed, SimMedium lanAir, SimMedium radioAir) throws Exception {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) seed);
        TransportManager m = new TransportManager();
        SimTransport lan = new SimTransport("lan", name, lanAir, TransportProfile.of(TransportKind.DUPLEX, 1200,
                PreferenceClass.LOCAL_FAST).withBitrate(100_000_000).withLatency(1));
        SimTransport radio = new SimTransport("radio", name, radioAir, TransportProfile.of(TransportKind.DUPLEX, 255,
                PreferenceClass.LOCAL_RADIO).withBitrate(5_000).withLatency(50).withCost(1)
                .withAirtime(AirtimeBudget.ofBitrate(5_000, 0.01)));
        m.add(lan);
        m.add(radio);
        Database db = Database.open(dir.resolve(name));
        Node node = new Node(NodeIdentity.fromSeed(s), db, m, MultiHopTest.fast(), Clock.systemUTC());
        return new Peer(node, lan, radio, db);
    }

    @Test
    void lanFailureMovesTrafficToTheRadioWithoutLosingMessages() throws Exception {
        ScheduledExecutorService air = Executors.newScheduledThreadPool(1);
        SimMedium lanAir = new SimMedium(air, java.time.Clock.systemUTC(), 1, 0, 1, 100_000_000);
        SimMedium radioAir = new SimMedium(air, java.time.Clock.systemUTC(), 2, 0, 20, 50_000);
        lanAir.link("a", "b");
        radioAir.link("a", "b");
        Peer a = peer("a", 1, lanAir, radioAir);
        Peer b = peer("b", 2, lanAir, radioAir);
        List<Inbox.Message> got = new CopyOnWriteArrayList<>();
        b.node().addDeliveryListener(got::add);
        try {
            a.node().start();
            b.node().start();
            MultiHopTest.await("a to know b", 10, () -> a.node().peers().key(b.node().address()).isPresent()
                    && !a.node().neighbours().candidates(b.node().address()).isEmpty());
            List<Integer> ids = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 20; i++) ids.add(a.node().send(b.node().address(), ("before " + i).getBytes(), SendOptions.defaults()).messageId());
            MultiHopTest.await("first 20 over LAN", 10, () -> got.size() == 20);
            assertTrue(got.stream().allMatch(m -> m.transport().equals("lan")), "the fast link is preferred");

            // The LAN dies under traffic: some of these leave while it is going down.
            for (int i = 0; i < 20; i++) {
                if (i == 5) {
                    a.lan().fail();
                    b.lan().fail();
                }
                ids.add(a.node().send(b.node().address(), ("after " + i).getBytes(), SendOptions.defaults()).messageId());
            }
            MultiHopTest.await("all 40 delivered", 30, () -> got.size() == 40);
            assertEquals(40, got.stream().map(m -> new String(m.body())).distinct().count(), "each exactly once");
            assertTrue(got.stream().filter(m -> new String(m.body()).startsWith("after")).anyMatch(m -> m.transport().equals("radio")));
            MultiHopTest.await("every message acknowledged", 30, () -> ids.stream()
                    .allMatch(id -> MultiHopTest.stateOf(a.node(), id) == MessageState.DELIVERED));
        } finally {
            a.node().close();
            b.node().close();
            a.db().close();
            b.db().close();
            air.shutdownNow();
        }
    }
}
