package net.sovereignbridge.mesh.node;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.envelope.Envelope;
import net.sovereignbridge.mesh.envelope.ReplayGuard;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.frame.Reassembler;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PublicIdentity;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportState;
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
    public record Options(String name, int hopLimit, long announceIntervalMillis, long regulatedAnnounceIntervalMillis,
            long neighbourExpiryMillis, int maxPeers, int receiveQueue) {
        public static Options defaults() {
            return new Options("", 8, 30_000, 900_000, 180_000, 10_000, 1024);
        }

        public Options withName(String n) {
            return new Options(n, hopLimit, announceIntervalMillis, regulatedAnnounceIntervalMillis,
                    neighbourExpiryMillis, maxPeers, receiveQueue);
        }

        public Options withAnnounceInterval(long millis) {
            return new Options(name, hopLimit, millis, regulatedAnnounceIntervalMillis, neighbourExpiryMillis,
                    maxPeers, receiveQueue);
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
    private final Map<String, Reassembler> reassemblers = new ConcurrentHashMap<>();
    private final AtomicInteger messageIds;
    private final AtomicInteger fragmentSets;
    private final List<Consumer<Inbox.Message>> deliveryListeners = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor receiver;
    private final ScheduledExecutorService timers;
    private final Map<String, Long> lastAnnounce = new ConcurrentHashMap<>();
    private volatile boolean running;

    public Node(NodeIdentity identity, Database db, TransportManager transports, Options options, Clock clock)
            throws SQLException {
        this.identity = identity;
        this.options = options;
        this.clock = clock;
        this.transports = transports;
        this.envelope = new Envelope(identity);
        this.inbox = new Inbox(db);
        this.peers = new PeerDirectory(db, options.maxPeers());
        this.neighbours = new DirectNeighbours(clock, options.neighbourExpiryMillis(), options.maxPeers());
        this.nextHop = neighbours;
        SecureRandom random = new SecureRandom();
        this.messageIds = new AtomicInteger(random.nextInt());
        this.fragmentSets = new AtomicInteger(random.nextInt());
        this.receiver = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(options.receiveQueue()), r -> daemon(r, "node-receive"),
                new ThreadPoolExecutor.AbortPolicy());
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "node-timers"));
        transports.addListener(new TransportManager.Events() {
            @Override
            public void onFrame(Transport transport, Endpoint from, byte[] frame, LinkQuality quality) {
                enqueue(transport, from, frame);
            }

            @Override
            public void onStateChanged(Transport transport, TransportState state, String reason) {
                if (state == TransportState.ACTIVE && running) timers.execute(() -> announceOn(transport));
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

    public void addDeliveryListener(Consumer<Inbox.Message> listener) {
        deliveryListeners.add(listener);
    }

    /** What a successful send reports. */
    public record Sent(int messageId, MeshAddress destination, Endpoint via, int fragments) {}

    /**
     * Seals {@code payload} for {@code destination} and hands it to the best next hop.
     *
     * @throws SendException when the destination's key is unknown (no announce heard yet), no hop reaches it,
     *     the payload is too large for the hop's MTU, or every candidate transport refused the frame
     */
    public Sent send(MeshAddress destination, byte[] payload) throws SendException {
        if (!running) throw new SendException(SendException.Reason.NOT_RUNNING, "node is not running");
        PublicIdentity recipient = peers.key(destination).orElseThrow(() -> new SendException(
                SendException.Reason.UNKNOWN_DESTINATION,
                "unknown destination " + destination + ": no announce heard from it yet, so its key is unknown"));
        List<NextHop.Hop> hops = nextHop.candidates(destination);
        if (hops.isEmpty()) {
            throw new SendException(SendException.Reason.NO_ROUTE, "no route to " + destination);
        }
        int id = messageIds.getAndIncrement();
        MeshFrame frame = envelope.seal(FrameType.DATA, recipient, id, clock.instant().getEpochSecond(), 0,
                options.hopLimit(), payload);
        byte[] encoded = FrameCodec.encode(frame);
        String lastError = "";
        for (NextHop.Hop hop : hops) {
            Transport t = transports.get(hop.endpoint().transportId());
            if (t == null || !t.state().canSend()) continue;
            int mtu = t.profile().mtu();
            if (encoded.length > Fragmenter.maxFrameLength(mtu)) {
                lastError = "message of " + payload.length + " bytes is too large for " + t.id() + " (mtu " + mtu + ")";
                continue;
            }
            List<byte[]> pieces = Fragmenter.split(encoded, mtu, fragmentSets.getAndIncrement() & 0xFFFF);
            boolean ok = true;
            for (byte[] piece : pieces) ok &= transports.send(t.id(), hop.endpoint(), piece);
            if (ok) return new Sent(id, destination, hop.endpoint(), pieces.size());
            lastError = "transport " + t.id() + " refused the frame";
        }
        throw new SendException(lastError.contains("too large") ? SendException.Reason.TOO_LARGE
                : SendException.Reason.SEND_FAILED, lastError.isEmpty() ? "no active transport reaches " + destination
                : lastError);
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

    /** Broadcasts a signed announce on every active transport now. */
    public void announce() {
        transports.all().forEach(this::announceOn);
    }

    private void announceDue() {
        long now = clock.millis();
        for (Transport t : transports.all()) {
            long interval = t.profile().regulatedAirtime() ? options.regulatedAnnounceIntervalMillis()
                    : options.announceIntervalMillis();
            Long last = lastAnnounce.get(t.id());
            if (last == null || now - last >= interval) announceOn(t);
        }
    }

    private void announceOn(Transport t) {
        announceTo(t, Endpoint.broadcast(t.id()));
        lastAnnounce.put(t.id(), clock.millis());
    }

    private void announceTo(Transport t, Endpoint to) {
        if (!t.state().canSend()) return;
        AnnounceBody body = new AnnounceBody(identity.publicIdentity(), clock.instant().getEpochSecond(),
                options.name(), null);
        MeshFrame frame = SignedFrames.sign(identity, FrameType.ANNOUNCE, null, messageIds.getAndIncrement(), 1,
                body.encode());
        byte[] encoded = FrameCodec.encode(frame);
        for (byte[] piece : Fragmenter.split(encoded, t.profile().mtu(), fragmentSets.getAndIncrement() & 0xFFFF)) {
            transports.send(t.id(), to, piece);
        }
    }

    private void enqueue(Transport transport, Endpoint from, byte[] bytes) {
        try {
            receiver.execute(() -> receive(transport, from, bytes));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            transports.counters(transport.id()).drop(DecodeError.REASSEMBLY_LIMIT);
            log.debug("receive queue full: dropped a frame from {}", from);
        }
    }

    private void receive(Transport transport, Endpoint from, byte[] bytes) {
        if (bytes.length > transport.profile().mtu()) {
            drop(transport, from, DecodeError.OVERSIZE, bytes.length + " bytes over mtu " + transport.profile().mtu());
            return;
        }
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
        Decoded<MeshFrame> decoded = FrameCodec.decode(whole);
        if (decoded instanceof Decoded.Error<MeshFrame> e) {
            drop(transport, from, e.reason(), e.detail());
            return;
        }
        MeshFrame frame = decoded.value();
        if (frame.source().equals(identity.address())) return; // our own broadcast echoed back
        try {
            switch (frame.type()) {
                case ANNOUNCE -> onAnnounce(transport, from, frame);
                case DATA -> onData(transport, from, frame);
                default -> drop(transport, from, DecodeError.UNKNOWN_TYPE, "no handler for " + frame.type());
            }
        } catch (SQLException e) {
            // Storage trouble is ours, not the peer's: log loudly; the sender's retry will bring it again.
            log.error("storing a frame from {} failed: {}", from, e.getMessage());
        }
    }

    private void onAnnounce(Transport transport, Endpoint from, MeshFrame frame) throws SQLException {
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
        if (frame.hopCount() == 0) {
            nextHop.heard(frame.source(), from, now);
            // Answer a newcomer on a duplex link at once, so both sides know each other without waiting
            // for the next periodic announce. Radio links wait: their airtime is budgeted.
            if (isNew && transport.kind() == TransportKind.DUPLEX) announceTo(transport, from);
        }
    }

    private void onData(Transport transport, Endpoint from, MeshFrame frame) throws SQLException {
        if (!identity.address().equals(frame.destination())) {
            drop(transport, from, DecodeError.NOT_FOR_US, "frame for " + frame.destination());
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
        DecodeError replayed = replay.check(frame.source(), frame.messageId(), message.unixSeconds(),
                clock.instant().getEpochSecond());
        if (replayed != null) {
            drop(transport, from, replayed, "message " + Integer.toUnsignedString(frame.messageId()));
            return;
        }
        if (frame.hopCount() == 0) nextHop.heard(frame.source(), from, clock.millis());
        Inbox.Message stored = inbox.add(frame.source(), frame.messageId(), Instant.ofEpochSecond(message.unixSeconds()),
                clock.instant(), transport.id(), message.plaintext());
        if (stored != null) deliveryListeners.forEach(l -> l.accept(stored));
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
