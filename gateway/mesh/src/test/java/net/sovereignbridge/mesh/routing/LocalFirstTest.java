package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import net.sovereignbridge.mesh.sim.SimMedium;
import net.sovereignbridge.mesh.sim.SimTransport;
import net.sovereignbridge.mesh.sim.VirtualTime;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;
import org.junit.jupiter.api.Test;

/**
 * "Local first, global second", with whole nodes in virtual time: two nodes that hear each other both over a
 * local link and over the internet overlay exchange their messages locally, even where the overlay's link
 * cost is lower, and move to the overlay only while the local link is down.
 */
class LocalFirstTest {
    static final TransportProfile OVERLAY = TransportProfile.of(TransportKind.DUPLEX, 1200, PreferenceClass.GLOBAL)
            .withBitrate(10_000_000).withLatency(50).withCost(1);

    record Pair(VirtualTime time, Node a, Node b, SimTransport aLocal, SimTransport bLocal, List<Inbox.Message> atB,
            List<Database> dbs) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            a.close();
            b.close();
            for (Database d : dbs) d.close();
        }
    }

    static Pair pair(String localId, TransportProfile local) throws Exception {
        VirtualTime time = new VirtualTime();
        SimMedium localAir = new SimMedium(time.executor(), time.clock(), 1, 0, local.nominalLatencyMillis(), local.nominalBitrate());
        SimMedium internet = new SimMedium(time.executor(), time.clock(), 2, 0, 50, 10_000_000);
        localAir.link("a", "b");
        internet.link("a", "b");
        List<Database> dbs = new ArrayList<>();
        List<SimTransport> locals = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            TransportManager m = new TransportManager(1_000, 300_000, time.executor());
            SimTransport l = new SimTransport(localId, name, localAir, local);
            m.add(l);
            m.add(new SimTransport("overlay", name, internet, OVERLAY));
            Database db = Database.inMemory();
            dbs.add(db);
            locals.add(l);
            byte[] seed = new byte[32];
            java.util.Arrays.fill(seed, (byte) name.charAt(0));
            nodes.add(new Node(NodeIdentity.fromSeed(seed), db, m, Node.Options.defaults().withName(name), time.clock(),
                    new Node.Scheduling(time.executor(), time.executor(), new Random(name.charAt(0)))));
        }
        List<Inbox.Message> atB = new ArrayList<>();
        nodes.get(1).addDeliveryListener(atB::add);
        nodes.forEach(Node::start);
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        assertTrue(time.runUntil(() -> a.peers().key(b.address()).isPresent()
                && a.neighbours().candidates(b.address()).size() == 2, 100, 60_000) >= 0, "a hears b on both links");
        return new Pair(time, a, b, locals.get(0), locals.get(1), atB, dbs);
    }

    @Test
    void aBleLinkCarriesTheTrafficThoughTheOverlaysLinkCostIsLower() throws Exception {
        TransportProfile ble = TransportProfile.of(TransportKind.DUPLEX, 244, PreferenceClass.LOCAL_FAST)
                .withBitrate(300_000).withLatency(30);
        assertTrue(RouteTable.linkCost(OVERLAY, 0) < RouteTable.linkCost(ble, 0),
                "by link cost alone the overlay would carry it");
        try (Pair p = pair("ble", ble)) {
            for (int i = 0; i < 5; i++) {
                SendResult sent = p.a().send(p.b().address(), ("local " + i).getBytes(), SendOptions.defaults());
                assertTrue(sent.via().startsWith("ble:"), sent.via());
            }
            assertTrue(p.time().runUntil(() -> p.atB().size() == 5, 10, 10_000) >= 0, "delivered");
            assertTrue(p.atB().stream().allMatch(m -> m.transport().equals("ble")), "every message came over BLE");
        }
    }

    @Test
    void theLanBeatsTheOverlayAndTheOverlayStandsInWhileTheLanIsDown() throws Exception {
        TransportProfile lan = TransportProfile.of(TransportKind.DUPLEX, 1200, PreferenceClass.LOCAL_FAST)
                .withBitrate(100_000_000).withLatency(1);
        try (Pair p = pair("lan", lan)) {
            SendResult first = p.a().send(p.b().address(), "over the lan".getBytes(), SendOptions.defaults());
            assertTrue(first.via().startsWith("lan:"), first.via());
            assertTrue(p.time().runUntil(() -> p.atB().size() == 1, 10, 10_000) >= 0, "delivered over the LAN");
            p.aLocal().fail();
            p.bLocal().fail();
            SendResult second = p.a().send(p.b().address(), "over the internet".getBytes(), SendOptions.defaults());
            assertTrue(second.via().startsWith("overlay:"), second.via());
            assertTrue(p.time().runUntil(() -> p.atB().size() == 2, 10, 10_000) >= 0, "delivered");
            assertEquals(List.of("lan", "overlay"), p.atB().stream().map(Inbox.Message::transport).toList());
            assertTrue(p.time().runUntil(() -> MultiHopTest.stateOf(p.a(), second.messageId()) == MessageState.DELIVERED,
                    10, 10_000) >= 0, "acknowledged over the overlay");
        }
    }
}
