package net.sovereignbridge.p2p.relay;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.ConnectionTransport;
import net.sovereignbridge.p2p.host.Deadline;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.HostListener;
import net.sovereignbridge.p2p.host.HostService;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.RawConnection;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of circuit relay v2, as a connection transport (docs/nat.md). Dialling
 * {@code <relay>/p2p/<R>/p2p-circuit/p2p/<T>} opens {@code hop} to R, sends CONNECT for T and, after
 * STATUS OK, hands the stream to the host, which upgrades it as it upgrades TCP (Noise and yamux inside).
 * Listening on {@code <relay>/p2p/<R>/p2p-circuit} reserves a slot on R, renews it before it expires
 * (and again after the connection to R was lost), and so adds {@code <relay>/p2p/<R>/p2p-circuit} to the
 * host's listen addresses, which identify and the DHT then advertise with our /p2p. Inbound circuits
 * arrive as {@code stop} streams from R and are upgraded as inbound connections; {@code stop} from a
 * relay we hold no reservation with is refused, and the stop protocol is served (and so listed by
 * identify) only while we hold or seek a reservation.
 *
 * <p>Add it to the host builder both as a transport and as a service.
 */
public final class CircuitTransport implements ConnectionTransport, HostService, HostListener {
    private static final Logger log = LoggerFactory.getLogger(CircuitTransport.class);
    private static final net.sovereignbridge.mesh.log.RateLimitedLog peerLog =
            net.sovereignbridge.mesh.log.RateLimitedLog.of(CircuitTransport.class);
    private static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_FIRST = Duration.ofSeconds(1);
    private static final Duration RETRY_MAX = Duration.ofMinutes(1);

    private Host host;
    /** Our reservations, by the relay's PeerId. */
    private final Map<String, RelayListener> listeners = new ConcurrentHashMap<>();

    @Override
    public void attach(Host h) {
        if (host != null) throw new IllegalStateException("circuit transport already attached");
        host = h;
        h.addListener(this);
    }

    // ---- addresses

    /** A relayed address split: the relay's address (ending in /p2p/R) and the target's PeerId bytes (or null). */
    record Parts(Multiaddr relay, String relayPeerId, byte[] target) {}

