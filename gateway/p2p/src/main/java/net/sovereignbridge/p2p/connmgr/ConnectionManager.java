package net.sovereignbridge.p2p.connmgr;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.encoding.Base58;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.Multiaddr.Protocol;
import net.sovereignbridge.p2p.peerstore.PeerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission and upkeep of overlay connections: refuses connections, streams and buffered bytes past
 * {@link ConnectionLimits} (each refusal logged with its reason), and keeps the configured static peers
 * connected, redialling with {@link Backoff} after a failure and from the initial delay again once a
 * connection has succeeded (lasted {@link Backoff#stableMs()}). It talks to the host only through {@link OverlayHost#dial}; the host calls
 * {@link #onConnected} / {@link #onDisconnected} and asks before opening streams or buffering data.
 */
public final class ConnectionManager implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);
    /** Lines a remote peer (or a stranger) can trigger at will: rate-limited per key. */
    private static final net.sovereignbridge.mesh.log.RateLimitedLog peerLog = net.sovereignbridge.mesh.log.RateLimitedLog.of(ConnectionManager.class);

    public enum Direction { INBOUND, OUTBOUND }

    /** Refused by a limit; the message is the reason (also logged). */
    public static final class LimitExceededException extends IOException {
        LimitExceededException(String reason) {
            super(reason);
        }
    }

    /** The manager's account of one established connection. */
    public final class Connection {
        private final byte[] peerId;
        private final String peer;
        private final Direction direction;
        private final String remote;
        private int streams;
        private long buffered;
        private boolean closed;

        private Connection(byte[] peerId, Direction direction, String remote) {
            this.peerId = peerId.clone();
            this.peer = Base58.encode(peerId);
            this.direction = direction;
            this.remote = remote;
        }

        public byte[] peerId() {
            return peerId.clone();
        }

        public String peerIdText() {
            return peer;
        }

        public Direction direction() {
            return direction;
        }

        public String remote() {
            return remote;
        }

        /** Admits one more stream (ours or the peer's); false (logged) past the per-connection limit. */
        public boolean tryOpenStream() {
            synchronized (ConnectionManager.this) {
                if (closed) return false;
                if (streams >= limits.maxStreamsPerConnection()) {
                    peerLog.info("connmgr.streams", "refusing a stream on the connection with {} ({}): {} streams open (limit {})", peer, remote,
                            streams, limits.maxStreamsPerConnection());
                    return false;
                }
                streams++;
                return true;
            }
        }

        public void streamClosed() {
            synchronized (ConnectionManager.this) {
                if (streams > 0) streams--;
            }
        }

        public int streams() {
            synchronized (ConnectionManager.this) {
                return streams;
            }
        }

        /**
         * Accounts {@code bytes} received and held until the application reads them; false (logged) when
         * that would pass the per-connection or the total budget: the host then drops the data and resets
         * the stream or closes the connection.
         */
        public boolean tryBuffer(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("negative byte count");
            synchronized (ConnectionManager.this) {
                if (closed) return false;
                if (buffered + bytes > limits.maxBufferedPerConnection()) {
                    peerLog.info("connmgr.buffered", "refusing {} more buffered bytes from {} ({}): {} held on this connection (limit {})", bytes,
                            peer, remote, buffered, limits.maxBufferedPerConnection());
                    return false;
                }
                if (totalBuffered + bytes > limits.maxBufferedTotal()) {
                    peerLog.info("connmgr.buffered", "refusing {} more buffered bytes from {} ({}): {} held over all connections (limit {})", bytes,
                            peer, remote, totalBuffered, limits.maxBufferedTotal());
                    return false;
                }
                buffered += bytes;
                totalBuffered += bytes;
                return true;
            }
        }

        /** The application consumed {@code bytes} that {@link #tryBuffer} accounted. */
        public void released(long bytes) {
            synchronized (ConnectionManager.this) {
                long n = Math.min(bytes, buffered);
                buffered -= n;
                totalBuffered -= n;
            }
        }

        public long buffered() {
            synchronized (ConnectionManager.this) {
                return buffered;
            }
        }

        @Override
        public String toString() {
            return direction.name().toLowerCase() + " connection with " + peer + " (" + remote + ")";
        }
    }

    /** A configured peer we keep connected. */
    private static final class StaticPeer {
        final byte[] peerId;
        final List<Multiaddr> addresses = new ArrayList<>();
        int failures;
        /** Consecutive connections that ended before {@link Backoff#stableMs()}. */
        int flaps;
        long connectedAtMs;
        ScheduledFuture<?> next;
        boolean dialing;
        /** The current dial's connection was admitted ({@link #onConnected}); its end is then a flap, not a failure. */
        boolean admittedThisDial;

        StaticPeer(byte[] peerId) {
            this.peerId = peerId;
        }
    }

    private final ConnectionLimits limits;
    private final Backoff backoff;
    private final PeerStore peerStore;
    private final Random random;
    private final ScheduledExecutorService scheduler;
    private final List<Connection> connections = new ArrayList<>();
    private final Map<String, StaticPeer> staticPeers = new LinkedHashMap<>();
    private OverlayHost host;
    private int handshaking;
    private long totalBuffered;
    private boolean started;
    private boolean closed;

    /** {@code peerStore} may be null (no recording of connections and failures). */
    public ConnectionManager(ConnectionLimits limits, Backoff backoff, PeerStore peerStore, Random random) {
        this.limits = limits;
        this.backoff = backoff;
        this.peerStore = peerStore;
        this.random = random;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "p2p-redial");
            t.setDaemon(true);
            return t;
        });
    }

    public ConnectionLimits limits() {
        return limits;
    }

    /** Plugs in the host; redialling starts with {@link #start()}. */
    public synchronized void setHost(OverlayHost host) {
        this.host = host;
    }

    /**
     * Adds a static peer address; it must end in /p2p/PEERID. Several addresses of one peer are tried
     * in the order given.
     */
    public synchronized void addStaticPeer(Multiaddr address) {
        Multiaddr.Component p2p = address.trailingPeerId();
        if (p2p == null) throw new IllegalArgumentException("static peer address lacks /p2p/<PeerId>: " + address);
        String key = Base58.encode(p2p.value());
        StaticPeer peer = staticPeers.computeIfAbsent(key, k -> new StaticPeer(p2p.value().clone()));
        if (!peer.addresses.contains(address)) peer.addresses.add(address);
        if (started) schedule(peer, 0);
    }

    /** Starts dialling the static peers that are not connected yet. */
    public synchronized void start() {
        if (host == null) throw new IllegalStateException("no host plugged in");
        started = true;
        for (StaticPeer p : staticPeers.values()) schedule(p, 0);
    }

    // ---- admission ----

    /** An inbound socket may start its handshake; false (logged) when too many are handshaking or inbound is full. */
    public synchronized boolean tryBeginHandshake(String remote) {
        if (closed) return false;
        if (handshaking >= limits.maxHandshaking()) {
            peerLog.info("connmgr.inbound", "refusing inbound connection from {}: {} handshakes in progress (limit {})", remote, handshaking,
                    limits.maxHandshaking());
            return false;
        }
        int inbound = count(Direction.INBOUND);
        if (inbound >= limits.maxInbound()) {
            peerLog.info("connmgr.inbound", "refusing inbound connection from {}: {} inbound connections (limit {})", remote, inbound,
                    limits.maxInbound());
            return false;
        }
        handshaking++;
        return true;
    }

    /** The handshake admitted by {@link #tryBeginHandshake} ended (successfully or not). */
    public synchronized void endHandshake() {
        if (handshaking > 0) handshaking--;
    }

    /** Null when we may dial the peer, otherwise why not (nothing is logged: the caller reports it). */
    public synchronized String whyNotDial(byte[] peerId) {
        if (closed) return "connection manager closed";
        int outbound = count(Direction.OUTBOUND);
        if (outbound >= limits.maxOutbound()) return outbound + " outbound connections (limit " + limits.maxOutbound() + ")";
        int withPeer = countWith(peerId);
        if (withPeer >= limits.maxPerPeer()) {
            return withPeer + " connections with " + Base58.encode(peerId) + " (limit " + limits.maxPerPeer() + ")";
        }
        return null;
    }

    /**
     * The host established a connection (PeerId verified by the security handshake). Throws with the
     * reason, logged, when a limit refuses it: the host must then close the connection.
     */
    public Connection onConnected(byte[] peerId, Direction direction, String remote) throws LimitExceededException {
        StaticPeer reset;
        Connection c;
        synchronized (this) {
            String reason = null;
            if (closed) {
                reason = "connection manager closed";
            } else if (direction == Direction.INBOUND && count(Direction.INBOUND) >= limits.maxInbound()) {
                reason = count(Direction.INBOUND) + " inbound connections (limit " + limits.maxInbound() + ")";
            } else if (direction == Direction.OUTBOUND && count(Direction.OUTBOUND) >= limits.maxOutbound()) {
                reason = count(Direction.OUTBOUND) + " outbound connections (limit " + limits.maxOutbound() + ")";
            } else if (countWith(peerId) >= limits.maxPerPeer()) {
                reason = countWith(peerId) + " connections with this peer (limit " + limits.maxPerPeer() + ")";
            }
            if (reason != null) {
                peerLog.info("connmgr.peer", "refusing {} connection with {} ({}): {}", direction.name().toLowerCase(), Base58.encode(peerId),
                        remote, reason);
                throw new LimitExceededException(reason);
            }
            c = new Connection(peerId, direction, remote);
            connections.add(c);
            reset = staticPeers.get(c.peer);
            if (reset != null) {
                // Reached: the dial failures start again from the initial delay.
                reset.failures = 0;
                reset.admittedThisDial = true;
                reset.connectedAtMs = System.currentTimeMillis();
                if (reset.next != null) reset.next.cancel(false);
                reset.next = null;
            }
        }
        if (peerStore != null) peerStore.recordConnected(peerId);
        log.debug("{} admitted", c);
        return c;
    }

    /** The host's connection ended; a static peer with no other connection is redialled. */
    public synchronized void onDisconnected(Connection c) {
        if (c.closed) return;
        c.closed = true;
        connections.remove(c);
        totalBuffered -= c.buffered;
        c.buffered = 0;
        c.streams = 0;
        StaticPeer p = staticPeers.get(c.peer);
        if (p != null && started && countWith(c.peerId) == 0) {
            long lived = System.currentTimeMillis() - p.connectedAtMs;
            long delay;
            if (lived >= backoff.stableMs()) {
                p.flaps = 0;
                delay = backoff.initialMs();
            } else {
                p.flaps++;
                delay = backoff.delayMs(p.flaps + 1, random.nextDouble());
            }
            log.info("static peer {} disconnected after {} ms{}; redialling in {} ms", c.peer, lived,
                    p.flaps > 0 ? " (" + p.flaps + " short connections in a row)" : "", delay);
            schedule(p, delay);
        }
    }

    public synchronized List<Connection> connections() {
        return List.copyOf(connections);
    }

    public synchronized long totalBuffered() {
        return totalBuffered;
    }

    /** Consecutive connections to a static peer that ended before {@link Backoff#stableMs()}. */
    public synchronized int flaps(byte[] peerId) {
        StaticPeer p = staticPeers.get(Base58.encode(peerId));
        return p == null ? 0 : p.flaps;
    }

    /** Consecutive failed redials of a static peer (0 when connected or unknown). */
    public synchronized int failures(byte[] peerId) {
        StaticPeer p = staticPeers.get(Base58.encode(peerId));
        return p == null ? 0 : p.failures;
    }

    private int count(Direction d) {
        int n = 0;
        for (Connection c : connections) if (c.direction == d) n++;
        return n;
    }

    private int countWith(byte[] peerId) {
        String key = Base58.encode(peerId);
        int n = 0;
        for (Connection c : connections) if (c.peer.equals(key)) n++;
        return n;
    }

    // ---- redialling static peers ----

    private void schedule(StaticPeer p, long delayMs) {
        if (closed || p.dialing || countWith(p.peerId) > 0) return;
        if (p.next != null) p.next.cancel(false);
        p.next = scheduler.schedule(() -> attempt(p), delayMs, TimeUnit.MILLISECONDS);
    }

    private void attempt(StaticPeer p) {
        List<Multiaddr> addresses;
        OverlayHost h;
        synchronized (this) {
            p.next = null;
            if (closed || p.dialing || countWith(p.peerId) > 0) return;
            String refusal = whyNotDial(p.peerId);
            if (refusal != null) {
                failedLocked(p, refusal);
                return;
            }
            p.dialing = true;
            p.admittedThisDial = false;
            addresses = List.copyOf(p.addresses);
            h = host;
        }
        String lastError = "no address";
        boolean connected = false;
        for (Multiaddr a : addresses) {
            try {
                h.dial(a);
                connected = true;
                break;
            } catch (IOException | RuntimeException e) {
                lastError = a + ": " + e.getMessage();
            }
        }
        synchronized (this) {
            p.dialing = false;
            if (connected && countWith(p.peerId) > 0) return;
            if (connected && p.admittedThisDial) {
                // Admitted and already gone: onDisconnected counted the flap, but its redial was skipped
                // because this dial was still finishing; scheduled here with the flap's backoff, once.
                schedule(p, backoff.delayMs(p.flaps + 1, random.nextDouble()));
                return;
            }
            // Not connected, or connected but refused by a limit (never admitted): a failure, so that the
            // backoff grows.
            failedLocked(p, connected ? "the connection ended as soon as it was established" : lastError);
        }
    }

    private void failedLocked(StaticPeer p, String reason) {
        p.failures++;
        long delay = backoff.delayMs(p.failures, random.nextDouble());
        log.info("static peer {} not reached ({} consecutive failures): {}; next dial in {} ms", Base58.encode(p.peerId),
                p.failures, reason, delay);
        if (peerStore != null) peerStore.recordFailure(p.peerId);
        schedule(p, delay);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            for (StaticPeer p : staticPeers.values()) if (p.next != null) p.next.cancel(false);
        }
        scheduler.shutdownNow();
    }
}
