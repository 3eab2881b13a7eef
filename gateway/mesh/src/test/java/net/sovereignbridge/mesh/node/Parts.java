package net.sovereignbridge.mesh.node;

import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.envelope.Envelope;
import net.sovereignbridge.mesh.envelope.ReplayGuard;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.link.Link;
import net.sovereignbridge.mesh.link.LinkFixture;
import net.sovereignbridge.mesh.link.LinkLayer;
import net.sovereignbridge.mesh.link.RecordingTransport;
import net.sovereignbridge.mesh.routing.FloodControl;
import net.sovereignbridge.mesh.routing.Router;
import net.sovereignbridge.mesh.sim.VirtualTime;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;

/**
 * The shared machinery of one node for the parts' unit tests, in virtual time: a link layer over recording
 * transports, a router, an in-memory database with peers, inbox and custody. Each test builds the part it
 * tests on top; frames the link layer hands up are kept in {@link #up}.
 */
final class Parts implements AutoCloseable {
    static final Node.Options OPTIONS = Node.Options.defaults();

    final LinkFixture fixture = new LinkFixture();
    final VirtualTime time = fixture.time;
    final TransportManager manager = fixture.manager;
    final NodeIdentity identity;
    final NodeRuntime rt;
    final Database db;
    final PeerDirectory peers;
    final Inbox inbox;
    final CustodyQueue custody;
    final ReplayGuard replay = ReplayGuard.withDefaults();
    final Envelope envelope;
    final List<MeshFrame> up = new CopyOnWriteArrayList<>();
    LinkLayer links;
    Router router;

    Parts(int seed) throws SQLException {
        identity = identity(seed);
        rt = new NodeRuntime(time.clock(), time.executor(), new Random(seed), new AtomicInteger(seed * 1000));
        db = Database.inMemory();
        peers = new PeerDirectory(db, 100);
        inbox = new Inbox(db);
        custody = new CustodyQueue(db, new CustodyQueue.Limits(100, 10, 100, 50, 20, 40));
        envelope = new Envelope(identity);
    }

    static NodeIdentity identity(int seed) {
        return LinkFixture.identity(seed);
    }

    RecordingTransport add(String id, TransportProfile p) {
        return fixture.add(id, p);
    }

    /** Builds the link layer and router over the transports added so far and starts the transports. */
    Parts start() {
        FloodControl flood = new FloodControl(time.executor(), time.clock(), rt.random(), 50, 400, 1_000, 1_000);
        flood.rememberLonger(FrameType.ANNOUNCE.code, 10_000);
        links = fixture.start(identity.address(), new LinkLayer.Receiver() {
            @Override
            public void onFrame(Link link, Endpoint from, MeshFrame frame, LinkQuality quality) {
                up.add(frame);
            }

            @Override
            public void onLinkState(Link link, TransportState state) {}

            @Override
            public void onNewNeighbour(Link link, Endpoint neighbour) {}

            @Override
            public void onNeighbourLost(Endpoint neighbour) {}
        });
        router = new Router(links, flood, time.clock(), OPTIONS.routing());
        return this;
    }

    Link link(String id) {
        return fixture.link(id);
    }

    @Override
    public void close() throws SQLException {
        fixture.close();
        db.close();
    }
}
