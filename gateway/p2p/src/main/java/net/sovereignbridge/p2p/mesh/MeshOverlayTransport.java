package net.sovereignbridge.p2p.mesh;

import net.sovereignbridge.mesh.transport.PreferenceClass;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.HostListener;
import net.sovereignbridge.p2p.host.IdentifyInfo;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.ping.PingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internet overlay as a mesh {@link Transport} (id {@code overlay}, DUPLEX, endpoint value = the
 * remote's PeerId text): mesh frames on {@code /sbridge/mesh/1.0.0} streams of a {@link Host}.
 *
 * <p>Each side writes on one long-lived stream it opened to the peer and reads the streams the peer
 * opened (docs/p2p.md), so two gateways that connect at the same moment never race over whose stream
 * to keep. Neighbours are the connected peers whose identify lists the protocol; their link quality is
 * the last ping RTT. Frames received here are {@link TrafficOrigin#INTERNET}, so a radio's internet
 * share caps whatever the internet sends on.
 *
 * <p>{@link #send} only queues: a per-peer writer drains the queue on the host's workers, so a peer
 * whose yamux window is closed stalls its own queue, never the node. The queue is bounded
 * ({@link #MAX_QUEUED_BYTES}); a full queue refuses the frame (the custody queue retries).
 */
public final class MeshOverlayTransport implements Transport, HostListener {
    private static final Logger log = LoggerFactory.getLogger(MeshOverlayTransport.class);
    /** Lines a remote peer (or a stranger) can trigger at will: rate-limited per key. */
    private static final net.sovereignbridge.mesh.log.RateLimitedLog peerLog = net.sovereignbridge.mesh.log.RateLimitedLog.of(MeshOverlayTransport.class);
    public static final String PROTOCOL = "/sbridge/mesh/1.0.0";
    public static final String ID = "overlay";
    /**
     * Largest mesh frame: 64 KiB minus 512 bytes, so prefix + frame (65027 bytes) fit one yamux Data
     * frame (65507) and so one Noise message.
     */
    public static final int MTU = 65_536 - 512;
    /** Bytes of prefixed frames written at once: one yamux Data frame body at most. */
    static final int BATCH_BYTES = 65_507;
    /** Frames waiting for one peer, in bytes. */
    public static final int MAX_QUEUED_BYTES = 1 << 20;
    /** How often neighbours are pinged for their RTT. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(30);

    private final Host host;
    private final Function<String, List<Multiaddr>> addressBook;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final Duration pingInterval;
    /** The periodic ping, one per start: stop() shuts it down, the next start() makes a new one. */
    private ScheduledExecutorService pinger;
    private final AtomicLong pings = new AtomicLong();
    private volatile TransportListener listener;
    private volatile TransportState state = TransportState.STOPPED;
    private boolean listening;

    /** What we know and hold for one peer. */
    private final class Peer {
        final String peerId;
        final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        long queuedBytes;
        boolean writing;
        P2pStream out;
        /** True once identify listed the protocol on an open connection: a neighbour. */
        volatile boolean meshCapable;
        volatile long rttMillis = -1;
        volatile Instant lastHeard = Instant.now();

        Peer(String peerId) {
            this.peerId = peerId;
        }

        Neighbour neighbour() {
            return new Neighbour(new Endpoint(ID, peerId), new LinkQuality(Double.NaN, Double.NaN, rttMillis, 0.0), lastHeard);
        }
    }

    /**
     * @param addressBook addresses to dial a peer we are not connected to (the peer store, the DHT); may
     *     return an empty list
     */
    public MeshOverlayTransport(Host host, Function<String, List<Multiaddr>> addressBook) {
        this(host, addressBook, PING_INTERVAL);
    }

    /** @param pingInterval how often neighbours are pinged for their RTT */
    public MeshOverlayTransport(Host host, Function<String, List<Multiaddr>> addressBook, Duration pingInterval) {
        if (pingInterval.isNegative() || pingInterval.isZero()) throw new IllegalArgumentException("ping interval must be positive");
        this.host = host;
        this.addressBook = addressBook;
        this.pingInterval = pingInterval;
    }

    @Override
    public String id() {
        return ID;
    }

    /** An internet link: fast, some tens of ms, metered more often than a LAN. */
    private static final TransportProfile PROFILE = TransportProfile.of(TransportKind.DUPLEX, MTU, PreferenceClass.GLOBAL)
            .withBitrate(10_000_000).withLatency(50).withCost(1);

    @Override
    public TransportProfile profile() {
        return PROFILE;
    }

    @Override
    public TransportState state() {
        return state;
    }

    @Override
    public TrafficOrigin receivedOrigin() {
        return TrafficOrigin.INTERNET;
    }

    @Override
    public synchronized void start(TransportListener listener) {
        this.listener = listener;
        host.setHandler(PROTOCOL, this::serve);
        if (!listening) host.addListener(this); // once, also across stop/start
        listening = true;
        state = TransportState.ACTIVE;
        listener.onStateChanged(this, state, "");
        // peers connected before the transport started
        for (Connection c : host.connections()) {
            host.peerInfo(c.remotePeerId()).ifPresent(info -> identified(c, info));
        }
        long every = pingInterval.toMillis();
        if (pinger == null) {
            pinger = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "overlay-ping");
                t.setDaemon(true);
                return t;
            });
            pinger.scheduleWithFixedDelay(this::pingAll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (state == TransportState.STOPPED) return;
        state = TransportState.STOPPED;
        host.removeHandler(PROTOCOL);
        if (pinger != null) pinger.shutdownNow();
        pinger = null;
        for (Peer p : peers.values()) closeOut(p, "transport stopped");
        peers.clear();
        TransportListener l = listener;
        if (l != null) l.onStateChanged(this, state, "stopped");
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        if (!state.canSend()) throw new TransportException("overlay transport is " + state);
        if (frame.length == 0 || frame.length > MTU) {
            throw new TransportException("frame of " + frame.length + " bytes; the overlay carries 1.." + MTU);
        }
        if (to.isBroadcast()) {
            // the overlay has no broadcast medium: a flood goes to every mesh neighbour
            for (Peer p : peers.values()) {
                if (p.meshCapable) enqueue(p, frame, false);
            }
            return;
        }
        String peerId = to.value();
        if (peerId.equals(host.peerId())) throw new TransportException("overlay endpoint " + peerId + " is this node");
        try {
            net.sovereignbridge.mesh.identity.PeerId.decode(peerId);
        } catch (RuntimeException e) {
            throw new TransportException("overlay endpoint '" + peerId + "' is not a PeerId: " + e.getMessage());
        }
        if (!enqueue(peers.computeIfAbsent(peerId, Peer::new), frame, true)) {
            throw new TransportException("overlay peer " + peerId + ": send queue full (" + MAX_QUEUED_BYTES + " bytes)");
        }
    }

    private boolean enqueue(Peer p, byte[] frame, boolean report) {
        boolean startWriter;
        synchronized (p) {
            if (p.queuedBytes + frame.length > MAX_QUEUED_BYTES) {
                if (!report) log.debug("overlay peer {}: queue full, broadcast frame dropped", p.peerId);
                return false;
            }
            p.queue.add(frame);
            p.queuedBytes += frame.length;
            startWriter = !p.writing;
            p.writing = true;
        }
        if (startWriter) {
            try {
                host.execute(() -> drain(p));
            } catch (RejectedExecutionException e) {
                synchronized (p) {
                    p.writing = false;
                    p.queue.clear();
                    p.queuedBytes = 0;
                }
            }
        }
        return true;
    }

    /**
     * Writes the peer's queue on its stream, opening (and dialling) as needed; runs on a host worker.
     * Small frames queued together go out in one write of at most {@link #BATCH_BYTES} (one yamux Data
     * frame, one Noise message), so a burst of announces or fragments costs one syscall, not one each.
     */
    private void drain(Peer p) {
        java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream(4096);
        while (true) {
            int frames = 0;
            byte[] first = null;
            batch.reset();
            synchronized (p) {
                byte[] next;
                while ((next = p.queue.peek()) != null
                        && (frames == 0 || batch.size() + next.length + MeshStreamCodec.MAX_PREFIX <= BATCH_BYTES)) {
                    p.queue.poll();
                    p.queuedBytes -= next.length;
                    byte[] enc = MeshStreamCodec.encode(next, MTU);
                    if (frames == 0) first = enc;
                    batch.write(enc, 0, enc.length);
                    frames++;
                }
                if (frames == 0) {
                    p.writing = false;
                    return;
                }
            }
            try {
                P2pStream s = outStream(p);
                s.output().write(frames == 1 ? first : batch.toByteArray()); // a lone frame: no extra copy
                s.output().flush();
            } catch (IOException | RuntimeException e) {
                // the frames are not lost: the node's custody queue retries its own messages
                int dropped;
                synchronized (p) {
                    dropped = p.queue.size() + frames;
                    p.queue.clear();
                    p.queuedBytes = 0;
                    p.writing = false;
                }
                log.info("overlay peer {}: {} frames not sent: {}", p.peerId, dropped, e.getMessage());
                closeOut(p, e.getMessage());
                // a peer we could not reach leaves no entry behind (the map holds connected peers and queues)
                synchronized (p) {
                    if (!p.meshCapable && !p.writing && host.connection(p.peerId).isEmpty()) peers.remove(p.peerId, p);
                }
                return;
            }
        }
    }

    private P2pStream outStream(Peer p) throws IOException {
        P2pStream s = p.out;
        if (s != null && s.connection().isOpen()) return s;
        if (host.connection(p.peerId).isEmpty()) dial(p.peerId);
        s = host.newStream(p.peerId, List.of(PROTOCOL));
        p.out = s;
        log.debug("overlay: mesh stream to {} opened", p.peerId);
        return s;
    }

    private void dial(String peerId) throws IOException {
        List<Multiaddr> addrs = addressBook.apply(peerId);
        if (addrs.isEmpty()) throw new IOException("not connected and no known address");
        IOException last = null;
        for (Multiaddr a : addrs) {
            try {
                Multiaddr full = a.trailingPeerId() != null ? a
                        : a.with(Multiaddr.Protocol.P2P, net.sovereignbridge.mesh.identity.PeerId.toBytes(
                                net.sovereignbridge.mesh.identity.PeerId.decode(peerId)));
                host.dial(full);
                return;
            } catch (IOException e) {
                last = e;
            } catch (net.sovereignbridge.p2p.multiaddr.MultiaddrException e) {
                last = new IOException(e.getMessage(), e);
            }
        }
        throw last;
    }

    private void closeOut(Peer p, String why) {
        P2pStream s = p.out;
        p.out = null;
        if (s != null) {
            log.debug("overlay: mesh stream to {} closed: {}", p.peerId, why);
            s.reset();
        }
    }

    /** An inbound mesh stream: frames until the peer ends it; a bad frame resets it (logged). */
    private void serve(P2pStream stream) throws IOException {
        String peerId = stream.remotePeerId();
        Peer p = peers.computeIfAbsent(peerId, Peer::new);
        Endpoint from = new Endpoint(ID, peerId);
        try {
            while (true) {
                byte[] frame = MeshStreamCodec.read(stream.input(), MTU);
                if (frame == null) return;
                p.lastHeard = Instant.now();
                TransportListener l = listener;
                if (l == null || !state.canSend()) continue;
                l.onFrame(this, from, frame, new LinkQuality(Double.NaN, Double.NaN, p.rttMillis, 0.0));
            }
        } catch (MeshStreamCodec.FrameException e) {
            peerLog.warn("overlay.stream-reset", "overlay: mesh stream from {} reset: {}", peerId, e.getMessage());
            throw e;
        }
    }

    // ---- connection events (host threads: nothing here blocks)

    @Override
    public void identified(Connection c, IdentifyInfo info) {
        if (!info.supports(PROTOCOL) || !c.isOpen()) return;
        Peer p = peers.computeIfAbsent(c.remotePeerId(), Peer::new);
        boolean was = p.meshCapable;
        p.meshCapable = true;
        p.lastHeard = Instant.now();
        if (!was) {
            log.info("overlay: mesh neighbour {} at {}", p.peerId, c.remoteAddr());
            try {
                host.execute(() -> ping(p));
            } catch (RejectedExecutionException ignored) {
                // host closing
            }
            TransportListener l = listener;
            if (l != null && state.canSend()) l.onNeighbour(this, p.neighbour(), true);
        }
    }

    @Override
    public void disconnected(Connection c, String reason) {
        if (host.connection(c.remotePeerId()).isPresent()) return; // another connection to it remains
        Peer p = peers.get(c.remotePeerId());
        if (p == null) return;
        p.out = null;
        if (p.meshCapable) {
            p.meshCapable = false;
            log.info("overlay: mesh neighbour {} gone: {}", p.peerId, reason);
            TransportListener l = listener;
            if (l != null && state.canSend()) l.onNeighbour(this, p.neighbour(), false);
        }
        synchronized (p) {
            if (!p.writing && p.queue.isEmpty()) peers.remove(p.peerId, p);
        }
    }

    private void pingAll() {
        for (Peer p : peers.values()) {
            if (p.meshCapable) {
                try {
                    host.execute(() -> ping(p));
                } catch (RejectedExecutionException e) {
                    return;
                }
            }
        }
    }

    private void ping(Peer p) {
        try {
            p.rttMillis = Math.max(0, PingService.ping(host, p.peerId).toMillis());
            pings.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            log.debug("overlay: ping {} failed: {}", p.peerId, e.getMessage());
        }
    }

    @Override
    public List<Neighbour> neighbours() {
        List<Neighbour> out = new ArrayList<>();
        for (Peer p : peers.values()) if (p.meshCapable) out.add(p.neighbour());
        return out;
    }

    /** Pings answered so far, at identify and periodically. */
    public long pings() {
        return pings.get();
    }

    /** The last RTT measured to a peer, -1 if none. */
    public long rttMillis(String peerId) {
        Peer p = peers.get(peerId);
        return p == null ? -1 : p.rttMillis;
    }
}
