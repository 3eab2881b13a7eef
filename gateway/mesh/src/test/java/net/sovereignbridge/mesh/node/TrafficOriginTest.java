package net.sovereignbridge.mesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.HopAck;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The origin given to {@link Node#send} reaches the transports on every transmission, and a relay keeps the
 * origin of the link a frame came in on: a -(internet overlay)- b -(radio)- c.
 */
class TrafficOriginTest {
    /** A point-to-point link between two transports that records the origin of every frame sent. */
    static final class Pipe implements Transport {
        final String id;
        final TrafficOrigin received;
        Pipe peer;
        volatile TransportListener listener;
        final List<TrafficOrigin> sentOrigins = new CopyOnWriteArrayList<>();
        final List<byte[]> sentFrames = new CopyOnWriteArrayList<>();

        Pipe(String id, TrafficOrigin received) {
            this.id = id;
            this.received = received;
        }

        static void connect(Pipe x, Pipe y) {
            x.peer = y;
            y.peer = x;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public TransportProfile profile() {
            return TransportProfile.of(TransportKind.DUPLEX, 1024, PreferenceClass.LOCAL_FAST).withLatency(1);
        }

        @Override
        public TransportState state() {
            return listener == null ? TransportState.STOPPED : TransportState.ACTIVE;
        }

        @Override
        public void start(TransportListener l) {
            listener = l;
            l.onStateChanged(this, TransportState.ACTIVE, "");
        }

        @Override
        public void stop() {}

        @Override
        public void send(Endpoint to, byte[] frame) {
            send(to, frame, TrafficOrigin.LOCAL);
        }

        @Override
        public void send(Endpoint to, byte[] frame, TrafficOrigin origin) {
            sentOrigins.add(origin);
            sentFrames.add(frame);
            TransportListener l = peer.listener;
            if (l != null) l.onFrame(peer, new Endpoint(peer.id, "far"), frame.clone(), LinkQuality.UNKNOWN);
        }

        @Override
        public TrafficOrigin receivedOrigin() {
            return received;
        }

        @Override
        public List<Neighbour> neighbours() {
            return List.of();
        }
    }

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) c.close();
    }

    private Node node(Path dir, String name, Transport... links) throws Exception {
        TransportManager m = new TransportManager();
        for (Transport t : links) m.add(t);
        Database db = Database.open(dir.resolve(name));
        Node n = new Node(NodeIdentity.generate(new SecureRandom()), db, m,
                Node.Options.defaults().withName(name).withTimers(300, 1_000, 20), Clock.systemUTC());
        closing.add(0, db);
        closing.add(0, n);
        return n;
    }

    private static List<TrafficOrigin> originsOf(Pipe p, FrameType type) {
        List<TrafficOrigin> out = new ArrayList<>();
        for (int i = 0; i < p.sentFrames.size(); i++) {
            byte[] f = p.sentFrames.get(i);
            if (Fragmenter.isFragment(f) || HopAck.is(f)) continue;
            var d = FrameCodec.decode(f);
            if (d.isOk() && d.value().type() == type) out.add(p.sentOrigins.get(i));
        }
        return out;
    }

    @Test
    void originReachesTransportsAndRelaysKeepTheLinksOrigin() throws Exception {
        Path dir = Files.createTempDirectory("sbridge-origin");
        Pipe aOverlay = new Pipe("overlay", TrafficOrigin.INTERNET);
        Pipe bOverlay = new Pipe("overlay", TrafficOrigin.INTERNET);
        Pipe bRadio = new Pipe("radio", TrafficOrigin.LOCAL);
        Pipe cRadio = new Pipe("radio", TrafficOrigin.LOCAL);
        Pipe.connect(aOverlay, bOverlay);
        Pipe.connect(bRadio, cRadio);
        Node a = node(dir, "a", aOverlay);
        Node b = node(dir, "b", bOverlay, bRadio);
        Node c = node(dir, "c", cRadio);
        c.start();
        b.start();
        a.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((a.peers().key(c.address()).isEmpty() || c.peers().key(a.address()).isEmpty()
                || a.routes().best(c.address(), System.currentTimeMillis()).isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(a.peers().key(c.address()).isPresent() && c.peers().key(a.address()).isPresent(), "keys learned");
        LinkedBlockingQueue<Inbox.Message> atC = new LinkedBlockingQueue<>();
        c.addDeliveryListener(atC::add);

        a.send(c.address(), "from a device".getBytes(), SendOptions.defaults().withOrigin(TrafficOrigin.DEVICE));
        assertEquals("from a device", new String(atC.poll(10, TimeUnit.SECONDS).body()));
        assertFalse(originsOf(aOverlay, FrameType.DATA).isEmpty());
        assertTrue(originsOf(aOverlay, FrameType.DATA).stream().allMatch(o -> o == TrafficOrigin.DEVICE),
                originsOf(aOverlay, FrameType.DATA).toString());
        // b heard it on the overlay: onwards on the radio it counts as internet traffic
        assertTrue(originsOf(bRadio, FrameType.DATA).stream().allMatch(o -> o == TrafficOrigin.INTERNET),
                originsOf(bRadio, FrameType.DATA).toString());
        assertFalse(originsOf(bRadio, FrameType.DATA).isEmpty());
        // c's end-to-end ACK is c's own traffic
        assertTrue(originsOf(cRadio, FrameType.ACK).stream().allMatch(o -> o == TrafficOrigin.LOCAL));
        assertTrue(originsOf(cRadio, FrameType.ANNOUNCE).stream().allMatch(o -> o == TrafficOrigin.LOCAL));

        // a topic message published by c's own node (LOCAL) crosses b onto the overlay still LOCAL; one
        // published from a device keeps DEVICE at the relay
        c.topics().subscribe("t");
        a.topics().subscribe("t");
        LinkedBlockingQueue<String> atA = new LinkedBlockingQueue<>();
        a.topics().addListener(m -> atA.add(m.origin() + ":" + new String(m.body())));
        c.publish("t", "own".getBytes(), TrafficOrigin.LOCAL, null);
        assertEquals("LOCAL:own", atA.poll(10, TimeUnit.SECONDS));
        c.publish("t", "sensor".getBytes(), TrafficOrigin.DEVICE, null);
        assertEquals("DEVICE:sensor", atA.poll(10, TimeUnit.SECONDS));
        assertEquals(List.of(TrafficOrigin.LOCAL, TrafficOrigin.DEVICE), originsOf(bOverlay, FrameType.BROADCAST));
    }
}
