package net.sovereignbridge.p2p.host;

import java.io.Closeable;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.identify.IdentifyInfo;
import net.sovereignbridge.p2p.identify.IdentifyService;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.multistream.MultistreamException;
import net.sovereignbridge.p2p.multistream.MultistreamSelect;
import net.sovereignbridge.p2p.noise.NoiseDuplex;
import net.sovereignbridge.p2p.noise.NoiseException;
import net.sovereignbridge.p2p.noise.NoiseSecureChannel;
import net.sovereignbridge.p2p.ping.PingService;
import net.sovereignbridge.p2p.yamux.YamuxSession;
import net.sovereignbridge.p2p.yamux.YamuxStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libp2p host: listens and dials over its {@link Transport}s, upgrades every connection
 * (multistream-select {@code /noise} -> Noise XX with the libp2p payload -> multistream-select
 * {@code /yamux/1.0.0} -> yamux) and negotiates each stream's protocol against the handlers set with
 * {@link #setHandler}. Identify ({@code /ipfs/id/1.0.0}) runs on every new connection; ping
 * ({@code /ipfs/ping/1.0.0}) is served. Blocking I/O with threads per connection and per stream
 * (docs/decisions.md). A peer that breaks the protocol loses its connection, with the reason logged;
 * the host and its other connections carry on.
 */
public final class Libp2pHost implements Closeable {
    public static final String NOISE = "/noise";
    public static final String YAMUX = "/yamux/1.0.0";
    private static final Logger log = LoggerFactory.getLogger(Libp2pHost.class);
    private static final AtomicInteger HOSTS = new AtomicInteger();

    private final NodeIdentity identity;
    private final String peerId;
    private final HostConfig config;
    private final SecureRandom random = new SecureRandom();
    private final List<Transport> transports = new CopyOnWriteArrayList<>();
    private final List<Transport.Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, List<Connection>> connections = new ConcurrentHashMap<>();
    private final Map<String, IdentifyInfo> peerInfo = new ConcurrentHashMap<>();
    private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final Semaphore pendingUpgrades;
    private final Semaphore inboundStreams;
    /** Receive windows reserved by all connections' streams; each connection has a child budget. */
    private final net.sovereignbridge.p2p.yamux.ReceiveBudget receiveBudget;
    private final AtomicInteger openConnections = new AtomicInteger();
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final IdentifyService identify;
    private final PingService ping;
    private final AtomicBoolean closed = new AtomicBoolean();

    public Libp2pHost(NodeIdentity identity, HostConfig config) {
        this.identity = identity;
        this.peerId = PeerId.encode(identity.publicIdentity().publicKey());
        this.config = config;
        this.pendingUpgrades = new Semaphore(config.maxPendingUpgrades());
        this.inboundStreams = new Semaphore(config.maxInboundStreams());
        this.receiveBudget = new net.sovereignbridge.p2p.yamux.ReceiveBudget("host", config.maxBufferedTotal(),
                config.maxBufferedTotal() / 4);
        String name = "p2p-host-" + HOSTS.incrementAndGet();
        this.workers = Executors.newCachedThreadPool(daemon(name + "-worker"));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon(name + "-timer"));
        transports.add(new TcpTransport());
        transports.add(new net.sovereignbridge.p2p.websocket.WebSocketHostTransport());
        this.identify = new IdentifyService(this, identity, config);
        this.ping = new PingService(random);
        setHandler(IdentifyService.ID, identify::serve);
        setHandler(IdentifyService.PUSH, identify::servePush);
        setHandler(PingService.ID, ping::serve);
    }

    public HostConfig config() {
        return config;
    }

    /** Our PeerId, base58. */
    public String peerId() {
        return peerId;
    }

    public NodeIdentity identity() {
        return identity;
    }

    /** Adds a transport (e.g. WebSocket); transports are tried in the order added, TCP first. */
    public void addTransport(Transport t) {
        transports.add(t);
    }

    // ---- listening

    /** Listens on {@code addr} (port 0 picks one) and returns the bound address, without /p2p. */
    public Multiaddr listen(Multiaddr addr) throws IOException {
        for (Transport t : transports) {
            if (t.canListen(addr)) {
                Transport.Listener l = t.listen(addr, this::accepted);
                listeners.add(l);
                identify.addressesChanged();
                log.info("listening on {}/p2p/{}", l.address(), peerId);
                return l.address();
            }
        }
        throw new IOException("no transport listens on " + addr);
    }

    /**
     * The listen addresses, without /p2p. A wildcard bind (0.0.0.0 or ::) is listed once per address of
     * the machine's up interfaces (loopback included), since a wildcard is no use to a peer.
     */
    public List<Multiaddr> listenAddrs() {
        List<Multiaddr> out = new ArrayList<>();
        for (Transport.Listener l : listeners) {
            for (Multiaddr a : expandWildcard(l.address())) if (!out.contains(a)) out.add(a);
        }
        return out;
    }

    static List<Multiaddr> expandWildcard(Multiaddr bound) {
        List<Multiaddr.Component> c = bound.components();
        if (c.isEmpty()) return List.of(bound);
        Multiaddr.Protocol p = c.get(0).protocol();
        boolean any = (p == Multiaddr.Protocol.IP4 || p == Multiaddr.Protocol.IP6)
                && Arrays.equals(c.get(0).value(), new byte[c.get(0).value().length]);
        if (!any) return List.of(bound);
        List<Multiaddr> out = new ArrayList<>();
        try {
            for (java.net.NetworkInterface ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp()) continue;
                for (java.net.InetAddress ip : java.util.Collections.list(ni.getInetAddresses())) {
                    if (ip.isLinkLocalAddress() || ip.getAddress().length != c.get(0).value().length) continue;
                    try {
                        StringBuilder text = new StringBuilder("/").append(p.text).append('/')
                                .append(ip.getHostAddress().replaceAll("%.*$", ""));
                        for (int i = 1; i < c.size(); i++) {
                            text.append('/').append(c.get(i).protocol().text);
                            String v = c.get(i).valueText();
                            if (!v.isEmpty()) text.append('/').append(v);
                        }
                        out.add(Multiaddr.parse(text.toString()));
                    } catch (MultiaddrException e) {
                        // an address our codec cannot express: skip it
                    }
                }
            }
        } catch (java.net.SocketException e) {
            log.warn("cannot list network interfaces: {}", e.getMessage());
        }
        return out.isEmpty() ? List.of(bound) : out;
    }

    /** The listen addresses ending in /p2p/PEERID, as printed for users. */
    public List<Multiaddr> fullListenAddrs() {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : listenAddrs()) {
            try {
                out.add(a.with(Multiaddr.Protocol.P2P, PeerId.toBytes(identity.publicIdentity().publicKey())));
            } catch (MultiaddrException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private void accepted(RawConnection raw) {
        if (closed.get() || openConnections.get() >= config.maxConnections() || !pendingUpgrades.tryAcquire()) {
            log.warn("inbound connection from {} refused: connection or handshake limit reached", raw.remoteAddr());
            closeQuietly(raw);
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    upgrade(raw, false, null);
                } catch (IOException e) {
                    log.warn("inbound connection from {} closed: {}", raw.remoteAddr(), e.getMessage());
                    for (ConnectionListener l : connectionListeners) safely(() -> l.upgradeFailed(raw.remoteAddr(), false, e.getMessage()));
                } finally {
                    pendingUpgrades.release();
                }
            });
        } catch (RuntimeException e) { // executor shut down
            pendingUpgrades.release();
            closeQuietly(raw);
        }
    }

    // ---- dialling

    /**
     * Connects to {@code addr}. With a trailing /p2p/PEERID the remote must prove that identity in the
     * Noise handshake, and an open connection to that peer is reused.
     */
    public Connection dial(Multiaddr addr) throws IOException {
        if (closed.get()) throw new IOException("host closed");
        Multiaddr.Component p2p = addr.components().isEmpty() ? null : addr.components().get(addr.components().size() - 1);
        byte[] expectedKey = null;
        if (p2p != null && p2p.protocol() == Multiaddr.Protocol.P2P) {
            try {
                expectedKey = PeerId.fromBytes(p2p.value());
            } catch (RuntimeException e) {
                throw new IOException("dial " + addr + ": " + e.getMessage());
            }
            Optional<Connection> existing = connection(PeerId.encode(expectedKey));
            if (existing.isPresent()) return existing.get();
        }
        Multiaddr target = addr.withoutPeerId();
        for (Transport t : transports) {
            if (t.canDial(target)) {
                RawConnection raw = t.dial(target, (int) config.handshakeTimeout().toMillis());
                try {
                    return upgrade(raw, true, expectedKey);
                } catch (IOException e) {
                    log.warn("outbound connection to {} closed: {}", addr, e.getMessage());
                    for (ConnectionListener l : connectionListeners) safely(() -> l.upgradeFailed(target, true, e.getMessage()));
                    throw new IOException("dial " + addr + ": " + e.getMessage(), e);
                }
            }
        }
        throw new IOException("no transport dials " + addr);
    }

    // ---- the upgrade

    /**
     * Upgrades a raw connection; a deadline closes the raw connection if the handshake has not finished
     * by {@link HostConfig#handshakeTimeout()} (that unblocks any read). Public so that other transports'
     * listeners (outside this package) can hand their connections to the host.
     */
    public Connection upgrade(RawConnection raw, boolean initiator, byte[] expectedRemoteKey) throws IOException {
        AtomicBoolean timedOut = new AtomicBoolean();
        Deadline deadline = deadline(() -> {
            timedOut.set(true);
            closeQuietly(raw);
        }, config.handshakeTimeout());
        String step = "multistream-select " + NOISE;
        try {
            if (initiator) {
                MultistreamSelect.select(raw.input(), raw.output(), List.of(NOISE));
            } else {
                MultistreamSelect.handle(raw.input(), raw.output(), List.of(NOISE));
            }
            step = "Noise handshake";
            List<String> offer = config.inlineMuxer() ? List.of(YAMUX) : List.of();
            NoiseSecureChannel channel = initiator
                    ? NoiseSecureChannel.dial(raw.input(), raw.output(), identity,
                            expectedRemoteKey == null ? null : PeerId.toBytes(expectedRemoteKey), offer, random)
                    : NoiseSecureChannel.accept(raw.input(), raw.output(), identity, offer, random);
            byte[] remoteKey = channel.remoteIdentityKey();
            if (Arrays.equals(remoteKey, identity.publicIdentity().publicKey())) {
                throw new NoiseException("remote has our own PeerId");
            }
            NoiseDuplex duplex = new NoiseDuplex(channel, raw);
            // inlined muxer negotiation: when both sides offered muxers, the first of the initiator's list
            // that both support is used and multistream-select is skipped; otherwise multistream decides
            boolean inline = !offer.isEmpty() && !channel.remoteStreamMuxers().isEmpty();
            if (inline) {
                step = "inlined muxer negotiation";
                List<String> initiatorList = initiator ? offer : channel.remoteStreamMuxers();
                List<String> responderList = initiator ? channel.remoteStreamMuxers() : offer;
                String chosen = initiatorList.stream().filter(responderList::contains).findFirst().orElse(null);
                if (!YAMUX.equals(chosen)) {
                    throw new NoiseException("no common stream muxer (remote offers " + channel.remoteStreamMuxers() + ")");
                }
            } else {
                step = "multistream-select " + YAMUX;
                if (initiator) {
                    MultistreamSelect.select(duplex.input(), duplex.output(), List.of(YAMUX));
                } else {
                    MultistreamSelect.handle(duplex.input(), duplex.output(), List.of(YAMUX));
                }
            }
            if (!deadline.cancel() || timedOut.get()) throw new IOException("handshake timed out");
            return established(raw, duplex, remoteKey, initiator, inline);
        } catch (NoiseException | MultistreamException e) {
            deadline.cancel();
            closeQuietly(raw);
            throw new IOException(step + " with " + raw.remoteAddr() + " failed: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            deadline.cancel();
            closeQuietly(raw);
            if (timedOut.get()) {
                throw new IOException(step + " with " + raw.remoteAddr() + " timed out after "
                        + config.handshakeTimeout().toMillis() + " ms", e);
            }
            throw new IOException(step + " with " + raw.remoteAddr() + " failed: " + e, e);
        }
    }

    private Connection established(RawConnection raw, NoiseDuplex duplex, byte[] remoteKey, boolean initiator, boolean inlineMuxer) {
        Connection c = new Connection(this, remoteKey, raw.remoteAddr(), raw.localAddr(), initiator, inlineMuxer);
        YamuxSession session = new YamuxSession(duplex, initiator, config.yamux(),
                receiveBudget.child("connection", config.maxBufferedPerConnection()), s -> inboundStream(c, s));
        c.attach(session);
        openConnections.incrementAndGet();
        connections.computeIfAbsent(c.remotePeerId(), k -> new CopyOnWriteArrayList<>()).add(c);
        session.onClose(reason -> c.close("yamux: " + reason));
        session.start();
        log.info("{} connection with {} at {} established", initiator ? "outbound" : "inbound", c.remotePeerId(), c.remoteAddr());
        for (ConnectionListener l : connectionListeners) safely(() -> l.connected(c));
        if (closed.get()) {
            c.close("host closed");
            return c;
        }
        try {
            workers.execute(() -> identify.identify(c));
        } catch (RejectedExecutionException e) {
            c.close("host closed");
        }
        return c;
    }

    void connectionClosed(Connection c, String reason) {
        List<Connection> list = connections.get(c.remotePeerId());
        if (list != null && list.remove(c)) {
            openConnections.decrementAndGet();
            connections.computeIfPresent(c.remotePeerId(), (k, v) -> v.isEmpty() ? null : v);
        }
        log.info("connection with {} at {} closed: {}", c.remotePeerId(), c.remoteAddr(), reason);
        for (ConnectionListener l : connectionListeners) safely(() -> l.disconnected(c, reason));
    }

    // ---- streams

    /** Serves protocol {@code protocol} on inbound streams; replaces an earlier handler for it. */
    public void setHandler(String protocol, StreamHandler handler) {
        if (protocol.isEmpty() || protocol.length() > 256 || protocol.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("bad protocol id '" + protocol + "'");
        }
        boolean added = handlers.put(protocol, handler) == null;
        if (added && identify != null) identify.protocolsChanged();
    }

    public void removeHandler(String protocol) {
        if (handlers.remove(protocol) != null) identify.protocolsChanged();
    }

    /** The protocols we serve, sorted (as identify lists them). */
    public List<String> protocols() {
        return List.copyOf(new TreeSet<>(handlers.keySet()));
    }

    /**
     * Opens a stream to a connected peer (the oldest open connection) and negotiates the first protocol
     * of {@code protocols} the remote supports.
     */
    public P2pStream newStream(String remotePeerId, List<String> protocols) throws IOException {
        Connection c = connection(remotePeerId).orElseThrow(() -> new IOException("not connected to " + remotePeerId));
        return openStream(c, protocols);
    }

    /** Dials {@code addr} when needed (see {@link #dial}), then opens a stream as above. */
    public P2pStream newStream(Multiaddr addr, List<String> protocols) throws IOException {
        return openStream(dial(addr), protocols);
    }

    P2pStream openStream(Connection c, List<String> protocols) throws IOException {
        if (!c.isOpen()) throw new IOException("connection to " + c.remotePeerId() + " is closed");
        YamuxStream s = c.session().openStream();
        Deadline deadline = deadline(s::reset, config.negotiateTimeout());
        try {
            String agreed = MultistreamSelect.select(s.input(), s.output(), protocols);
            if (!deadline.cancel()) throw new IOException("negotiation timed out");
            return new P2pStream(s, agreed, c);
        } catch (MultistreamException e) {
            deadline.cancel();
            s.reset();
            throw new IOException("stream to " + c.remotePeerId() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            deadline.cancel();
            s.reset();
            throw new IOException("stream to " + c.remotePeerId() + " for " + protocols + ": " + e.getMessage(), e);
        }
    }

    private void inboundStream(Connection c, YamuxStream s) {
        if (!inboundStreams.tryAcquire()) {
            log.warn("inbound stream from {} reset: {} streams already being served", c.remotePeerId(), config.maxInboundStreams());
            s.reset();
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    serveStream(c, s);
                } finally {
                    inboundStreams.release();
                }
            });
        } catch (RuntimeException e) {
            inboundStreams.release();
            s.reset(); // host shutting down
        }
    }

    private void serveStream(Connection c, YamuxStream s) {
        Deadline deadline = deadline(s::reset, config.negotiateTimeout());
        String protocol;
        try {
            protocol = MultistreamSelect.handle(s.input(), s.output(), List.copyOf(handlers.keySet()));
            if (!deadline.cancel()) throw new IOException("negotiation timed out");
        } catch (MultistreamException | IOException | RuntimeException e) {
            deadline.cancel();
            log.debug("inbound stream from {}: negotiation failed: {}", c.remotePeerId(), e.getMessage());
            s.reset();
            return;
        }
        StreamHandler h = handlers.get(protocol);
        P2pStream stream = new P2pStream(s, protocol, c);
        try {
            if (h == null) throw new IOException("handler removed");
            h.handle(stream);
            stream.close();
        } catch (IOException | RuntimeException e) {
            log.debug("{} stream from {} ended: {}", protocol, c.remotePeerId(), e.toString());
            s.reset();
        }
    }

    // ---- connections and peers

    /** Receive window reserved now by all streams of all connections: a bound on the bytes buffered. */
    public long reservedReceiveWindow() {
        return receiveBudget.reserved();
    }

    /** The most receive window ever reserved at once (never above {@link HostConfig#maxBufferedTotal()}). */
    public long peakReservedReceiveWindow() {
        return receiveBudget.peak();
    }

    /** Bytes received and not yet read by handlers or stream users, over all connections (a measurement). */
    public long bufferedBytes() {
        long sum = 0;
        for (List<Connection> list : connections.values()) {
            for (Connection c : list) sum += c.bufferedBytes();
        }
        return sum;
    }

    /** Inbound streams being served now (each holds a host worker; at most {@link HostConfig#maxInboundStreams()}). */
    public int inboundStreamsServed() {
        return config.maxInboundStreams() - inboundStreams.availablePermits();
    }

    /** The oldest open connection to a peer. */
    public Optional<Connection> connection(String remotePeerId) {
        List<Connection> list = connections.get(remotePeerId);
        if (list == null) return Optional.empty();
        for (Connection c : list) if (c.isOpen()) return Optional.of(c);
        return Optional.empty();
    }

    public List<Connection> connections() {
        List<Connection> out = new ArrayList<>();
        for (List<Connection> l : connections.values()) out.addAll(l);
        return out;
    }

    /** What the peer told us in its latest identify (or push), if it did. */
    public Optional<IdentifyInfo> peerInfo(String remotePeerId) {
        return Optional.ofNullable(peerInfo.get(remotePeerId));
    }

    /**
     * Our addresses as the identified peers saw them (identify's observedAddr), without /p2p, with how
     * many peers reported each: a hint at our public address behind NAT, unconfirmed.
     */
    public Map<Multiaddr, Integer> observedAddrs() {
        Map<Multiaddr, Integer> out = new java.util.LinkedHashMap<>();
        for (IdentifyInfo i : peerInfo.values()) {
            if (i.observedAddr() != null) out.merge(i.observedAddr().withoutPeerId(), 1, Integer::sum);
        }
        return out;
    }

    /** Called by identify: stores what the remote said and tells the listeners. */
    public void identified(Connection c, IdentifyInfo info) {
        peerInfo.put(c.remotePeerId(), info);
        c.completeIdentify(info);
        for (ConnectionListener l : connectionListeners) safely(() -> l.identified(c, info));
    }

    public void addConnectionListener(ConnectionListener l) {
        connectionListeners.add(l);
    }

    /** One ping round trip to a connected peer over {@code /ipfs/ping/1.0.0}. */
    public Duration ping(String remotePeerId) throws IOException {
        try (P2pStream s = newStream(remotePeerId, List.of(PingService.ID))) {
            return PingService.ping(s, random);
        }
    }

    public IdentifyService identifyService() {
        return identify;
    }

    /** Runs a task on the host's worker threads. */
    public void execute(Runnable task) {
        workers.execute(task);
    }

    /**
     * Runs {@code action} (keep it short: close or reset something) after {@code delay} unless cancelled.
     * When the host is shutting down the action runs at once, so the guarded operation fails fast.
     */
    public Deadline deadline(Runnable action, Duration delay) {
        try {
            ScheduledFuture<?> f = timers.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            action.run();
            return () -> false;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        for (Transport.Listener l : listeners) closeQuietly(l);
        for (Connection c : connections()) c.close("host closed");
        workers.shutdownNow();
        timers.shutdownNow();
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("connection listener failed: {}", e.toString());
        }
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // closing a broken connection
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
