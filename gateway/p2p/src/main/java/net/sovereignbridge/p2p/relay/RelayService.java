package net.sovereignbridge.p2p.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.Deadline;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.HostListener;
import net.sovereignbridge.p2p.host.HostService;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.Reachability;
import net.sovereignbridge.p2p.host.RemoteAddress;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay side of circuit relay v2: serves {@code /libp2p/circuit/relay/0.2.0/hop} (docs/nat.md).
 * RESERVE stores a reservation for the connection's peer (until its expiry or until that connection
 * closes) and answers with the reservation, a signed voucher and the limit; CONNECT opens
 * {@code /stop} to a peer holding a reservation, and after both STATUS OK copies bytes between the two
 * streams until either side ends, the limit's data is used up in one direction, or its duration passes.
 * Requests over relayed connections are refused (no relay chains). With {@link RelayConfig.Mode#AUTO}
 * the handler exists only while the host's reachability is PUBLIC.
 */
public final class RelayService implements HostService, HostListener {
    public static final String HOP = "/libp2p/circuit/relay/0.2.0/hop";
    public static final String STOP = "/libp2p/circuit/relay/0.2.0/stop";
    private static final Logger log = LoggerFactory.getLogger(RelayService.class);
    private static final net.sovereignbridge.mesh.log.RateLimitedLog peerLog =
            net.sovereignbridge.mesh.log.RateLimitedLog.of(RelayService.class);
    private static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(10);
    private static final int COPY_BUFFER = 16 * 1024;

    private final RelayConfig config;
    private Host host;
    private final Map<String, Held> reservations = new HashMap<>();
    private final Map<String, Integer> circuitsPerPeer = new HashMap<>();
    private int circuits;
    private final AtomicLong reservationsGranted = new AtomicLong();
    private final AtomicLong circuitsOpened = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong bytesRelayed = new AtomicLong();
    private volatile boolean serving;

    /** A reservation: the peer's connection it came over, its address share and expiry (unix s). */
    private record Held(Connection connection, String shareKey, long expireUnix) {}

    public RelayService(RelayConfig config) {
        this.config = config;
    }

    @Override
    public void attach(Host h) {
        if (host != null) throw new IllegalStateException("relay service already attached");
        host = h;
        h.addListener(this);
        follow(h.reachability());
    }

    @Override
    public void reachabilityChanged(Reachability r, String reason) {
        follow(r);
    }

    private synchronized void follow(Reachability r) {
        boolean on = switch (config.mode()) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> r == Reachability.PUBLIC;
        };
        if (on == serving) return;
        serving = on;
        if (on) {
            host.setHandler(HOP, this::serveHop);
            log.info("relay service on (circuit relay v2 hop; {} reservations, {} circuits at most)", config.maxReservations(), config.maxCircuits());
        } else {
            host.removeHandler(HOP);
            reservations.clear();
            log.info("relay service off (reachability {})", r);
        }
    }

    public boolean serving() {
        return serving;
    }

    @Override
    public synchronized void disconnected(Connection c, String reason) {
        Held h = reservations.get(c.remotePeerId());
        if (h != null && h.connection == c) reservations.remove(c.remotePeerId());
    }

    // ---- figures, for tests and the status page

    public synchronized int reservations() {
        pruneExpired();
        return reservations.size();
    }

    public synchronized int activeCircuits() {
        return circuits;
    }

    /** {reservations granted (renewals included), circuits opened, requests refused, bytes relayed}. */
    public long[] counters() {
        return new long[] {reservationsGranted.get(), circuitsOpened.get(), refusals.get(), bytesRelayed.get()};
    }

    // ---- hop

    private void serveHop(P2pStream s) throws IOException {
        Deadline d = host.deadline(s::reset, MESSAGE_TIMEOUT);
        HopMessage m;
        try {
            m = CircuitCodec.readHop(s.input());
        } catch (CircuitMessageException e) {
            d.cancel();
            peerLog.warn("relay.bad-hop", "hop message from {}: {}", s.remotePeerId(), e.getMessage());
            answer(s, CircuitStatus.MALFORMED_MESSAGE);
            return;
        }
        if (!d.cancel()) throw new IOException("hop request timed out");
        if (s.connection().remoteAddr().isRelayed()) {
            answer(s, CircuitStatus.PERMISSION_DENIED);
            return;
        }
        switch (m.type()) {
            case RESERVE -> reserve(s);
            case CONNECT -> connect(s, m);
            default -> answer(s, CircuitStatus.UNEXPECTED_MESSAGE);
        }
    }

    private void answer(P2pStream s, CircuitStatus status) throws IOException {
        if (status != CircuitStatus.OK) refusals.incrementAndGet();
        CircuitCodec.write(s.output(), HopMessage.status(status));
    }

    private void reserve(P2pStream s) throws IOException {
        Connection c = s.connection();
        String peer = c.remotePeerId();
        String share = RemoteAddress.shareKey(c.remoteAddr());
        long expire = System.currentTimeMillis() / 1000 + config.reservationTtl().toSeconds();
        CircuitStatus refused = null;
        synchronized (this) {
            pruneExpired();
            Held old = reservations.get(peer);
            if (old == null) {
                int fromShare = 0;
                for (Held h : reservations.values()) if (h.shareKey.equals(share)) fromShare++;
                if (reservations.size() >= config.maxReservations() || fromShare >= config.maxReservationsPerIp()) {
                    refused = CircuitStatus.RESERVATION_REFUSED;
                }
            }
            if (refused == null) reservations.put(peer, new Held(c, share, expire));
        }
        if (refused != null) {
            peerLog.info("relay.reservation-refused", "reservation for {} at {} refused: {} held (limit {}, {} per address)",
                    peer, c.remoteAddr(), reservations(), config.maxReservations(), config.maxReservationsPerIp());
            answer(s, refused);
            return;
        }
        byte[] relayId = PeerId.toBytes(host.identity().publicIdentity().publicKey());
        byte[] voucher = new ReservationVoucher(relayId, PeerId.toBytes(c.remoteKey()), expire).seal(host.identity());
        HopMessage ok = new HopMessage(HopMessage.Type.STATUS, null, new Reservation(expire, ownAddrs(relayId), voucher),
                config.limit().isNone() ? null : config.limit(), CircuitStatus.OK);
        CircuitCodec.write(s.output(), ok);
        reservationsGranted.incrementAndGet();
        log.debug("reservation for {} until {}", peer, expire);
    }

    /** Our direct listen addresses with /p2p/<us>: where the reserving peer's dialers reach us. */
    private List<Multiaddr> ownAddrs(byte[] relayId) {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : host.listenAddrs()) {
            if (a.isRelayed() || out.size() >= CircuitCodec.MAX_ADDRS / 2) continue;
            try {
                out.add(a.with(Multiaddr.Protocol.P2P, relayId));
            } catch (MultiaddrException e) {
                // too long with the PeerId: leave it out
            }
        }
        return out;
    }

    private void pruneExpired() {
        long now = System.currentTimeMillis() / 1000;
        reservations.values().removeIf(h -> h.expireUnix <= now || !h.connection.isOpen());
    }

    private void connect(P2pStream src, HopMessage m) throws IOException {
        if (m.peer() == null) {
            answer(src, CircuitStatus.MALFORMED_MESSAGE);
            return;
        }
        String target = m.peer().peerId();
        String source = src.remotePeerId();
        Connection targetConnection;
        synchronized (this) {
            pruneExpired();
            Held h = reservations.get(target);
            targetConnection = h == null ? null : h.connection;
        }
        if (targetConnection == null) {
            answer(src, CircuitStatus.NO_RESERVATION);
            return;
        }
        if (!takeCircuit(source, target)) {
            peerLog.info("relay.circuit-refused", "circuit {} -> {} refused: {} circuits (limit {}, {} per peer)",
                    source, target, activeCircuits(), config.maxCircuits(), config.maxCircuitsPerPeer());
            answer(src, CircuitStatus.RESOURCE_LIMIT_EXCEEDED);
            return;
        }
        try {
            P2pStream dst;
            try {
                dst = targetConnection.newStream(List.of(STOP));
            } catch (IOException e) {
                answer(src, CircuitStatus.CONNECTION_FAILED);
                return;
            }
            CircuitLimit limit = config.limit().isNone() ? null : config.limit();
            Deadline d = host.deadline(dst::reset, MESSAGE_TIMEOUT);
            StopMessage reply;
            try {
                CircuitCodec.write(dst.output(), new StopMessage(StopMessage.Type.CONNECT,
                        new CircuitPeer(PeerId.toBytes(src.connection().remoteKey()), List.of()), limit, null));
                reply = CircuitCodec.readStop(dst.input());
            } catch (IOException e) {
                d.cancel();
                dst.reset();
                answer(src, CircuitStatus.CONNECTION_FAILED);
                return;
            }
            if (!d.cancel() || reply.type() != StopMessage.Type.STATUS || reply.status() != CircuitStatus.OK) {
                dst.reset();
                answer(src, CircuitStatus.CONNECTION_FAILED);
                return;
            }
            CircuitCodec.write(src.output(), new HopMessage(HopMessage.Type.STATUS, null, null, limit, CircuitStatus.OK));
            circuitsOpened.incrementAndGet();
            log.debug("circuit {} -> {} open", source, target);
            splice(src, dst);
        } finally {
            releaseCircuit(source, target);
        }
    }

    private synchronized boolean takeCircuit(String a, String b) {
        if (circuits >= config.maxCircuits() || circuitsPerPeer.getOrDefault(a, 0) >= config.maxCircuitsPerPeer()
                || circuitsPerPeer.getOrDefault(b, 0) >= config.maxCircuitsPerPeer()) {
            return false;
        }
        circuits++;
        circuitsPerPeer.merge(a, 1, Integer::sum);
        circuitsPerPeer.merge(b, 1, Integer::sum);
        return true;
    }

    private synchronized void releaseCircuit(String a, String b) {
        circuits--;
        circuitsPerPeer.computeIfPresent(a, (k, v) -> v == 1 ? null : v - 1);
        circuitsPerPeer.computeIfPresent(b, (k, v) -> v == 1 ? null : v - 1);
    }

    /**
     * Copies both directions until both ended; returns then (the host closes the hop stream when this
     * handler returns). A direction that hits the data limit, and the duration limit, reset both streams.
     */
    private void splice(P2pStream src, P2pStream dst) {
        Runnable resetBoth = () -> {
            src.reset();
            dst.reset();
        };
        Deadline duration = config.circuitDuration().isZero() ? () -> true : host.deadline(resetBoth, config.circuitDuration());
        CountDownLatch back = new CountDownLatch(1);
        try {
            host.execute(() -> {
                try {
                    copy(dst.input(), src, resetBoth);
                } finally {
                    back.countDown();
                }
            });
        } catch (RuntimeException e) { // host closing
            resetBoth.run();
            back.countDown();
        }
        copy(src.input(), dst, resetBoth);
        try {
            back.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resetBoth.run();
        }
        duration.cancel();
        try {
            dst.close(); // both directions ended: free the stop stream (the host closes the hop stream)
        } catch (IOException e) {
            dst.reset();
        }
    }

    /** One direction: bytes from {@code in} to {@code out}; at EOF a half-close, on an error or the data limit a reset. */
    private void copy(InputStream in, P2pStream out, Runnable resetBoth) {
        long limit = config.circuitData();
        long sent = 0;
        byte[] buf = new byte[COPY_BUFFER];
        try {
            OutputStream o = out.output();
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    out.closeWrite();
                    return;
                }
                if (limit > 0 && sent + n > limit) {
                    int allowed = (int) (limit - sent);
                    if (allowed > 0) o.write(buf, 0, allowed);
                    o.flush();
                    bytesRelayed.addAndGet(allowed);
                    log.debug("circuit with {} reached its data limit of {} bytes", out.remotePeerId(), limit);
                    resetBoth.run();
                    return;
                }
                o.write(buf, 0, n);
                o.flush();
                sent += n;
                bytesRelayed.addAndGet(n);
            }
        } catch (IOException | RuntimeException e) {
            resetBoth.run();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            reservations.clear();
        }
    }
}
