package net.sovereignbridge.p2p.host;

import java.io.Closeable;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.multistream.MultistreamException;
import net.sovereignbridge.p2p.multistream.MultistreamSelect;
import net.sovereignbridge.p2p.noise.NoiseDuplex;
import net.sovereignbridge.p2p.noise.NoiseException;
import net.sovereignbridge.p2p.noise.NoiseSecureChannel;
import net.sovereignbridge.p2p.yamux.ReceiveBudget;
import net.sovereignbridge.p2p.yamux.YamuxSession;
import net.sovereignbridge.p2p.yamux.YamuxStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libp2p {@link Host}: listens and dials over its {@link ConnectionTransport}s, upgrades every
 * connection (multistream-select {@code /noise} -> Noise XX with the libp2p payload -> multistream-select
 * {@code /yamux/1.0.0} -> yamux) and negotiates each stream's protocol against the handlers set with
 * {@link #setHandler}. Transports and services (identify, ping, ...) come from the {@link Builder}: the
 * host knows none of them. Blocking I/O with threads per connection and per stream (docs/decisions.md).
 * A peer that breaks the protocol loses its connection, with the reason logged; the host and its other
 * connections carry on. Inbound capacity is shared out per remote address (see {@link HostConfig}).
 */
public final class Libp2pHost implements Host {
    public static final String NOISE = "/noise";
    public static final String YAMUX = "/yamux/1.0.0";
    private static final Logger log = LoggerFactory.getLogger(Libp2pHost.class);
    /** Lines any stranger who can open a TCP connection triggers: a connection flood costs a few a minute. */
    private static final net.sovereignbridge.mesh.log.RateLimitedLog strangerLog =
            net.sovereignbridge.mesh.log.RateLimitedLog.of(Libp2pHost.class);
    private static final AtomicInteger HOSTS = new AtomicInteger();

    private final NodeIdentity identity;
    private final String peerId;
    private final HostConfig config;
    private final SecureRandom random = new SecureRandom();
    private final List<ConnectionTransport> transports;
    private final List<HostService> services = new CopyOnWriteArrayList<>();
    private final List<ConnectionTransport.Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, List<Connection>> connections = new ConcurrentHashMap<>();
    private final Map<String, IdentifyInfo> peerInfo = new ConcurrentHashMap<>();
    private final List<HostListener> hostListeners = new CopyOnWriteArrayList<>();
    private final HandshakeBudget handshakes;
    /** Each remote address's share of the inbound capacity, while it has connections or reservations. */
    private final Map<String, AddressShare> shares = new HashMap<>();
    private final Semaphore inboundStreams;
    /** Receive windows reserved by all connections' streams; each address and connection has a child budget. */
    private final ReceiveBudget receiveBudget;
    private final AtomicInteger openConnections = new AtomicInteger();
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Reachability reachability = Reachability.UNKNOWN;

    /** What one remote address holds: its receive-budget share and its inbound connections. */
    private static final class AddressShare {
        final ReceiveBudget budget;
        int connections;
        int inbound;

        AddressShare(ReceiveBudget budget) {
            this.budget = budget;
        }
    }

    /** Collects the host's transports (tried in the order added) and services (attached in that order). */
    public static final class Builder {
        private final NodeIdentity identity;
        private HostConfig config = HostConfig.defaults();
        private final List<ConnectionTransport> transports = new ArrayList<>();
        private final List<HostService> services = new ArrayList<>();

        private Builder(NodeIdentity identity) {
            this.identity = identity;
        }

        public Builder config(HostConfig c) {
            this.config = c;
            return this;
        }

        public Builder transport(ConnectionTransport t) {
            transports.add(t);
            return this;
        }

        public Builder service(HostService s) {
            services.add(s);
            return this;
        }

        /** The host with its services attached; it does not listen yet. */
        public Libp2pHost build() {
            if (transports.isEmpty()) throw new IllegalStateException("a host needs at least one connection transport");
            Libp2pHost h = new Libp2pHost(identity, config, transports);
            for (HostService s : services) {
                s.attach(h);
                h.services.add(s);
            }
            return h;
        }
    }

    public static Builder builder(NodeIdentity identity) {
        return new Builder(identity);
    }

    private Libp2pHost(NodeIdentity identity, HostConfig config, List<ConnectionTransport> transports) {
        this.identity = identity;
        this.peerId = PeerId.encode(identity.publicIdentity().publicKey());
        this.config = config;
        this.transports = List.copyOf(transports);
        this.handshakes = new HandshakeBudget(config.handshakeLimits());
        this.inboundStreams = new Semaphore(config.maxInboundStreams());
        this.receiveBudget = new ReceiveBudget("host", config.maxBufferedTotal(), config.maxBufferedTotal() / 4);
        String name = "p2p-host-" + HOSTS.incrementAndGet();
        this.workers = Executors.newCachedThreadPool(daemon(name + "-worker"));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon(name + "-timer"));
    }

    @Override
    public HostConfig config() {
        return config;
    }

    @Override
    public String peerId() {
        return peerId;
    }

    @Override
    public NodeIdentity identity() {
        return identity;
    }

    // ---- reachability

    @Override
    public Reachability reachability() {
        return reachability;
    }

    @Override
    public void setReachability(Reachability r, String reason) {
        Reachability before;
        synchronized (this) {
            before = reachability;
            reachability = r;
        }
        if (before == r || closed.get()) return;
        log.info("reachability {} -> {}: {}", before, r, reason);
        emit(l -> l.reachabilityChanged(r, reason));
    }

    // ---- listening

    @Override
    public Multiaddr listen(Multiaddr addr) throws IOException {
        if (closed.get()) throw new IOException("host closed");
        for (ConnectionTransport t : transports) {
            if (t.canListen(addr)) {
                ConnectionTransport.Listener l = t.listen(addr, this::accepted);
                listeners.add(l);
                log.info("listening on {}/p2p/{}", l.address(), peerId);
                List<Multiaddr> now = listenAddrs();
                emit(x -> x.addressesChanged(now));
                return l.address();
            }
        }
        throw new IOException("no transport listens on " + addr);
    }

    /**
     * The listen addresses, without /p2p. A wildcard bind (0.0.0.0 or ::) is listed once per address of
     * the machine's up interfaces (loopback included), since a wildcard is no use to a peer.
     */
    @Override
    public List<Multiaddr> listenAddrs() {
        List<Multiaddr> out = new ArrayList<>();
        for (ConnectionTransport.Listener l : listeners) {
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

    @Override
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

    /**
     * An inbound raw connection: admitted to the handshake if the host has room and the remote address
     * has not used up its shares (connections, pending handshakes), else closed at once with the reason.
     */
    private void accepted(RawConnection raw) {
        String address = RemoteAddress.shareKey(raw.remoteAddr());
        HandshakeBudget.Ticket ticket;
        try {
            ticket = admit(address, raw);
        } catch (HandshakeBudget.RefusedException e) {
            strangerLog.warn("host.inbound-refused", "inbound connection from {} refused: {}", raw.remoteAddr(), e.getMessage());
            closeQuietly(raw);
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    upgrade(raw, false, null);
                } catch (IOException e) {
                    String why = ticket.evicted() ? "evicted from the handshake budget to admit another address" : e.getMessage();
                    strangerLog.warn("host.inbound-failed", "inbound connection from {} closed: {}", raw.remoteAddr(), why);
                    emit(l -> l.upgradeFailed(raw.remoteAddr(), false, why));
                } finally {
                    ticket.close();
                }
            });
        } catch (RuntimeException e) { // executor shut down
            ticket.close();
            closeQuietly(raw);
        }
    }

    private HandshakeBudget.Ticket admit(String address, RawConnection raw) throws HandshakeBudget.RefusedException {
        if (closed.get()) throw new HandshakeBudget.RefusedException("host closed");
        int open = openConnections.get();
        if (open >= config.maxConnections()) {
            throw new HandshakeBudget.RefusedException(open + " connections open (limit " + config.maxConnections() + ")");
        }
        String full = inboundLimitReached(address);
        if (full != null) throw new HandshakeBudget.RefusedException(full);
        return handshakes.admit(address, raw);
    }

    /** Null while {@code address} may open another inbound connection, else why not. */
    private String inboundLimitReached(String address) {
        synchronized (shares) {
            AddressShare s = shares.get(address);
            int n = s == null ? 0 : s.inbound;
            return n < config.maxInboundPerAddress() ? null
                    : address + " already has " + n + " inbound connections (limit per address " + config.maxInboundPerAddress() + ")";
        }
    }

    /** Pending inbound handshakes now (a measurement). */
    public int pendingHandshakes() {
        return handshakes.pending();
    }

    /** Inbound handshakes refused and pending ones evicted since the start: {refused, evicted}. */
    public long[] handshakeRefusals() {
        return new long[] {handshakes.refused(), handshakes.evictions()};
    }

    // ---- dialling

    @Override
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
        // a relayed address keeps its trailing /p2p: it names the target the relay is to connect us to
        Multiaddr target = addr.isRelayed() ? addr : addr.withoutPeerId();
        for (ConnectionTransport t : transports) {
            if (t.canDial(target)) {
                RawConnection raw = t.dial(target, (int) config.handshakeTimeout().toMillis());
                try {
                    return upgrade(raw, true, expectedKey);
                } catch (IOException e) {
                    log.warn("outbound connection to {} closed: {}", addr, e.getMessage());
                    emit(l -> l.upgradeFailed(target, true, e.getMessage()));
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
        byte[] remoteKey;
        NoiseDuplex duplex;
        boolean inline;
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
            remoteKey = channel.remoteIdentityKey();
            if (Arrays.equals(remoteKey, identity.publicIdentity().publicKey())) {
                throw new NoiseException("remote has our own PeerId");
            }
            duplex = new NoiseDuplex(channel, raw);
            // inlined muxer negotiation: when both sides offered muxers, the first of the initiator's list
            // that both support is used and multistream-select is skipped; otherwise multistream decides
            inline = !offer.isEmpty() && !channel.remoteStreamMuxers().isEmpty();
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
        try {
            return established(raw, duplex, remoteKey, initiator, inline);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new IOException("connection with " + PeerId.encode(remoteKey) + " at " + raw.remoteAddr() + " refused: "
                    + e.getMessage(), e);
        }
    }

    private Connection established(RawConnection raw, NoiseDuplex duplex, byte[] remoteKey, boolean initiator,
            boolean inlineMuxer) throws IOException {
        String address = RemoteAddress.shareKey(raw.remoteAddr());
        AddressShare share;
        synchronized (shares) {
            share = shares.get(address);
            if (!initiator && share != null && share.inbound >= config.maxInboundPerAddress()) {
                throw new IOException(address + " already has " + share.inbound
                        + " inbound connections (limit per address " + config.maxInboundPerAddress() + ")");
            }
            if (share == null) {
                if (shares.size() >= 2 * config.maxConnections()) pruneShares();
                long total = config.maxBufferedTotal();
                share = new AddressShare(receiveBudget.child("address " + address, total, total - config.maxBufferedPerAddress()));
                shares.put(address, share);
            }
            share.connections++;
            if (!initiator) share.inbound++;
        }
        Connection c = new Connection(this, remoteKey, raw.remoteAddr(), raw.localAddr(), initiator, inlineMuxer, address);
        YamuxSession session = new YamuxSession(duplex, initiator, config.yamux(),
                share.budget.child("connection", config.maxBufferedPerConnection()), s -> inboundStream(c, s));
        c.attach(session);
        openConnections.incrementAndGet();
        connections.computeIfAbsent(c.remotePeerId(), k -> new CopyOnWriteArrayList<>()).add(c);
        session.onClose(reason -> c.close("yamux: " + reason));
        session.start();
        log.info("{} connection with {} at {} established", initiator ? "outbound" : "inbound", c.remotePeerId(), c.remoteAddr());
        emit(l -> l.connected(c));
        if (closed.get()) c.close("host closed");
        return c;
    }

    /**
     * Forgets the shares of addresses with no connection and nothing reserved. A share outlives its last
     * connection while unread data keeps a reservation, so an address cannot start afresh by hanging up.
     */
    private void pruneShares() {
        shares.values().removeIf(s -> s.connections == 0 && s.budget.reserved() == 0);
    }

    void connectionClosed(Connection c, String reason) {
        List<Connection> list = connections.get(c.remotePeerId());
        if (list != null && list.remove(c)) {
            openConnections.decrementAndGet();
            connections.computeIfPresent(c.remotePeerId(), (k, v) -> v.isEmpty() ? null : v);
            synchronized (shares) {
                AddressShare s = shares.get(c.shareKey());
                if (s != null) {
                    s.connections--;
                    if (!c.outbound()) s.inbound--;
                    if (s.connections == 0 && s.budget.reserved() == 0) shares.remove(c.shareKey());
                }
            }
        }
        log.info("connection with {} at {} closed: {}", c.remotePeerId(), c.remoteAddr(), reason);
        emit(l -> l.disconnected(c, reason));
    }

    // ---- streams

    @Override
    public void setHandler(String protocol, StreamHandler handler) {
        if (protocol.isEmpty() || protocol.length() > 256 || protocol.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("bad protocol id '" + protocol + "'");
        }
        if (handlers.put(protocol, handler) == null) protocolsChanged();
    }

    @Override
    public void removeHandler(String protocol) {
        if (handlers.remove(protocol) != null) protocolsChanged();
    }

    private void protocolsChanged() {
        List<String> now = protocols();
        emit(l -> l.protocolsChanged(now));
    }

    @Override
    public List<String> protocols() {
        return List.copyOf(new TreeSet<>(handlers.keySet()));
    }

    @Override
    public P2pStream newStream(String remotePeerId, List<String> protocols) throws IOException {
        Connection c = connection(remotePeerId).orElseThrow(() -> new IOException("not connected to " + remotePeerId));
        return openStream(c, protocols);
    }

    @Override
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
            strangerLog.warn("host.inbound-streams", "inbound stream from {} reset: {} streams already being served",
                    c.remotePeerId(), config.maxInboundStreams());
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

    @Override
    public Optional<Connection> connection(String remotePeerId) {
        List<Connection> list = connections.get(remotePeerId);
        if (list == null) return Optional.empty();
        for (Connection c : list) if (c.isOpen()) return Optional.of(c);
        return Optional.empty();
    }

    @Override
    public List<Connection> connections() {
        List<Connection> out = new ArrayList<>();
        for (List<Connection> l : connections.values()) out.addAll(l);
        return out;
    }

    @Override
    public Optional<IdentifyInfo> peerInfo(String remotePeerId) {
        return Optional.ofNullable(peerInfo.get(remotePeerId));
    }

    @Override
    public Map<Multiaddr, Integer> observedAddrs() {
        Map<Multiaddr, Integer> out = new java.util.LinkedHashMap<>();
        for (IdentifyInfo i : peerInfo.values()) {
            if (i.observedAddr() != null) out.merge(i.observedAddr().withoutPeerId(), 1, Integer::sum);
        }
        return out;
    }

    @Override
    public void peerIdentified(Connection c, IdentifyInfo info) {
        peerInfo.put(c.remotePeerId(), info);
        c.completeIdentify(info);
        emit(l -> l.identified(c, info));
    }

    @Override
    public void addListener(HostListener l) {
        hostListeners.add(l);
    }

    @Override
    public void removeListener(HostListener l) {
        hostListeners.remove(l);
    }

    @Override
    public void execute(Runnable task) {
        workers.execute(task);
    }

    @Override
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
        for (HostService s : services) {
            try {
                s.close();
            } catch (RuntimeException e) {
                log.warn("closing host service {}: {}", s.getClass().getSimpleName(), e.toString());
            }
        }
        for (ConnectionTransport.Listener l : listeners) closeQuietly(l);
        for (Connection c : connections()) c.close("host closed");
        workers.shutdownNow();
        timers.shutdownNow();
    }

    private void emit(java.util.function.Consumer<HostListener> event) {
        for (HostListener l : hostListeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("host listener {} failed: {}", l.getClass().getSimpleName(), e.toString());
            }
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
