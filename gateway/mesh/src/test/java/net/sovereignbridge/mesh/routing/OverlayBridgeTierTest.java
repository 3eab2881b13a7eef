package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import net.sovereignbridge.mesh.sim.SimMedium;
import net.sovereignbridge.mesh.sim.SimTransport;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 3: gateway G knows no neighbour or route for radio-only node X, but an {@link OverlayBridges}
 * answer names bridge B (which hears X on its radio); G's message goes to B over the overlay medium and B
 * relays it to X. X announces with hop limit 1, so B never relays X's announce and G has no route tier 2
 * could use.
 */
class OverlayBridgeTierTest {
    @TempDir
    Path dir;

    private final ScheduledExecutorService air = Executors.newScheduledThreadPool(1);
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) c.close();
        air.shutdownNow();
    }

    private Node node(String name, int seed, Node.Options options, SimTransport... ts) throws Exception {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) seed);
        TransportManager m = new TransportManager();
        for (SimTransport t : ts) m.add(t);
        Database db = Database.open(dir.resolve(name));
        Node node = new Node(NodeIdentity.fromSeed(s), db, m, options, Clock.systemUTC());
        open.add(db);
        open.add(0, node);
        return node;
    }

    /** The DHT's part, played from a map: found bridges become known after a search. */
    static final class MapBridges implements OverlayBridges {
        final Map<MeshAddress, List<NextHop>> directory = new ConcurrentHashMap<>();
        final Map<MeshAddress, List<NextHop>> known = new ConcurrentHashMap<>();
        final List<MeshAddress> searches = new CopyOnWriteArrayList<>();

        @Override
        public List<NextHop> known(MeshAddress destination) {
            return known.getOrDefault(destination, List.of());
        }

        @Override
        public void search(MeshAddress destination, Consumer<MeshAddress> found) {
            searches.add(destination);
            List<NextHop> d = directory.get(destination);
            if (d != null) {
                known.put(destination, d);
                found.accept(destination);
            }
        }
    }

    @Test
    void aMessageForAnAddressBehindABridgeGoesToThatBridge() throws Exception {
        SimMedium overlay = new SimMedium(air, java.time.Clock.systemUTC(), 1, 0, 5, 10_000_000);
        SimMedium radio = new SimMedium(air, java.time.Clock.systemUTC(), 2, 0, 5, 50_000);
        overlay.link("g", "b");
        radio.link("b", "x");
        TransportProfile fast = TransportProfile.of(TransportKind.DUPLEX, 1200, PreferenceClass.GLOBAL).withBitrate(10_000_000).withLatency(5);
        TransportProfile lora = TransportProfile.of(TransportKind.DUPLEX, 255, PreferenceClass.LOCAL_RADIO).withBitrate(50_000).withLatency(20).withCost(1);
        Node g = node("g", 1, MultiHopTest.fast(), new SimTransport("overlay", "g", overlay, fast));
        Node b = node("b", 2, MultiHopTest.fast(), new SimTransport("overlay", "b", overlay, fast),
                new SimTransport("radio", "b", radio, lora));
        Node x = node("x", 3, MultiHopTest.fast().withHopLimit(1), new SimTransport("radio", "x", radio, lora));
        List<Inbox.Message> got = new CopyOnWriteArrayList<>();
        x.addDeliveryListener(got::add);
        MapBridges bridges = new MapBridges();
        g.setOverlayBridges(bridges);
        g.start();
        b.start();
        x.start();
        MultiHopTest.await("b to hear x and x to learn g", 15, () -> !b.neighbours().candidates(x.address()).isEmpty()
                && x.peers().key(g.address()).isPresent());
        // the key of x reaches g out of band (a bundle, a contact card): g has no route to x
        g.peers().learn(x.identity().publicIdentity(), "x", System.currentTimeMillis() / 1000, System.currentTimeMillis());
        assertTrue(g.routes().lookup(x.address(), System.currentTimeMillis()).isEmpty(), "no tier-2 route to x");

        // no bridge known yet: a lookup is started and, without an answer, the message floods
        SendResult first = g.send(x.address(), "flooded".getBytes(), SendOptions.defaults());
        assertEquals("flood", first.via());
        assertEquals(List.of(x.address()), bridges.searches);

        // the DHT names b: the next message leaves on the overlay link to b, and b hands it on over its radio
        bridges.directory.put(x.address(), List.of(new NextHop(new Endpoint("overlay", "b"), b.address())));
        bridges.search(x.address(), a -> { });
        SendResult second = g.send(x.address(), "through the bridge".getBytes(), SendOptions.defaults());
        assertEquals("overlay:b", second.via());
        MultiHopTest.await("x to receive both", 20, () -> got.size() == 2);
        assertTrue(got.stream().anyMatch(m -> new String(m.body()).equals("through the bridge")));
        MultiHopTest.await("g to get x's ACK", 20,
                () -> MultiHopTest.stateOf(g, second.messageId()) == MessageState.DELIVERED);
    }
}