    static Parts split(Multiaddr addr) throws IOException {
        List<Multiaddr.Component> c = addr.components();
        int at = -1;
        for (int i = 0; i < c.size(); i++) {
            if (c.get(i).protocol() == Multiaddr.Protocol.P2P_CIRCUIT) {
                if (at >= 0) throw new IOException(addr + ": more than one /p2p-circuit (relay chains are not allowed)");
                at = i;
            }
        }
        if (at < 1 || c.get(at - 1).protocol() != Multiaddr.Protocol.P2P) {
            throw new IOException(addr + ": a relayed address needs /p2p/<relay> before /p2p-circuit");
        }
        byte[] target = null;
        if (at + 1 < c.size()) {
            if (at + 2 != c.size() || c.get(at + 1).protocol() != Multiaddr.Protocol.P2P) {
                throw new IOException(addr + ": after /p2p-circuit only /p2p/<target> may follow");
            }
            target = c.get(at + 1).value();
        }
        try {
            Multiaddr relay = Multiaddr.of(c.subList(0, at));
            return new Parts(relay, net.sovereignbridge.mesh.encoding.Base58.encode(c.get(at - 1).value()), target);
        } catch (MultiaddrException e) {
            throw new IOException(addr + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean canDial(Multiaddr addr) {
        return addr.isRelayed();
    }

    @Override
    public boolean canListen(Multiaddr addr) {
        List<Multiaddr.Component> c = addr.components();
        return addr.isRelayed() && c.get(c.size() - 1).protocol() == Multiaddr.Protocol.P2P_CIRCUIT;
    }

    // ---- dialling

    @Override
    public RawConnection dial(Multiaddr addr, int timeoutMs) throws IOException {
        Parts p = split(addr);
        if (p.target == null) throw new IOException(addr + ": a relayed dial needs /p2p/<target> after /p2p-circuit");
        P2pStream hop = host.newStream(p.relay, List.of(RelayService.HOP));
        if (hop.connection().remoteAddr().isRelayed()) {
            hop.reset();
            throw new IOException("relay " + p.relayPeerId + " is itself reached through a relay");
        }
        Deadline d = host.deadline(hop::reset, Duration.ofMillis(timeoutMs));
        HopMessage answer;
        try {
            CircuitCodec.write(hop.output(), HopMessage.connect(new CircuitPeer(p.target, List.of())));
            answer = CircuitCodec.readHop(hop.input());
        } catch (IOException e) {
            d.cancel();
            hop.reset();
            throw new IOException("relay " + p.relayPeerId + ": circuit to " + net.sovereignbridge.mesh.encoding.Base58.encode(p.target)
                    + " failed: " + e.getMessage(), e);
        }
        if (!d.cancel()) throw new IOException("relay " + p.relayPeerId + " did not answer CONNECT in " + timeoutMs + " ms");
        if (answer.type() != HopMessage.Type.STATUS || answer.status() != CircuitStatus.OK) {
            hop.reset();
            throw new IOException("relay " + p.relayPeerId + " refused the circuit to "
                    + net.sovereignbridge.mesh.encoding.Base58.encode(p.target) + ": " + (answer.status() == null ? answer.type() : answer.status()));
        }
        return new StreamRawConnection(hop, circuitAddr(p.relay), hop.connection().localAddr());
    }

    private static Multiaddr circuitAddr(Multiaddr relay) throws IOException {
        try {
            return relay.with(Multiaddr.Protocol.P2P_CIRCUIT, new byte[0]);
        } catch (MultiaddrException e) {
            throw new IOException(relay + "/p2p-circuit: " + e.getMessage(), e);
        }
    }

    // ---- listening: reservations

    @Override
    public Listener listen(Multiaddr addr, Consumer<RawConnection> accepted) throws IOException {
        Parts p = split(addr);
        RelayListener l = new RelayListener(p, addr, accepted);
        if (listeners.putIfAbsent(p.relayPeerId, l) != null) throw new IOException("already listening through relay " + p.relayPeerId);
        // stop is served only while we hold (or are making) a reservation: nobody else has a reason to use it
        host.setHandler(RelayService.STOP, this::serveStop);
        try {
            l.reserve();
        } catch (IOException e) {
            l.close();
            throw e;
        }
        return Listener.of(addr, l::close);
    }

    /** Reservations made (renewals included) with the relay of that PeerId; 0 when we hold none there. */
    public long reservationsMade(String relayPeerId) {
        RelayListener l = listeners.get(relayPeerId);
        return l == null ? 0 : l.made.get();
    }

    /** When our reservation with that relay expires (unix s), 0 when we hold none there. */
    public long reservationExpiry(String relayPeerId) {
        RelayListener l = listeners.get(relayPeerId);
        return l == null ? 0 : l.expireUnix;
    }

    @Override
    public void disconnected(Connection c, String reason) {
        RelayListener l = listeners.get(c.remotePeerId());
        if (l != null && host.connection(c.remotePeerId()).isEmpty()) {
            log.info("connection to relay {} lost ({}): reserving again", c.remotePeerId(), reason);
            l.schedule(RETRY_FIRST);
        }
    }

    private final class RelayListener {
        final Parts parts;
        final Multiaddr address;
        final Consumer<RawConnection> accepted;
        final AtomicLong made = new AtomicLong();
        volatile long expireUnix;
        volatile boolean closed;
        private Deadline timer;
        private Duration retry = RETRY_FIRST;

        RelayListener(Parts parts, Multiaddr address, Consumer<RawConnection> accepted) {
            this.parts = parts;
            this.address = address;
            this.accepted = accepted;
        }

        void reserve() throws IOException {
            P2pStream s = host.newStream(parts.relay, List.of(RelayService.HOP));
            Deadline d = host.deadline(s::reset, MESSAGE_TIMEOUT);
            HopMessage answer;
            try {
                if (s.connection().remoteAddr().isRelayed()) throw new IOException("the relay is itself reached through a relay");
                CircuitCodec.write(s.output(), HopMessage.reserve());
                answer = CircuitCodec.readHop(s.input());
            } catch (IOException e) {
                d.cancel();
                s.reset();
                throw new IOException("reservation with relay " + parts.relayPeerId + " failed: " + e.getMessage(), e);
            }
            if (!d.cancel()) throw new IOException("relay " + parts.relayPeerId + " did not answer RESERVE in time");
            try {
                s.close();
            } catch (IOException e) {
                // the answer is in; how the stream ends does not matter
            }
            if (answer.type() != HopMessage.Type.STATUS || answer.status() != CircuitStatus.OK || answer.reservation() == null) {
                throw new IOException("relay " + parts.relayPeerId + " refused the reservation: "
                        + (answer.status() == null ? answer.type() : answer.status()));
            }
            Reservation r = answer.reservation();
            if (r.voucher() != null) {
                try {
                    ReservationVoucher v = ReservationVoucher.open(r.voucher(), s.connection().remoteKey());
                    if (!Arrays.equals(v.peer(), PeerId.toBytes(host.identity().publicIdentity().publicKey()))) {
                        throw new IOException("the voucher names another peer");
                    }
                } catch (IOException e) {
                    throw new IOException("relay " + parts.relayPeerId + " sent a bad reservation voucher: " + e.getMessage(), e);
                }
            }
            expireUnix = r.expireUnixSeconds();
            made.incrementAndGet();
            retry = RETRY_FIRST;
            long left = expireUnix - System.currentTimeMillis() / 1000;
            // renew when three quarters of the reservation's time have passed, so a slow renewal still lands in time
            schedule(Duration.ofSeconds(Math.max(1, left * 3 / 4)));
            log.info("reservation with relay {} until {} ({} s; limit {})", parts.relayPeerId, expireUnix, left, answer.limit());
        }

        synchronized void schedule(Duration delay) {
            if (closed) return;
            if (timer != null) timer.cancel();
            timer = host.deadline(() -> {
                try {
                    host.execute(this::renew);
                } catch (RuntimeException e) {
                    // host closed
                }
            }, delay);
        }

        private void renew() {
            if (closed) return;
            try {
                reserve();
            } catch (IOException e) {
                Duration wait;
                synchronized (this) {
                    wait = retry;
                    retry = retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retry.multipliedBy(2);
                }
                log.warn("renewing the reservation with relay {} failed, again in {} s: {}", parts.relayPeerId, wait.toSeconds(), e.getMessage());
                schedule(wait);
            }
        }

        void close() {
            synchronized (this) {
                closed = true;
                if (timer != null) timer.cancel();
            }
            listeners.remove(parts.relayPeerId, this);
            if (listeners.isEmpty()) host.removeHandler(RelayService.STOP);
        }
    }

    // ---- inbound circuits

    private void serveStop(P2pStream s) throws IOException {
        Deadline d = host.deadline(s::reset, MESSAGE_TIMEOUT);
        StopMessage m;
        try {
            m = CircuitCodec.readStop(s.input());
        } catch (CircuitMessageException e) {
            d.cancel();
            peerLog.warn("relay.bad-stop", "stop message from {}: {}", s.remotePeerId(), e.getMessage());
            CircuitCodec.write(s.output(), StopMessage.status(CircuitStatus.MALFORMED_MESSAGE));
            return;
        }
        if (!d.cancel()) throw new IOException("stop message timed out");
        RelayListener l = listeners.get(s.remotePeerId());
        if (l == null || l.closed) {
            peerLog.info("relay.stop-refused", "circuit offered by {} refused: we hold no reservation there", s.remotePeerId());
            CircuitCodec.write(s.output(), StopMessage.status(CircuitStatus.PERMISSION_DENIED));
            return;
        }
        if (m.type() != StopMessage.Type.CONNECT || m.peer() == null) {
            CircuitCodec.write(s.output(), StopMessage.status(m.type() != StopMessage.Type.CONNECT
                    ? CircuitStatus.UNEXPECTED_MESSAGE : CircuitStatus.MALFORMED_MESSAGE));
            return;
        }
        CircuitCodec.write(s.output(), StopMessage.status(CircuitStatus.OK));
        log.debug("inbound circuit from {} through relay {} (limit {})", m.peer().peerId(), l.parts.relayPeerId, m.limit());
        StreamRawConnection raw = new StreamRawConnection(s, circuitAddr(l.parts.relay), s.connection().localAddr());
        l.accepted.accept(raw);
        // the stream is the connection now: hold it until the upgraded connection (or the relay) ends it
        try {
            while (!raw.awaitClosed(30, TimeUnit.SECONDS)) {
                if (!s.connection().isOpen()) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (RelayListener l : listeners.values()) l.close();
    }
}
