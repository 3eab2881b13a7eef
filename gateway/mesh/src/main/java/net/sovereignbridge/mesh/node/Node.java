package net.sovereignbridge.mesh.node;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.envelope.Envelope;
import net.sovereignbridge.mesh.envelope.ReplayGuard;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.link.Link;
import net.sovereignbridge.mesh.link.LinkLayer;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import net.sovereignbridge.mesh.routing.DirectNeighbours;
import net.sovereignbridge.mesh.routing.FloodControl;
import net.sovereignbridge.mesh.routing.OverlayBridges;
import net.sovereignbridge.mesh.routing.RouteTable;
import net.sovereignbridge.mesh.routing.Router;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.topics.TopicMessage;
import net.sovereignbridge.mesh.topics.Topics;
import net.sovereignbridge.mesh.transport.CarriedTransport;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mesh node: its identity and transports, and the parts that do its work, wired here and nowhere else
 * (docs/routing.md, "Parts of a node"):
 * <ul>
 * <li>{@link LinkLayer}: per transport, fragmentation, reassembly, hop ACKs and retransmission, neighbour
 * liveness; the bounded receive queue onto one receive thread;
 * <li>{@link Router}: the routing tiers (direct, route table, overlay bridge, geographic, flood) and their
 * tables;
 * <li>{@link Announcer} and route learning: announces out (periodic, triggered, greeting, airtime share) and in;
 * <li>{@link Delivery}: own messages end to end (seal, custody, retry, ACK, state changes), the inbox;
 * <li>relaying others' frames, topics on the air, bundles.
 * </ul>
 * Receive work runs on one thread behind a bounded queue so transports never block on SQLite.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    /** Storage errors while receiving come once per frame a peer sends: rate-limited. */
    private static final RateLimitedLog receiveLog = RateLimitedLog.of(Node.class);
    /** A full disk fails every frame received: said once per minute, with the count of the rest. */
    private static final RateLimitedLog diskFullLog = RateLimitedLog.of(log, Duration.ofSeconds(60), 1);

    /**
     * The node's tunables, one record per part; {@link #defaults()} suits a gateway.
     *
     * @param hopLimit hops every frame this node makes may travel (at most 15)
     * @param floodDelayMillis upper bound of the rebroadcast delay of controlled flooding; the hop-ACK wait and
     *     the announce relay interval derive from it
     */
    public record Options(int hopLimit, long floodDelayMillis, LinkLayer.Options link, Router.Options routing,
            Announcer.Options announce, Delivery.Options delivery) {
        public static Options defaults() {
            return new Options(8, 400, LinkLayer.Options.defaults(), Router.Options.defaults(),
                    Announcer.Options.defaults(), Delivery.Options.defaults());
        }

        public Options withName(String name) {
            Announcer.Options a = announce;
            return withAnnounce(new Announcer.Options(name, a.intervalMillis(), a.airtimeIntervalMillis(), a.airtimeShare()));
        }

        public Options withAnnounceInterval(long millis) {
            Announcer.Options a = announce;
            return withAnnounce(new Announcer.Options(a.name(), millis, a.airtimeIntervalMillis(), a.airtimeShare()));
        }

        /** Announce period on links with an airtime budget (default 15 min). */
        public Options withAirtimeAnnounceInterval(long millis) {
            Announcer.Options a = announce;
            return withAnnounce(new Announcer.Options(a.name(), a.intervalMillis(), millis, a.airtimeShare()));
        }

        public Options withAnnounceAirtimeShare(double share) {
            Announcer.Options a = announce;
            return withAnnounce(new Announcer.Options(a.name(), a.intervalMillis(), a.airtimeIntervalMillis(), share));
        }

        /** Short timers for simulations and tests: retries after {@code retryBase}, floods within {@code flood}. */
        public Options withTimers(long retryBase, long retryMax, long flood) {
            Delivery.Options d = delivery;
            return new Options(hopLimit, flood, link.withHopAckWait(Math.max(flood, 100)), routing, announce,
                    new Delivery.Options(retryBase, retryMax, d.messageTtlMillis(), d.custody()));
        }

        public Options withHopLimit(int hops) {
            return new Options(hops, floodDelayMillis, link, routing, announce, delivery);
        }

        public Options withTtl(long ttlMillis) {
            Delivery.Options d = delivery;
            return new Options(hopLimit, floodDelayMillis, link, routing, announce, new Delivery.Options(
                    d.retryBaseMillis(), d.retryMaxMillis(), ttlMillis, d.custody()));
        }

        /** The budgets of custody: own messages, and frames held for others (docs/routing.md, "Custody budgets"). */
        public Options withCustodyLimits(CustodyQueue.Limits limits) {
            Delivery.Options d = delivery;
            return new Options(hopLimit, floodDelayMillis, link, routing, announce, new Delivery.Options(
                    d.retryBaseMillis(), d.retryMaxMillis(), d.messageTtlMillis(), limits));
        }

        private Options withAnnounce(Announcer.Options a) {
            return new Options(hopLimit, floodDelayMillis, link, routing, a, delivery);
        }
    }

    /**
     * Where a node runs its work. A gateway gives each node its own receive thread (behind a bounded queue) and
     * timer thread ({@link #ownThreads()}); a simulation of many nodes passes one shared scheduler, possibly in
     * virtual time, and a seeded random source so that a run repeats exactly for its seed.
     *
     * @param timers periodic announces, retries, flood delays; null: a thread of the node's own
     * @param receiver receive work (decode, verify, SQLite); null: a thread of the node's own
     * @param random message ids, jitter and flood delays; null: seeded from SecureRandom
     */
    public record Scheduling(ScheduledExecutorService timers, ExecutorService receiver, Random random) {
        public static Scheduling ownThreads() {
            return new Scheduling(null, null, null);
        }
    }

    private final NodeIdentity identity;
    private final TransportManager transports;
    private final ExecutorService receiver;
    private final ScheduledExecutorService timers;
    private final Inbox inbox;
    private final PeerDirectory peers;
    private final CustodyQueue custody;
    private final Topics topics = new Topics();
    private final LinkLayer links;
    private final Router router;
    private final Announcer announcer;
    private final RouteLearning learning;
    private final Delivery delivery;
    private final Relay relay;
    private final TopicFlood topicFlood;
    private final Bundles bundles;

    public Node(NodeIdentity identity, Database db, TransportManager transports, Options options, Clock clock)
            throws SQLException {
        this(identity, db, transports, options, clock, Scheduling.ownThreads());
    }

    public Node(NodeIdentity identity, Database db, TransportManager transports, Options options, Clock clock,
            Scheduling scheduling) throws SQLException {
        this.identity = identity;
        this.transports = transports;
        int maxPeers = options.routing().maxDestinations();
        this.inbox = new Inbox(db);
        this.peers = new PeerDirectory(db, maxPeers);
        Random seed = scheduling.random() != null ? scheduling.random() : new SecureRandom();
        // Drawn in this order, so a seeded simulation repeats exactly.
        AtomicInteger messageIds = new AtomicInteger(seed.nextInt());
        int firstFragmentSet = seed.nextInt();
        this.receiver = scheduling.receiver() != null ? scheduling.receiver()
                : new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                        new ArrayBlockingQueue<>(options.link().receiveQueue()), r -> daemon(r, "node-receive"),
                        new ThreadPoolExecutor.AbortPolicy());
        this.timers = scheduling.timers() != null ? scheduling.timers()
                : Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "node-timers"));
        NodeRuntime rt = new NodeRuntime(clock, timers, new Random(seed.nextLong()), messageIds);

        this.links = new LinkLayer(identity.address(), transports, options.link(), clock, timers, receiver,
                firstFragmentSet);
        this.router = new Router(links, floodControl(options, rt), clock, options.routing());
        this.custody = new CustodyQueue(db, options.delivery().custody());
        // Frames held across a restart (or before schema version 2) whose origin's key we hold are of known origin.
        custody.markOriginsKnown(a -> peers.key(a).isPresent());
        CarriedTransport carried = new CarriedTransport();
        transports.add(carried);
        ReplayGuard replay = ReplayGuard.withDefaults();
        this.announcer = new Announcer(identity, links, router, rt, options.announce(), options.hopLimit(),
                options.floodDelayMillis(), maxPeers);
        this.delivery = new Delivery(new Envelope(identity), replay, peers, inbox, custody, router, links, rt,
                options.delivery(), options.hopLimit());
        this.relay = new Relay(router, custody, peers, clock, options.delivery().messageTtlMillis());
        this.learning = new RouteLearning(peers, router, announcer, clock, maxPeers, origin -> {
            relay.originKnown(origin);
            delivery.releaseHeldFor(origin);
        });
        this.topicFlood = new TopicFlood(identity, peers, replay, topics, router, links, rt, options.hopLimit());
        this.bundles = new Bundles(identity, announcer, custody, carried, clock);
        router.onBridgeFound(delivery::releaseSoon);
        links.receiveWith(new Dispatch());
    }

    /**
     * Duplicate memory: long enough for a flood to cross the mesh, shorter than the first retry, so a
     * retransmission of the same message is relayed again. Announces never repeat an id: remembered for the
     * flood's whole life, so a late copy is no new one.
     */
    private static FloodControl floodControl(Options o, NodeRuntime rt) {
        long delay = o.floodDelayMillis();
        long memory = Math.max(delay, Math.min(o.hopLimit() * delay, o.delivery().retryBaseMillis() / 2));
        FloodControl flood = new FloodControl(rt.timers(), rt.clock(), rt.random(), delay / 8, delay, memory, 50_000);
        flood.rememberLonger(FrameType.ANNOUNCE.code, Math.max(memory, 2L * o.hopLimit() * delay));
        return flood;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** What the link layer hands up: frames by type, link and neighbour events. */
    private final class Dispatch implements LinkLayer.Receiver {
        @Override
        public void onFrame(Link link, Endpoint from, MeshFrame frame, LinkQuality quality) {
            boolean forUs = identity.address().equals(frame.destination());
            try {
                switch (frame.type()) {
                    case ANNOUNCE -> learning.onAnnounce(link, from, frame, quality);
                    case DATA -> {
                        if (forUs) delivery.onData(link, from, frame);
                        else relay.relay(link, from, frame, quality);
                    }
                    case ACK -> {
                        if (forUs) delivery.onAck(link, from, frame);
                        else relay.relay(link, from, frame, quality);
                    }
                    case BROADCAST -> topicFlood.receive(link, from, frame, quality);
                    default -> link.drop(from, DecodeError.UNKNOWN_TYPE, "no handler for " + frame.type());
                }
            } catch (SQLException e) {
                // Storage trouble is ours, not the peer's: nothing that failed was acknowledged, so the sender's
                // retry brings it again. A full disk fails every frame until someone frees space: one line a minute.
                if (Database.isDiskFull(e)) {
                    diskFullLog.error("node.disk-full", "disk full: cannot store frames (the latest from {}); they "
                            + "are not acknowledged and their senders retry: free space on the state directory's "
                            + "file system ({})", from, e.getMessage());
                } else {
                    receiveLog.error("node.store", "storing a frame from {} failed: {}", from, e.getMessage());
                }
            }
        }

        @Override
        public void onLinkState(Link link, TransportState state) {
            if (state == TransportState.ACTIVE && links.running()) announcer.linkUp(link);
            if (!state.canSend()) router.linkDown(link.id());
        }

        @Override
        public void onNewNeighbour(Link link, Endpoint neighbour) {
            announcer.greet(link, neighbour);
        }

        @Override
        public void onNeighbourLost(Endpoint neighbour) {
            router.neighbourLost(neighbour);
        }
    }

    /** Starts the transports, the periodic announces and the retries. */
    public void start() {
        links.start();
        announcer.start();
        delivery.start();
    }

    /**
     * Seals {@code payload} for {@code destination}, takes it into custody (committed to SQLite before this
     * returns: a crash afterwards loses nothing) and tries the routing tiers; with none available it stays
     * QUEUED until a route appears (store-and-forward). Delivery is confirmed by the recipient's authenticated
     * ACK; until then it is retried with exponential backoff and jitter until its time to live runs out.
     *
     * @throws SendException when the destination's key is unknown (no announce heard yet), the region is no
     *     geohash, the payload is too large for every transport, or the custody queue is full
     */
    public SendResult send(MeshAddress destination, byte[] payload, SendOptions how) throws SendException {
        return delivery.send(destination, payload, how);
    }

    /**
     * Publishes {@code message} on a mesh topic: a signed BROADCAST frame flooded on every link that can send,
     * delivered to this node's own subscribers too, except {@code except} (the bridge that injected it; may be
     * null).
     *
     * @throws SendException INVALID for a bad topic name, TOO_LARGE over {@code TopicBody.MAX_MESSAGE} bytes,
     *     RATE_LIMITED beyond this node's own topic rate (the limit every relay applies to it), NOT_RUNNING
     */
    public TopicMessage publish(String topic, byte[] message, TrafficOrigin origin, Topics.Listener except)
            throws SendException {
        return topicFlood.publish(topic, message, origin, except);
    }

    /** Broadcasts a signed announce on every link that can send, now; returns the announces' message ids. */
    public List<Integer> announce() {
        return announcer.announce();
    }

    /**
     * Writes every frame in custody (our undelivered messages and those held for others), preceded by our
     * own signed announce so the receiving side can open our messages, into a signed bundle file.
     */
    public byte[] exportBundle() throws SQLException {
        return bundles.export();
    }

    /**
     * Verifies a bundle file (rejected whole if any byte changed) and feeds its frames through the normal
     * receive path: ours are delivered (once, however often the bundle is imported), others' are held in
     * custody and forwarded when a route appears.
     *
     * @return the number of frames handed on, or the reason the bundle was rejected
     */
    public Decoded<net.sovereignbridge.mesh.custody.Bundle.ImportReport> importBundle(byte[] file) {
        return bundles.importFile(file);
    }

    public void addDeliveryListener(Consumer<Inbox.Message> listener) {
        delivery.addDeliveryListener(listener);
    }

    public void addStateListener(Consumer<StateChange> listener) {
        delivery.addStateListener(listener);
    }

    /** Sets routing tier 3: bridges that reach an address over the internet overlay (the DHT answers). */
    public void setOverlayBridges(OverlayBridges bridges) {
        router.setOverlayBridges(bridges);
    }

    /** This node's position as a geohash (announced to others), or null to announce none. */
    public void setPosition(String geohash) {
        router.setPosition(geohash);
    }

    public Optional<String> position() {
        return router.position();
    }

    /** The next hop a message to {@code destination} would take now (direct neighbour or route), if any. */
    public Optional<Endpoint> nextHopFor(MeshAddress destination) {
        List<Endpoint> hops = router.knownHops(destination, 0);
        return hops.isEmpty() ? Optional.empty() : Optional.of(hops.get(0));
    }

    /**
     * What the systemd watchdog asks before each ping: the node runs and both its receive thread and its
     * timer thread take work. Each gets a no-op task that must run within {@code timeoutMillis}; a thread
     * that is stuck (deadlock, a write blocked on the database, an endless loop) or a receive queue that stays
     * full fails the probe, even though the process is alive.
     */
    public boolean healthy(long timeoutMillis) {
        if (!links.running() || receiver.isShutdown() || timers.isShutdown()) return false;
        CompletableFuture<Void> received = new CompletableFuture<>();
        CompletableFuture<Void> timed = new CompletableFuture<>();
        try {
            receiver.execute(() -> received.complete(null));
            timers.execute(() -> timed.complete(null));
            CompletableFuture.allOf(received, timed).get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            log.warn("health probe failed: receive thread {}, timer thread {}",
                    received.isDone() ? "answered" : "did not answer", timed.isDone() ? "answered" : "did not answer");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public NodeIdentity identity() {
        return identity;
    }

    public MeshAddress address() {
        return identity.address();
    }

    public Inbox inbox() {
        return inbox;
    }

    public PeerDirectory peers() {
        return peers;
    }

    public TransportManager transports() {
        return transports;
    }

    public CustodyQueue custody() {
        return custody;
    }

    /** Mesh topics: subscriptions, recent messages, per-origin rate limits, listeners. */
    public Topics topics() {
        return topics;
    }

    public Router router() {
        return router;
    }

    public Announcer announcer() {
        return announcer;
    }

    public DirectNeighbours neighbours() {
        return router.neighbours();
    }

    public RouteTable routes() {
        return router.routes();
    }

    public FloodControl flood() {
        return router.flood();
    }

    /** Frames each routing tier took, for status (see {@link Router#counters}). */
    public Map<String, Long> routingCounters() {
        return router.counters();
    }

    @Override
    public void close() {
        links.stop();
        timers.shutdownNow();
        links.close();
        receiver.shutdown();
        try {
            receiver.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
