package net.sovereignbridge.mesh.node;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.custody.Bundle;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.envelope.Envelope;
import net.sovereignbridge.mesh.envelope.ReplayGuard;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.HopAck;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.frame.Reassembler;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PublicIdentity;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.routing.AnnounceAirtime;
import net.sovereignbridge.mesh.routing.FloodControl;
import net.sovereignbridge.mesh.routing.Geohash;
import net.sovereignbridge.mesh.routing.GeoTable;
import net.sovereignbridge.mesh.routing.RouteTable;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.topics.TopicBody;
import net.sovereignbridge.mesh.topics.TopicMessage;
import net.sovereignbridge.mesh.topics.Topics;
import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.CarriedTransport;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mesh node: its identity, its transports, and the send and receive paths between them.
 *
 * <p>send: seal (envelope) -> frame -> next hop -> fragment per MTU -> transport.
 * receive: transport -> reassembly (per transport) -> decode -> by type: ANNOUNCE teaches a key; DATA
 * for us is replay-checked, opened and stored in the inbox before listeners hear of it.
 *
 * <p>Receive work runs on one thread behind a bounded queue so transports never block on SQLite; when
 * the queue is full, frames are dropped and counted (the sender's retry covers them).
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    /** Tunables; {@link #defaults()} suits a gateway. */
    /**
     * @param retryBaseMillis first retry of an unacknowledged message; doubles per attempt, with jitter
     * @param retryMaxMillis ceiling of the retry interval
     * @param messageTtlMillis how long an accepted message is kept for delivery
     * @param floodDelayMillis upper bound of the rebroadcast delay of controlled flooding
     */
    public record Options(String name, int hopLimit, long announceIntervalMillis, long regulatedAnnounceIntervalMillis,
            long neighbourExpiryMillis, int maxPeers, int receiveQueue, long retryBaseMillis, long retryMaxMillis,
            long messageTtlMillis, long floodDelayMillis, long routeExpiryMillis, int custodyPerDestination,
            int custodyTotal) {
        public static Options defaults() {
            return new Options("", 8, 30_000, 900_000, 180_000, 10_000, 1024, 3_000, 300_000, 7 * 86_400_000L, 400,
                    1_800_000, 1_000, 20_000);
        }

        public Options withName(String n) {
            return new Options(n, hopLimit, announceIntervalMillis, regulatedAnnounceIntervalMillis,
                    neighbourExpiryMillis, maxPeers, receiveQueue, retryBaseMillis, retryMaxMillis, messageTtlMillis,
                    floodDelayMillis, routeExpiryMillis, custodyPerDestination, custodyTotal);
        }

        public Options withAnnounceInterval(long millis) {
            return new Options(name, hopLimit, millis, regulatedAnnounceIntervalMillis, neighbourExpiryMillis,
                    maxPeers, receiveQueue, retryBaseMillis, retryMaxMillis, messageTtlMillis, floodDelayMillis,
                    routeExpiryMillis, custodyPerDestination, custodyTotal);
        }

        /** Short timers for simulations and tests: retries after {@code retryBase}, floods within {@code flood}. */
        public Options withTimers(long retryBase, long retryMax, long flood) {
            return new Options(name, hopLimit, announceIntervalMillis, regulatedAnnounceIntervalMillis,
                    neighbourExpiryMillis, maxPeers, receiveQueue, retryBase, retryMax, messageTtlMillis, flood,
                    routeExpiryMillis, custodyPerDestination, custodyTotal);
        }

        public Options withHopLimit(int hops) {
            return new Options(name, hops, announceIntervalMillis, regulatedAnnounceIntervalMillis,
                    neighbourExpiryMillis, maxPeers, receiveQueue, retryBaseMillis, retryMaxMillis, messageTtlMillis,
                    floodDelayMillis, routeExpiryMillis, custodyPerDestination, custodyTotal);
        }

        /** A direct neighbour silent this long is no longer a next hop. */
        public Options withNeighbourExpiry(long millis) {
            return new Options(name, hopLimit, announceIntervalMillis, regulatedAnnounceIntervalMillis, millis,
                    maxPeers, receiveQueue, retryBaseMillis, retryMaxMillis, messageTtlMillis, floodDelayMillis,
                    routeExpiryMillis, custodyPerDestination, custodyTotal);
        }

        /** Announce period on airtime-regulated transports (default 15 min). */
        public Options withRegulatedAnnounceInterval(long millis) {
            return new Options(name, hopLimit, announceIntervalMillis, millis, neighbourExpiryMillis,
                    maxPeers, receiveQueue, retryBaseMillis, retryMaxMillis, messageTtlMillis, floodDelayMillis,
                    routeExpiryMillis, custodyPerDestination, custodyTotal);
        }

        public Options withTtl(long ttlMillis) {
            return new Options(name, hopLimit, announceIntervalMillis, regulatedAnnounceIntervalMillis,
                    neighbourExpiryMillis, maxPeers, receiveQueue, retryBaseMillis, retryMaxMillis, ttlMillis,
                    floodDelayMillis, routeExpiryMillis, custodyPerDestination, custodyTotal);
        }
    }

    private final NodeIdentity identity;
    private final Options options;
    private final Clock clock;
    private final TransportManager transports;
    private final Envelope envelope;
    private final ReplayGuard replay = ReplayGuard.withDefaults();
    private final Inbox inbox;
    private final PeerDirectory peers;
    private final DirectNeighbours neighbours;
    private volatile NextHop nextHop;
    private volatile OverlayBridges overlayBridges = OverlayBridges.NONE;
    private final Map<String, Reassembler> reassemblers = new ConcurrentHashMap<>();
    private final AtomicInteger messageIds;
    private final AtomicInteger fragmentSets;
    private final List<Consumer<Inbox.Message>> deliveryListeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.ExecutorService receiver;
    private final ScheduledExecutorService timers;
    private final Map<String, Long> lastAnnounce = new ConcurrentHashMap<>();
    private final Map<MeshAddress, Long> lastRelayedAnnounce = new ConcurrentHashMap<>();
    private final RouteTable routes;
    private final FloodControl flood;
    private final CustodyQueue custody;
    private final Random random;
    private final List<Consumer<StateChange>> stateListeners = new CopyOnWriteArrayList<>();
    private final CarriedTransport carried = new CarriedTransport();
    private final Topics topics = new Topics();
    /**
     * Origin of frames in flight or in custody that did not start here as LOCAL, so retries and relays keep it.
     * In memory only: after a restart a held frame counts as LOCAL (bounded, least recently used out).
     */
    private final Map<OriginKey, TrafficOrigin> origins = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<OriginKey, TrafficOrigin> eldest) {
                    return size() > 20_000;
                }
            });

    private record OriginKey(MeshAddress source, int messageId, int type) {}
    private volatile boolean running;

    /** A change in the state of one of this node's own messages. */
    public record StateChange(int messageId, MeshAddress destination, MessageState state) {}

    /**
     * Where a node runs its work. A gateway gives each node its own receive thread (behind a bounded queue) and
     * timer thread ({@link #ownThreads()}); a simulation of many nodes passes one shared scheduler, possibly in
     * virtual time, and a seeded random source so that a run repeats exactly for its seed.
     *
     * @param timers periodic announces, retries, flood delays; null: a thread of the node's own
     * @param receiver receive work (decode, verify, SQLite); null: a thread of the node's own
     * @param random message ids, jitter and flood delays; null: seeded from SecureRandom
     */
    public record Scheduling(ScheduledExecutorService timers, java.util.concurrent.ExecutorService receiver,
            Random random) {
        public static Scheduling ownThreads() {
            return new Scheduling(null, null, null);
        }
    }

    public Node(NodeIdentity identity, Database db, TransportManager transports, Options options, Clock clock)
            throws SQLException {
        this(identity, db, transports, options, clock, Scheduling.ownThreads());
    }

    public Node(NodeIdentity identity, Database db, TransportManager transports, Options options, Clock clock,
            Scheduling scheduling) throws SQLException {
        this.identity = identity;
        this.options = options;
        this.clock = clock;
        this.transports = transports;
        this.envelope = new Envelope(identity);
        this.inbox = new Inbox(db);
        this.peers = new PeerDirectory(db, options.maxPeers());
        this.neighbours = new DirectNeighbours(clock, options.neighbourExpiryMillis(), options.maxPeers());
        this.nextHop = neighbours;
        Random random = scheduling.random() != null ? scheduling.random() : new SecureRandom();
        this.messageIds = new AtomicInteger(random.nextInt());
        this.fragmentSets = new AtomicInteger(random.nextInt());
        this.receiver = scheduling.receiver() != null ? scheduling.receiver()
                : new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                        new ArrayBlockingQueue<>(options.receiveQueue()), r -> daemon(r, "node-receive"),
                        new ThreadPoolExecutor.AbortPolicy());
        this.timers = scheduling.timers() != null ? scheduling.timers()
                : Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "node-timers"));
        this.random = new Random(random.nextLong());
        this.routes = new RouteTable(options.routeExpiryMillis(), options.maxPeers());
        this.geo = new GeoTable(options.maxPeers(), options.routeExpiryMillis());
        // Duplicate memory: long enough for a flood to cross the mesh, shorter than the first retry.
        long floodMemory = Math.max(options.floodDelayMillis(), Math.min(options.hopLimit() * options.floodDelayMillis(),
                options.retryBaseMillis() / 2));
        this.flood = new FloodControl(timers, clock, this.random, options.floodDelayMillis() / 8,
                options.floodDelayMillis(), floodMemory, 50_000);
        // Announces never repeat an id: remember them for the flood's whole life, so a late copy is no new one.
        this.flood.rememberLonger(FrameType.ANNOUNCE.code,
                Math.max(floodMemory, 2L * options.hopLimit() * options.floodDelayMillis()));
        this.custody = new CustodyQueue(db, options.custodyPerDestination(), options.custodyTotal());
        transports.add(carried);
        transports.addListener(new TransportManager.Events() {
            @Override
            public void onFrame(Transport transport, Endpoint from, byte[] frame, LinkQuality quality) {
                enqueue(transport, from, frame, quality);
            }

            @Override
            public void onStateChanged(Transport transport, TransportState state, String reason) {
                if (state == TransportState.ACTIVE && running) timers.execute(() -> announceOn(transport));
                if (!state.canSend()) {
                    routes.forgetTransport(transport.id());
                    geo.forgetTransport(transport.id());
                }
            }

            @Override
            public void onNeighbour(Transport transport, Neighbour neighbour, boolean up) {
                // links that cost no airtime only: a LoRa neighbour waits for the periodic announce
                if (up && running && transport.profile().kind() == TransportKind.DUPLEX && !transport.profile().airtimeGoverned()) {
                    greet(transport, neighbour.endpoint());
                }
            }
        });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts the transports and the periodic announces. */
    public void start() {
        running = true;
        transports.startAll();
        timers.scheduleWithFixedDelay(this::announceDue, 1000, 1000, TimeUnit.MILLISECONDS);
        long tick = Math.max(20, Math.min(500, options.retryBaseMillis() / 4));
        timers.scheduleWithFixedDelay(this::retryDue, tick, tick, TimeUnit.MILLISECONDS);
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

    public DirectNeighbours neighbours() {
        return neighbours;
    }

    public TransportManager transports() {
        return transports;
    }

    /** Replaces how next hops are chosen (the router does this). */
    public void setNextHop(NextHop nextHop) {
        this.nextHop = nextHop;
    }

    /** Sets routing tier 3: bridges that reach an address over the internet overlay (the DHT answers). */
    public void setOverlayBridges(OverlayBridges bridges) {
        this.overlayBridges = bridges == null ? OverlayBridges.NONE : bridges;
    }

    public void addDeliveryListener(Consumer<Inbox.Message> listener) {
        deliveryListeners.add(listener);
    }

    /** What {@link #send} reports: the message's id, and SENT (handed to a link) or QUEUED (held for a route). */
    public record Sent(int messageId, MeshAddress destination, MessageState state, String via) {}

    public void addStateListener(Consumer<StateChange> listener) {
        stateListeners.add(listener);
    }

    public RouteTable routes() {
        return routes;
    }

    public CustodyQueue custody() {
        return custody;
    }

    public FloodControl flood() {
        return flood;
    }

    /** Mesh topics: subscriptions, recent messages, per-origin rate limits, listeners. */
    public Topics topics() {
        return topics;
    }

    /** {@link #send(MeshAddress, byte[], TrafficOrigin)} for traffic made on this node. */
    public Sent send(MeshAddress destination, byte[] payload) throws SendException {
        return send(destination, payload, TrafficOrigin.LOCAL);
    }

    /**
     * Seals {@code payload} for {@code destination}, takes it into custody (committed to SQLite before this
     * returns: a crash afterwards loses nothing) and tries the routing tiers: direct neighbour, route table,
     * controlled flood; with none available it stays QUEUED until a route appears (store-and-forward).
     * Delivery is confirmed by the recipient's authenticated ACK; until then it is retried with
     * exponential backoff and jitter until its time to live runs out.
     *
     * <p>{@code origin} says where the message entered the mesh (DEVICE for CoAP/MQTT, INTERNET for the
     * overlay); it goes down to the transports with every transmission and retry, so radio airtime caps apply.
     *
     * @throws SendException when the destination's key is unknown (no announce heard yet), the payload is too
     *     large for every transport, or the custody queue is full
     */
    public Sent send(MeshAddress destination, byte[] payload, TrafficOrigin origin) throws SendException {
        return send(destination, payload, null, origin);
    }

    /**
     * As {@link #send(MeshAddress, byte[])}, addressed also to a region: {@code region} is the geohash the
     * destination is known to be in (from the DHT, a directory, the operator), or null to use the position
     * the destination announced, if any. Nodes without a route to the destination forward the frame greedily
     * towards the region (docs/routing.md, "Geographic routing").
     */
    public Sent send(MeshAddress destination, byte[] payload, String region) throws SendException {
        return send(destination, payload, region, TrafficOrigin.LOCAL);
    }

    /** Both: a region (or null) and the traffic origin. */
    public Sent send(MeshAddress destination, byte[] payload, String region, TrafficOrigin origin) throws SendException {
        if (region != null && !Geohash.isValid(region)) {
            throw new SendException(SendException.Reason.SEND_FAILED, "region '" + region
                    + "' is not a geohash (1..12 characters of 0-9 b-h j k m n p-z)");
        }
        if (region == null) region = geo.positionOf(destination).orElse(null);
        if (!running) throw new SendException(SendException.Reason.NOT_RUNNING, "node is not running");
        PublicIdentity recipient = peers.key(destination).orElseThrow(() -> new SendException(
                SendException.Reason.UNKNOWN_DESTINATION,
                "unknown destination " + destination + ": no announce heard from it yet, so its key is unknown"));
        int id = messageIds.getAndIncrement();
        MeshFrame frame = envelope.seal(FrameType.DATA, recipient, id, clock.instant().getEpochSecond(),
                MeshFrame.FLAG_WANT_ACK, options.hopLimit(), payload, region);
        byte[] encoded = FrameCodec.encode(frame);
        int largest = transports.all().stream().mapToInt(t -> Fragmenter.maxFrameLength(t.profile().mtu())).max()
                .orElse(0);
        if (encoded.length > largest) {
            throw new SendException(SendException.Reason.TOO_LARGE, "message of " + payload.length
                    + " bytes is too large for every transport (largest frame " + largest + " bytes)");
        }
        long now = clock.millis();
        CustodyQueue.Entry entry;
        try {
            entry = custody.accept(destination, identity.address(), id, FrameType.DATA.code, encoded, true, 0, now,
                    options.messageTtlMillis(), MessageState.QUEUED).orElseThrow();
        } catch (CustodyQueue.RefusedException e) {
            throw new SendException(SendException.Reason.QUEUE_FULL, e.getMessage());
        } catch (SQLException e) {
            throw new SendException(SendException.Reason.SEND_FAILED, "cannot store the message: " + e.getMessage());
        }
        flood.remember(identity.address(), id, FrameType.DATA.code);
        rememberOrigin(identity.address(), id, FrameType.DATA.code, origin);
        String via = attempt(entry, true);
        return new Sent(id, destination, via == null ? MessageState.QUEUED : MessageState.SENT, via);
    }

    /**
     * One delivery attempt of a frame in custody. Returns where it went, or null when no tier could take it
     * (it stays QUEUED). Own messages are rescheduled with backoff either way; frames held for others are
     * released once handed to a route.
     */
    private String attempt(CustodyQueue.Entry e, boolean allowFlood) {
        long now = clock.millis();
        // Frames held for others were taken in from a flood: only a route releases them, no greedy step (see forward).
        String via = forward(e.destination(), e.frame(), allowFlood, e.own(),
                originOf(e.source(), e.messageId(), e.type()));
        try {
            if (e.own()) {
                MessageState state = via != null || e.state() == MessageState.SENT ? MessageState.SENT : MessageState.QUEUED;
                boolean stillPending = custody.recordAttempt(e.id(), state, now + backoff(e.attempts()), now);
                // An ACK may have arrived meanwhile: then the message is DELIVERED and no SENT may follow.
                if (stillPending && state != e.state()) fireState(e.messageId(), e.destination(), state);
            } else if (via != null && !via.startsWith("flood")) {
                custody.release(e.id());
            } else {
                custody.reschedule(e.id(), now + backoff(e.attempts() + 2));
            }
        } catch (SQLException ex) {
            log.error("custody update failed: {}", ex.getMessage());
        }
        return via;
    }

    /** Exponential backoff with +-25 % jitter, so many senders do not retry in step. */
    private long backoff(int attempts) {
        double base = Math.min(options.retryMaxMillis(), options.retryBaseMillis() * Math.pow(2, Math.min(attempts, 20)));
        return (long) (base * (0.75 + 0.5 * random.nextDouble()));
    }

    /**
     * Routing tiers for an encoded frame: direct neighbour, then the route table, then a bridge over the
     * overlay, then greedy geographic forwarding towards the frame's region, then (if allowed) a controlled
     * flood on every active transport. Returns a description of the hop taken, or null.
     *
     * @param allowGeo false for a copy that reached us by flood: greedy forwarding already hit a local minimum
     *     upstream, and a greedy step from here could lead straight back to it (the minimum is nearer to the
     *     region than its neighbours), so the flood goes on until it meets a route
     * @param origin where the frame entered the mesh, passed to the transports (airtime caps)
     */
    private String forward(MeshAddress destination, byte[] encoded, boolean allowFlood, boolean allowGeo,
            TrafficOrigin origin) {
        List<Endpoint> usable = usableHops(destination, encoded.length);
        String kind = "";
        if (usable.isEmpty()) {
            // Tier 3: a bridge that reaches the destination over the overlay, in the order the DHT gave.
            List<Endpoint> bridges = new java.util.ArrayList<>();
            overlayBridges.known(destination).forEach(h -> bridges.add(h.endpoint()));
            usable = usableFor(bridges, encoded.length);
            if (usable.isEmpty()) overlayBridges.search(destination, this::bridgeFound);
        }
        if (usable.isEmpty() && allowGeo) {
            usable = greedyHops(FrameCodec.region(encoded), encoded.length);
            kind = "geo ";
        }
        if (!usable.isEmpty()) {
            // Unicast hops ask for a link acknowledgement and are retransmitted, then tried on the next
            // candidate, when none comes: on a lossy radio every hop would otherwise be a coin toss.
            byte[] withAck = FrameCodec.withHopAck(encoded, true);
            sendWithHopAck(withAck, usable, 0, origin);
            return kind + usable.get(0);
        }
        if (!allowFlood) return null;
        boolean any = false;
        for (Transport t : transports.all()) {
            if (!t.state().canSend() || encoded.length > Fragmenter.maxFrameLength(t.profile().mtu())) continue;
            any |= sendFragments(t, Endpoint.broadcast(t.id()), FrameCodec.withHopAck(encoded, false), origin);
        }
        return any ? "flood" : null;
    }

    /** Next hops of tiers 1 and 2 for a frame of {@code length} bytes, in the order they are tried. */
    private List<Endpoint> usableHops(MeshAddress destination, int length) {
        long now = clock.millis();
        List<Endpoint> candidates = new java.util.ArrayList<>();
        nextHop.candidates(destination).forEach(h -> candidates.add(h.endpoint()));
        routes.lookup(destination, now).forEach(r -> {
            // A route through a neighbour silent for the neighbour expiry leads over a link that is gone.
            if (!candidates.contains(r.via()) && heardWithin(r.via(), now)) candidates.add(r.via());
        });
        candidates.sort(java.util.Comparator.comparingDouble(this::endpointCost));
        return usableFor(candidates, length);
    }

    /** The candidates whose transport is up and carries a frame of {@code length} bytes, in order. */
    private List<Endpoint> usableFor(List<Endpoint> candidates, int length) {
        List<Endpoint> usable = new java.util.ArrayList<>();
        for (Endpoint to : candidates) {
            Transport t = transports.get(to.transportId());
            if (t != null && t.state().canSend() && length <= Fragmenter.maxFrameLength(t.profile().mtu())) {
                usable.add(to);
            }
        }
        return usable;
    }

    /** The overlay-bridge lookup found a bridge for {@code destination}: send what waits for it. */
    private void bridgeFound(MeshAddress destination) {
        if (!running) return;
        try {
            timers.execute(() -> releaseHeldFor(destination));
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // shutting down
        }
    }

    /**
     * Geographic tier, for a frame with a region and no route: the neighbours nearer to the region than we
     * are, nearest first. Empty (and counted as a local minimum) when none is nearer: the caller falls back
     * to the controlled flood, or custody.
     */
    private List<Endpoint> greedyHops(String region, int length) {
        String here = position;
        if (region == null || here == null) return List.of();
        List<Endpoint> out = new java.util.ArrayList<>();
        for (Endpoint e : geo.nearerNeighbours(region, here, clock.millis())) {
            Transport t = transports.get(e.transportId());
            if (t != null && t.state().canSend() && length <= Fragmenter.maxFrameLength(t.profile().mtu())) out.add(e);
        }
        if (out.isEmpty()) geoLocalMinima.incrementAndGet();
        else geoForwards.incrementAndGet();
        return out;
    }

    private final GeoTable geo;
    private volatile String position;
    private final java.util.concurrent.atomic.AtomicLong geoForwards = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong geoLocalMinima = new java.util.concurrent.atomic.AtomicLong();

    /** This node's position as a geohash (announced to others), or null to announce none. */
    public void setPosition(String geohash) {
        if (geohash != null && !Geohash.isValid(geohash)) {
            throw new IllegalArgumentException("position '" + geohash + "' is not a geohash");
        }
        position = geohash;
    }

    public Optional<String> position() {
        return Optional.ofNullable(position);
    }

    public GeoTable geo() {
        return geo;
    }

    /** Frames forwarded greedily towards a region, and frames that found no nearer neighbour (local minima). */
    public Map<String, Long> geoCounters() {
        return Map.of("greedy", geoForwards.get(), "localMinimum", geoLocalMinima.get());
    }

    private byte[] positionExtension() {
        String p = position;
        return p == null ? null : AnnounceBody.positionExtension(p);
    }

    /** The next hop a message to {@code destination} would take now (direct neighbour or route), if any. */
    public Optional<Endpoint> nextHopFor(MeshAddress destination) {
        List<Endpoint> hops = usableHops(destination, 0);
        return hops.isEmpty() ? Optional.empty() : Optional.of(hops.get(0));
    }

    /** When each link endpoint last sent us anything: a neighbour's periodic announces keep it fresh. */
    private final Map<Endpoint, Long> lastHeard = new ConcurrentHashMap<>();

    private boolean heardWithin(Endpoint via, long now) {
        Long t = lastHeard.get(via);
        return t == null || now - t <= options.neighbourExpiryMillis();
    }

    private static final int HOP_RETRANSMISSIONS = 3;
    /**
     * A neighbour that leaves this many rounds of {@link #HOP_RETRANSMISSIONS} unicast hops unacknowledged,
     * with nothing heard from it in between, is taken for gone: its routes are dropped at once instead of at
     * their expiry, so traffic routes around a failed link within seconds. Two rounds, because at 20 % loss
     * one round of three fails now and then on a good link (0.36^3, about 5 %), two in a row about 0.2 %.
     */
    static final int SILENT_ROUNDS_UNTIL_GONE = 2;

    private final Map<Endpoint, Integer> silentRounds = new ConcurrentHashMap<>();

    private void hopUnanswered(Endpoint to) {
        // On an airtime-regulated radio a missed link ACK is weak evidence: frames collide on the shared
        // channel and duty-cycle waits delay answers past the hop timeout, so a live neighbour would be
        // dropped and only come back at its next announce (15 min there). Such links age by announces only.
        Transport t = transports.get(to.transportId());
        if (t != null && t.profile().airtimeGoverned()) return;
        int rounds = silentRounds.merge(to, 1, Integer::sum);
        if (rounds >= SILENT_ROUNDS_UNTIL_GONE) {
            silentRounds.remove(to);
            routes.forget(to);
            neighbours.forget(to);
            geo.forget(to);
            log.debug("neighbour {} stopped acknowledging: its routes are dropped", to);
        }
    }

    private record HopKey(MeshAddress source, int messageId, int type, Endpoint to) {}

    private final Map<HopKey, Boolean> awaitingHopAck = new ConcurrentHashMap<>();

    private static HopKey hopKey(byte[] encoded, Endpoint to) {
        boolean addressed = (encoded[1] & MeshFrame.FLAG_NO_DESTINATION) == 0;
        int p = addressed ? 19 : 3;
        MeshAddress source = MeshAddress.of(encoded, p);
        int id = ((encoded[p + 16] & 0xFF) << 24) | ((encoded[p + 17] & 0xFF) << 16) | ((encoded[p + 18] & 0xFF) << 8)
                | (encoded[p + 19] & 0xFF);
        return new HopKey(source, id, encoded[0] & 0x0F, to);
    }

    /**
     * Sends to {@code candidates.get(0)} and waits for its hop ACK; after {@link #HOP_RETRANSMISSIONS}
     * silent retransmissions moves on to the next candidate. Everything after the first send runs on the
     * timer thread.
     */
    private void sendWithHopAck(byte[] encoded, List<Endpoint> candidates, int attempt, TrafficOrigin origin) {
        if (!running || candidates.isEmpty()) return;
        Endpoint to = candidates.get(0);
        Transport t = transports.get(to.transportId());
        if (t == null || !t.state().canSend()) {
            sendWithHopAck(encoded, candidates.subList(1, candidates.size()), 0, origin);
            return;
        }
        HopKey key = hopKey(encoded, to);
        awaitingHopAck.put(key, Boolean.TRUE);
        sendFragments(t, to, encoded, origin);
        TransportProfile p = t.profile();
        long txMillis = encoded.length * 8L * 1000 / Math.max(1, p.nominalBitrate());
        long timeout = Math.max(options.floodDelayMillis(), 100) + 4L * p.nominalLatencyMillis() + 2 * txMillis;
        try {
            timers.schedule(() -> {
                if (awaitingHopAck.remove(key) == null) return; // acknowledged
                if (attempt + 1 < HOP_RETRANSMISSIONS) {
                    sendWithHopAck(encoded, candidates, attempt + 1, origin);
                } else {
                    hopUnanswered(to);
                    if (candidates.size() > 1) {
                        sendWithHopAck(encoded, candidates.subList(1, candidates.size()), 0, origin);
                    }
                }
            }, timeout, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            awaitingHopAck.remove(key); // shutting down
        }
    }

    private void onHopAck(Endpoint from, byte[] bytes) {
        Decoded<HopAck> ack = HopAck.decode(bytes);
        if (ack.isOk()) {
            awaitingHopAck.remove(new HopKey(ack.value().source(), ack.value().messageId(), ack.value().type(), from));
        }
    }

    /** Cost of the first link: direct neighbours by transport speed, so LAN beats LoRa for the same peer. */
    private double endpointCost(Endpoint e) {
        Transport t = transports.get(e.transportId());
        return t == null ? Double.MAX_VALUE : RouteTable.linkCost(t.profile(), 0);
    }

    private boolean sendFragments(Transport t, Endpoint to, byte[] encoded) {
        return sendFragments(t, to, encoded, TrafficOrigin.LOCAL);
    }

    private boolean sendFragments(Transport t, Endpoint to, byte[] encoded, TrafficOrigin origin) {
        boolean ok = true;
        for (byte[] piece : Fragmenter.split(encoded, t.profile().mtu(), fragmentSets.getAndIncrement() & 0xFFFF)) {
            ok &= transports.send(t.id(), to, piece, origin);
        }
        return ok;
    }

    private void rememberOrigin(MeshAddress source, int messageId, int type, TrafficOrigin origin) {
        if (origin != TrafficOrigin.LOCAL) origins.put(new OriginKey(source, messageId, type), origin);
    }

    private TrafficOrigin originOf(MeshAddress source, int messageId, int type) {
        TrafficOrigin o = origins.get(new OriginKey(source, messageId, type));
        return o == null ? TrafficOrigin.LOCAL : o;
    }

    private void retryDue() {
        if (!running) return;
        try {
            long now = clock.millis();
            custody.expire(now);
            for (CustodyQueue.Entry e : custody.due(now, 256)) {
                // Flood again only on every fourth attempt: an offline destination must not cost a flood per retry.
                attempt(e, e.attempts() % 4 == 0);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("retry pass failed: {}", e.getMessage());
        }
    }

    /** A route or neighbour for {@code destination} appeared: send what waits for it now. */
    private void releaseHeldFor(MeshAddress destination) {
        try {
            for (CustodyQueue.Entry e : custody.pendingFor(destination, clock.millis())) {
                if (e.own() && e.state() == MessageState.SENT && e.nextAttemptAt() > clock.millis() + 1000) {
                    attempt(e, false);
                } else if (!e.own() || e.state() == MessageState.QUEUED) {
                    attempt(e, false);
                }
            }
        } catch (SQLException e) {
            log.warn("releasing held messages for {} failed: {}", destination, e.getMessage());
        }
    }

    private void fireState(int messageId, MeshAddress destination, MessageState state) {
        StateChange c = new StateChange(messageId, destination, state);
        stateListeners.forEach(l -> l.accept(c));
    }

    /**
     * Writes every frame in custody (our undelivered messages and those held for others), preceded by our
     * own signed announce so the receiving side can open our messages, into a signed bundle file.
     */
    public byte[] exportBundle() throws SQLException {
        List<byte[]> frames = new java.util.ArrayList<>();
        AnnounceBody body = new AnnounceBody(identity.publicIdentity(), clock.instant().getEpochSecond(), options.name(),
                positionExtension());
        frames.add(FrameCodec.encode(SignedFrames.sign(identity, FrameType.ANNOUNCE, null, messageIds.getAndIncrement(),
                1, body.encode())));
        for (CustodyQueue.Entry e : custody.pending(clock.millis(), Bundle.MAX_FRAMES - 1)) {
            frames.add(FrameCodec.withHopAck(e.frame(), false));
        }
        return new Bundle(identity.publicIdentity(), clock.millis(), frames).sign(identity);
    }

    /**
     * Verifies a bundle file (rejected whole if any byte changed) and feeds its frames through the normal
     * receive path: ours are delivered (once, however often the bundle is imported), others' are held in
     * custody and forwarded when a route appears.
     *
     * @return the number of frames handed on, or the reason the bundle was rejected
     */
    public Decoded<Integer> importBundle(byte[] file) {
        Decoded<Bundle> bundle = Bundle.read(file);
        if (bundle instanceof Decoded.Error<Bundle> e) return Decoded.error(e.reason(), e.detail());
        String origin = bundle.value().exporter().address().toHex();
        for (byte[] f : bundle.value().frames()) carried.deliver(f, origin);
        return Decoded.ok(bundle.value().frames().size());
    }

    /**
     * What the systemd watchdog asks before each ping: the node runs and both its receive thread and its
     * timer thread take work. Each gets a no-op task that must run within {@code timeoutMillis}; a thread
     * that is stuck (deadlock, a write blocked on the database, an endless loop) or a receive queue that stays
     * full fails the probe, even though the process is alive.
     */
    public boolean healthy(long timeoutMillis) {
        if (!running || receiver.isShutdown() || timers.isShutdown()) return false;
        java.util.concurrent.CompletableFuture<Void> received = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> timed = new java.util.concurrent.CompletableFuture<>();
        try {
            receiver.execute(() -> received.complete(null));
            timers.execute(() -> timed.complete(null));
            java.util.concurrent.CompletableFuture.allOf(received, timed).get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            log.warn("health probe failed: receive thread {}, timer thread {}",
                    received.isDone() ? "answered" : "did not answer", timed.isDone() ? "answered" : "did not answer");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Broadcasts a signed announce on every active transport now; returns the announces' message ids. */
    public List<Integer> announce() {
        List<Integer> ids = new java.util.ArrayList<>();
        for (Transport t : transports.all()) {
            Integer id = announceTo(t, Endpoint.broadcast(t.id()));
            if (id != null) ids.add(id);
            lastAnnounce.put(t.id(), clock.millis());
        }
        return ids;
    }

    static final long GREET_GAP_MS = 10_000;
    private final Map<Endpoint, Long> greeted = new java.util.concurrent.ConcurrentHashMap<>();

    private void announceDue() {
        long now = clock.millis();
        for (Transport t : transports.all()) {
            long interval = t.profile().airtimeGoverned() ? options.regulatedAnnounceIntervalMillis()
                    : options.announceIntervalMillis();
            Long last = lastAnnounce.get(t.id());
            if (last == null || now - last >= interval) announceOn(t);
        }
    }

    /**
     * A transport reports a new link-level neighbour (an overlay peer that just connected): our announce
     * goes to it at once, unicast, instead of at the next periodic announce; at most once per endpoint
     * per {@link #GREET_GAP_MS}, so a peer that reconnects in a loop gets no announce storm.
     */
    private void greet(Transport t, Endpoint to) {
        long now = clock.millis();
        Long last = greeted.get(to);
        if (last != null && now - last < GREET_GAP_MS) return;
        if (greeted.size() > 1024) greeted.clear();
        greeted.put(to, now);
        try {
            timers.execute(() -> announceTo(t, to));
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // shutting down
        }
    }

    private void announceOn(Transport t) {
        announceTo(t, Endpoint.broadcast(t.id()));
        lastAnnounce.put(t.id(), clock.millis());
    }

    private Integer announceTo(Transport t, Endpoint to) {
        if (!t.state().canSend()) return null;
        AnnounceBody body = new AnnounceBody(identity.publicIdentity(), clock.instant().getEpochSecond(),
                options.name(), positionExtension());
        byte[] bodyBytes = body.encode();
        // Booked before signing: an announce the airtime share refuses costs no signature.
        if (!announceFits(t, MeshFrame.BROADCAST_HEADER_LENGTH + bodyBytes.length + SignedFrames.SIGNATURE_LENGTH)) {
            return null;
        }
        int id = messageIds.getAndIncrement();
        MeshFrame frame = SignedFrames.sign(identity, FrameType.ANNOUNCE, null, id, options.hopLimit(), bodyBytes);
        byte[] encoded = FrameCodec.encode(frame);
        flood.remember(identity.address(), id, FrameType.ANNOUNCE.code);
        sendFragments(t, to, encoded);
        return id;
    }

    private void enqueue(Transport transport, Endpoint from, byte[] bytes, LinkQuality quality) {
        try {
            receiver.execute(() -> receive(transport, from, bytes, quality));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            transports.counters(transport.id()).drop(DecodeError.REASSEMBLY_LIMIT);
            log.debug("receive queue full: dropped a frame from {}", from);
        }
    }

    private void receive(Transport transport, Endpoint from, byte[] bytes, LinkQuality quality) {
        if (bytes.length > transport.profile().mtu()) {
            drop(transport, from, DecodeError.OVERSIZE, bytes.length + " bytes over mtu " + transport.profile().mtu());
            return;
        }
        if (!silentRounds.isEmpty()) silentRounds.remove(from); // it is alive
        if (lastHeard.size() >= options.maxPeers() && !lastHeard.containsKey(from)) lastHeard.clear();
        lastHeard.put(from, clock.millis());
        byte[] whole = bytes;
        if (Fragmenter.isFragment(bytes)) {
            Reassembler r = reassemblers.computeIfAbsent(transport.id(), k -> Reassembler.withDefaults());
            Decoded<Optional<byte[]>> piece = r.accept(from, bytes, clock.millis());
            if (piece instanceof Decoded.Error<Optional<byte[]>> e) {
                drop(transport, from, e.reason(), e.detail());
                return;
            }
            Optional<byte[]> complete = piece.value();
            if (complete.isEmpty()) return;
            whole = complete.get();
        }
        if (HopAck.is(whole)) {
            onHopAck(from, whole);
            return;
        }
        Decoded<MeshFrame> decoded = FrameCodec.decode(whole);
        if (decoded instanceof Decoded.Error<MeshFrame> e) {
            drop(transport, from, e.reason(), e.detail());
            return;
        }
        MeshFrame frame = decoded.value();
        if (frame.source().equals(identity.address())) return; // our own broadcast echoed back
        // Acknowledge the hop before any duplicate check: a retransmission means our last hop ACK was lost.
        if (FrameCodec.wantsHopAck(whole) && frame.hasDestination() && !from.isBroadcast()) {
            transports.send(transport.id(), from, new HopAck(frame.source(), frame.messageId(), frame.type().code).encode());
        }
        try {
            switch (frame.type()) {
                case ANNOUNCE -> onAnnounce(transport, from, frame, quality);
                case DATA -> onData(transport, from, frame, quality);
                case ACK -> onAck(transport, from, frame, quality);
                case BROADCAST -> onTopicMessage(transport, from, frame, quality);
                default -> drop(transport, from, DecodeError.UNKNOWN_TYPE, "no handler for " + frame.type());
            }
        } catch (SQLException e) {
            // Storage trouble is ours, not the peer's: log loudly; the sender's retry will bring it again.
            log.error("storing a frame from {} failed: {}", from, e.getMessage());
        }
    }

    private void onAnnounce(Transport transport, Endpoint from, MeshFrame frame, LinkQuality quality)
            throws SQLException {
        if (!flood.firstSighting(frame.source(), frame.messageId(), FrameType.ANNOUNCE.code, frame.hopCount(),
                rawSignalQuality(quality))) {
            transports.counters(transport.id()).drop(DecodeError.DUPLICATE);
            learnFromCopy(transport, from, frame, quality);
            return;
        }
        Decoded<PublicIdentity> key = SignedFrames.verifyAnnounce(frame);
        if (key instanceof Decoded.Error<PublicIdentity> e) {
            drop(transport, from, e.reason(), e.detail());
            return;
        }
        Decoded<AnnounceBody> body = AnnounceBody.decode(SignedFrames.verify(frame, key.value()).value());
        if (body instanceof Decoded.Error<AnnounceBody> e) {
            drop(transport, from, e.reason(), e.detail());
            return;
        }
        long now = clock.millis();
        long announced = body.value().unixSeconds();
        if (announced > clock.instant().getEpochSecond() + 300) {
            drop(transport, from, DecodeError.STALE, "announce from the future");
            return;
        }
        boolean isNew = peers.get(frame.source()).isEmpty();
        if (peers.learn(key.value(), body.value().name(), announced, now)) {
            log.debug("learned {} ({}) via {}", frame.source(), body.value().name(), from);
        }
        routes.learn(frame.source(), from, frame.hopCount() + 1, RouteTable.linkCost(transport.profile(),
                quality.lossRatio()), announced, now);
        if (verifiedAnnounces.size() >= options.maxPeers()) verifiedAnnounces.clear();
        String position = body.value().position();
        verifiedAnnounces.put(frame.source(), new VerifiedAnnounce(frame.messageId(), announceDigest(frame), announced,
                position));
        if (position != null) geo.learn(frame.source(), position, frame.hopCount() == 0 ? from : null, now);
        if (frame.hopCount() == 0) {
            nextHop.heard(frame.source(), from, now);
            // Answer a newcomer on a duplex link at once, so both sides know each other without waiting
            // for the next periodic announce. Radio links wait: their airtime is budgeted.
            if (isNew && transport.profile().kind() == TransportKind.DUPLEX) announceTo(transport, from);
            if (isNew) announceSoon();
        }
        relayAnnounce(frame, quality, now);
        releaseHeldFor(frame.source());
    }

    /** The newest verified announce of each origin: id, digest of its signed bytes, timestamp. */
    private record VerifiedAnnounce(int messageId, byte[] digest, long announcedAt, String position) {}

    private final Map<MeshAddress, VerifiedAnnounce> verifiedAnnounces = new ConcurrentHashMap<>();

    /** SHA-256 (first 16 bytes) of what the announce's signature covers: header without hop fields, payload. */
    private static byte[] announceDigest(MeshFrame frame) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(FrameCodec.authenticatedHeader(frame));
            md.update(frame.payload());
            return java.util.Arrays.copyOf(md.digest(), 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /**
     * A further copy of an announce already verified: every neighbour that relays it is a path to its origin,
     * so the copy refreshes (or adds) the route through that neighbour. Without a signature check: the copy
     * must be byte for byte the verified announce apart from the hop fields (same digest), which a relay can
     * change anyway. Routes then track every live neighbour, not just the one whose copy came first.
     */
    private void learnFromCopy(Transport transport, Endpoint from, MeshFrame frame, LinkQuality quality) {
        VerifiedAnnounce v = verifiedAnnounces.get(frame.source());
        if (v == null || v.messageId() != frame.messageId()) return;
        if (!java.util.Arrays.equals(v.digest(), announceDigest(frame))) return;
        long now = clock.millis();
        routes.learn(frame.source(), from, frame.hopCount() + 1, RouteTable.linkCost(transport.profile(),
                quality.lossRatio()), v.announcedAt(), now);
        if (frame.hopCount() == 0) {
            nextHop.heard(frame.source(), from, now);
            if (v.position() != null) geo.learn(frame.source(), v.position(), from, now);
        }
    }

    /** Rebroadcasts an announce once, rate-limited per origin, so routes form beyond one hop. */
    private void relayAnnounce(MeshFrame frame, LinkQuality quality, long now) {
        if (frame.hopsLeft() <= 1) return;
        Long last = lastRelayedAnnounce.get(frame.source());
        if (last != null && now - last < announceRelayInterval()) return;
        lastRelayedAnnounce.put(frame.source(), now);
        if (lastRelayedAnnounce.size() > options.maxPeers()) lastRelayedAnnounce.clear();
        byte[] relayed = FrameCodec.encode(frame.forwarded());
        flood.scheduleRebroadcast(frame.source(), frame.messageId(), FrameType.ANNOUNCE.code, signalQuality(quality),
                () -> floodOnAll(relayed, true, TrafficOrigin.LOCAL));
    }

    /** At most one relayed announce per origin per this interval, so a chatty node cannot flood the mesh. */
    public long announceRelayInterval() {
        return Math.min(Math.min(10_000, options.announceIntervalMillis() / 2), 25 * options.floodDelayMillis());
    }

    /**
     * A new neighbour appeared: announce again on every transport soon (once per relay interval), so nodes
     * beyond it learn about us now rather than at the next periodic announce.
     */
    private void announceSoon() {
        long now = clock.millis();
        long last = lastTriggeredAnnounce;
        if (now - last < announceRelayInterval()) return;
        lastTriggeredAnnounce = now;
        long delay = options.floodDelayMillis() + (long) (random.nextDouble() * 4 * options.floodDelayMillis());
        try {
            timers.schedule(() -> {
                for (Transport t : transports.all()) {
                    if (!t.profile().airtimeGoverned()) announceOn(t);
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // shutting down
        }
    }

    private volatile long lastTriggeredAnnounce;

    /** Broadcasts on every active transport for traffic from {@code origin}; announces only where their airtime share allows. */
    private void floodOnAll(byte[] flagged, boolean announce, TrafficOrigin origin) {
        byte[] encoded = FrameCodec.withHopAck(flagged, false);
        for (Transport t : transports.all()) {
            if (t.state().canSend() && encoded.length <= Fragmenter.maxFrameLength(t.profile().mtu())
                    && (!announce || announceFits(t, encoded.length))) {
                sendFragments(t, Endpoint.broadcast(t.id()), encoded, origin);
            }
        }
    }

    /** Announces (own and relayed) may use this share of a regulated transport's airtime budget. */
    public AnnounceAirtime announceAirtime() {
        return announceAirtime;
    }

    private final AnnounceAirtime announceAirtime = new AnnounceAirtime(AnnounceAirtime.DEFAULT_SHARE);

    /** True (and the airtime booked) when an announce frame of {@code length} bytes fits its share on {@code t}. */
    private boolean announceFits(Transport t, int length) {
        Optional<AirtimeBudget> governed = t.profile().airtime();
        if (governed.isEmpty()) return true;
        AirtimeBudget b = governed.get();
        int mtu = t.profile().mtu();
        int chunk = mtu - Fragmenter.HEADER_LENGTH;
        long airtime = 0;
        for (int left = length; left > 0; ) {
            // One frame if it fits the MTU, else fragments of header + chunk (the last one shorter).
            int piece = length <= mtu ? length : Fragmenter.HEADER_LENGTH + Math.min(chunk, left);
            left -= length <= mtu ? length : Math.min(chunk, left);
            airtime += b.airtimeNanos(piece);
        }
        return announceAirtime.tryTake(t.id(), airtime, b.hourlyBudgetNanos(), clock.millis());
    }

    /** 0..1 from SNR, NaN where the medium reports none. */
    private static double rawSignalQuality(LinkQuality q) {
        return Double.isNaN(q.snrDb()) ? Double.NaN : Math.min(1, Math.max(0, (q.snrDb() + 20) / 30));
    }

    /** 0..1 from SNR where the medium reports it (radios), else 0.5: drives the flood delay. */
    private static double signalQuality(LinkQuality q) {
        if (Double.isNaN(q.snrDb())) return 0.5;
        return Math.min(1, Math.max(0, (q.snrDb() + 20) / 30));
    }

    private void onData(Transport transport, Endpoint from, MeshFrame frame, LinkQuality quality) throws SQLException {
        if (!identity.address().equals(frame.destination())) {
            relay(transport, from, frame, quality);
            return;
        }
        Optional<PublicIdentity> sender = peers.key(frame.source());
        if (sender.isEmpty()) {
            drop(transport, from, DecodeError.UNKNOWN_SENDER, "no key for " + frame.source());
            return;
        }
        Decoded<Envelope.Opened> opened = envelope.open(frame, sender.get());
        if (opened instanceof Decoded.Error<Envelope.Opened> e) {
            drop(transport, from, e.reason(), e.detail());
            return;
        }
        Envelope.Opened message = opened.value();
        if (frame.hopCount() == 0) nextHop.heard(frame.source(), from, clock.millis());
        DecodeError replayed = replay.check(frame.source(), frame.messageId(), message.unixSeconds(),
                clock.instant().getEpochSecond());
        if (replayed == DecodeError.STALE) {
            drop(transport, from, replayed, "message " + Integer.toUnsignedString(frame.messageId()));
            return;
        }
        // A repeat is acknowledged again (our first ACK may have been lost) but delivered only once.
        if (frame.wantsAck()) sendAck(sender.get(), frame.messageId(), message.unixSeconds());
        if (replayed == DecodeError.REPLAY) {
            transports.counters(transport.id()).drop(DecodeError.DUPLICATE);
            return;
        }
        Inbox.Message stored = inbox.add(frame.source(), frame.messageId(), Instant.ofEpochSecond(message.unixSeconds()),
                clock.instant(), transport.id(), message.plaintext());
        if (stored != null) deliveryListeners.forEach(l -> l.accept(stored));
    }

    /** ACK plaintext: the acknowledged message id (4) and its timestamp (4), sealed back to its sender. */
    private void sendAck(PublicIdentity to, int messageId, long unixSeconds) {
        byte[] body = new byte[8];
        java.nio.ByteBuffer.wrap(body).putInt(messageId).putInt((int) unixSeconds);
        int id = messageIds.getAndIncrement();
        MeshFrame ack = envelope.seal(FrameType.ACK, to, id, clock.instant().getEpochSecond(), 0, options.hopLimit(), body,
                geo.positionOf(to.address()).orElse(null));
        flood.remember(identity.address(), id, FrameType.ACK.code);
        forward(to.address(), FrameCodec.encode(ack), true, true, TrafficOrigin.LOCAL);
    }

    private void onAck(Transport transport, Endpoint from, MeshFrame frame, LinkQuality quality) throws SQLException {
        if (!identity.address().equals(frame.destination())) {
            relay(transport, from, frame, quality);
            return;
        }
        Optional<PublicIdentity> sender = peers.key(frame.source());
        if (sender.isEmpty()) {
            drop(transport, from, DecodeError.UNKNOWN_SENDER, "ACK from unknown " + frame.source());
            return;
        }
        Decoded<Envelope.Opened> opened = envelope.open(frame, sender.get());
        if (opened instanceof Decoded.Error<Envelope.Opened> e) {
            drop(transport, from, e.reason(), e.detail());
            return;
        }
        byte[] body = opened.value().plaintext();
        if (body.length != 8) {
            drop(transport, from, DecodeError.MALFORMED_PAYLOAD, "ACK body of " + body.length + " bytes");
            return;
        }
        int acked = java.nio.ByteBuffer.wrap(body).getInt();
        Optional<CustodyQueue.Entry> mine = custody.ownMessage(identity.address(), acked);
        // Only the destination of the acknowledged message can acknowledge it: the ACK is sealed by its key.
        if (mine.isEmpty() || !mine.get().destination().equals(frame.source())) {
            drop(transport, from, DecodeError.MALFORMED_PAYLOAD, "ACK for a message we did not send to " + frame.source());
            return;
        }
        if (custody.markDelivered(identity.address(), acked, clock.millis())) {
            fireState(acked, frame.source(), MessageState.DELIVERED);
        }
    }

    /**
     * A DATA or ACK frame for someone else: forward it along a route, or flood it in a controlled way, or
     * hold it in custody until a route appears. Each frame is handled once however many copies arrive.
     */
    private void relay(Transport transport, Endpoint from, MeshFrame frame, LinkQuality quality) throws SQLException {
        if (frame.destination() == null) {
            drop(transport, from, DecodeError.NOT_FOR_US, frame.type() + " without destination");
            return;
        }
        if (!flood.firstSighting(frame.source(), frame.messageId(), frame.type().code, frame.hopCount(),
                rawSignalQuality(quality))) {
            transports.counters(transport.id()).drop(DecodeError.DUPLICATE);
            return;
        }
        if (frame.hopsLeft() <= 0) {
            drop(transport, from, DecodeError.HOP_LIMIT, "from " + frame.source() + " for " + frame.destination());
            return;
        }
        byte[] onward = FrameCodec.encode(frame.forwarded());
        // Forwarded frames keep the origin of the link they came in on (the overlay's is INTERNET).
        TrafficOrigin origin = transport.receivedOrigin();
        rememberOrigin(frame.source(), frame.messageId(), frame.type().code, origin);
        // A copy without the hop-ACK flag was broadcast: part of a flood, not a unicast hop.
        boolean flooded = (frame.flags() & MeshFrame.FLAG_HOP_ACK) == 0;
        if (forward(frame.destination(), onward, false, !flooded, origin) != null) return;
        flood.scheduleRebroadcast(frame.source(), frame.messageId(), frame.type().code, signalQuality(quality),
                () -> floodOnAll(onward, false, origin));
        try {
            custody.accept(frame.destination(), frame.source(), frame.messageId(), frame.type().code, onward, false, 0,
                    clock.millis(), options.messageTtlMillis(), MessageState.QUEUED);
        } catch (CustodyQueue.RefusedException e) {
            log.debug("not holding a frame for {}: {}", frame.destination(), e.getMessage());
        }
    }

    /** Topic messages older than this are not delivered or relayed: flooding has no store-and-forward. */
    static final long TOPIC_MAX_AGE_SECONDS = 600;

    /**
     * Publishes {@code message} on a mesh topic: a signed BROADCAST frame flooded on every transport (controlled
     * flooding, hop limit as for messages), delivered to this node's own subscribers too, except
     * {@code except} (the bridge that injected it; may be null).
     *
     * @throws SendException INVALID for a bad topic name, TOO_LARGE over {@link TopicBody#MAX_MESSAGE} bytes,
     *     RATE_LIMITED beyond this node's own topic rate (the limit every relay applies to it), NOT_RUNNING
     */
    public TopicMessage publish(String topic, byte[] message, TrafficOrigin origin, Topics.Listener except)
            throws SendException {
        if (!running) throw new SendException(SendException.Reason.NOT_RUNNING, "node is not running");
        String problem = TopicBody.nameProblem(topic);
        if (problem != null) throw new SendException(SendException.Reason.INVALID, problem);
        if (message.length > TopicBody.MAX_MESSAGE) {
            throw new SendException(SendException.Reason.TOO_LARGE, "topic message of " + message.length
                    + " bytes (at most " + TopicBody.MAX_MESSAGE + ")");
        }
        if (!topics.admit(identity.address(), clock.millis())) {
            throw new SendException(SendException.Reason.RATE_LIMITED, "topic rate of this node used up ("
                    + topics.limits().perMinute() + " per minute); retry in "
                    + Math.max(1, topics.retryAfterSeconds(identity.address())) + " s");
        }
        long now = clock.instant().getEpochSecond();
        int id = messageIds.getAndIncrement();
        MeshFrame frame = SignedFrames.sign(identity, FrameType.BROADCAST, null, id, options.hopLimit(),
                new TopicBody(now, origin, topic, message).encode());
        flood.remember(identity.address(), id, FrameType.BROADCAST.code);
        replay.check(identity.address(), id, now, now);
        floodOnAll(FrameCodec.encode(frame), false, origin);
        TopicMessage m = new TopicMessage(topic, identity.address(), id, Instant.ofEpochSecond(now), clock.instant(),
                origin, 0, true, "local", message.clone());
        topics.deliver(m, except);
        return m;
    }

    /**
     * A topic message: first copy only, from a known, verified sender, fresh, not replayed, within its origin's
     * rate; then relayed once (controlled flood, keeping its origin) and delivered if subscribed.
     */
    private void onTopicMessage(Transport transport, Endpoint from, MeshFrame frame, LinkQuality quality) {
        if (!flood.firstSighting(frame.source(), frame.messageId(), FrameType.BROADCAST.code, frame.hopCount())) {
            transports.counters(transport.id()).drop(DecodeError.DUPLICATE);
            return;
        }
        Optional<PublicIdentity> key = peers.key(frame.source());
        if (key.isEmpty()) {
            drop(transport, from, DecodeError.UNKNOWN_SENDER, "topic message from unknown " + frame.source());
            return;
        }
        Decoded<byte[]> signed = SignedFrames.verify(frame, key.get());
        if (signed instanceof Decoded.Error<byte[]> e) {
            drop(transport, from, e.reason(), e.detail());
            return;
        }
        Decoded<TopicBody> decoded = TopicBody.decode(signed.value());
        if (decoded instanceof Decoded.Error<TopicBody> e) {
            drop(transport, from, e.reason(), e.detail());
            return;
        }
        TopicBody body = decoded.value();
        long now = clock.instant().getEpochSecond();
        if (body.unixSeconds() < now - TOPIC_MAX_AGE_SECONDS || body.unixSeconds() > now + 300) {
            drop(transport, from, DecodeError.STALE, "topic message from " + frame.source() + " dated " + body.unixSeconds());
            return;
        }
        // The flood memory is short; the replay guard keeps a late copy from being relayed or delivered again.
        if (replay.check(frame.source(), frame.messageId(), body.unixSeconds(), now) != null) {
            transports.counters(transport.id()).drop(DecodeError.DUPLICATE);
            return;
        }
        if (!topics.admit(frame.source(), clock.millis())) {
            drop(transport, from, DecodeError.RATE_LIMITED, "topic messages from " + frame.source());
            return;
        }
        // Same reach as announces (a receiver hop-limit hops away has heard the sender's key): relay while more
        // than one hop is left.
        if (frame.hopsLeft() > 1) {
            byte[] relayed = FrameCodec.encode(frame.forwarded());
            TrafficOrigin origin = body.origin().atLeast(transport.receivedOrigin());
            flood.scheduleRebroadcast(frame.source(), frame.messageId(), FrameType.BROADCAST.code,
                    signalQuality(quality), () -> floodOnAll(relayed, false, origin));
        }
        topics.deliver(new TopicMessage(body.topic(), frame.source(), frame.messageId(),
                Instant.ofEpochSecond(body.unixSeconds()), clock.instant(), body.origin(), frame.hopCount(), false,
                transport.id(), body.message()), null);
    }

    private void drop(Transport transport, Endpoint from, DecodeError reason, String detail) {
        transports.counters(transport.id()).drop(reason);
        log.debug("dropped frame from {}: {} ({})", from, reason, detail);
    }

    @Override
    public void close() {
        running = false;
        timers.shutdownNow();
        transports.close();
        receiver.shutdown();
        try {
            receiver.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
