package net.sovereignbridge.p2p.autonat;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.autonat.AutonatMessage.Status;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.Deadline;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.HostListener;
import net.sovereignbridge.p2p.host.HostService;
import net.sovereignbridge.p2p.host.IdentifyInfo;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.Reachability;
import net.sovereignbridge.p2p.host.TcpConnectionTransport;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AutoNAT v1 {@code /libp2p/autonat/1.0.0} (docs/nat.md), client and server.
 *
 * <p>Server: a DIAL over a direct connection is answered by dialling the requester back, from a separate
 * host with a throw-away identity (so the dial opens a new connection from a new port, as a stranger's
 * would), at no more than {@link AutonatConfig#MAX_DIAL_BACKS} of its addresses, and only at addresses on
 * the IP we observe for its connection: we cannot be made to dial a third party. Requests are rate limited
 * in all and per peer; relayed connections are refused.
 *
 * <p>Client: peers whose identify lists the protocol are asked to dial our listen and observed addresses
 * back. When {@link AutonatConfig#confidence} distinct peers' latest answers agree (all OK, or all
 * E_DIAL_ERROR), the host's reachability is set to PUBLIC or PRIVATE, which the DHT's mode and the relay
 * service follow through the host's event.
 */
public final class AutonatService implements HostService, HostListener {
    public static final String PROTOCOL = "/libp2p/autonat/1.0.0";
    private static final Logger log = LoggerFactory.getLogger(AutonatService.class);
    private static final net.sovereignbridge.mesh.log.RateLimitedLog peerLog =
            net.sovereignbridge.mesh.log.RateLimitedLog.of(AutonatService.class);
    private static final long MINUTE_NANOS = 60_000_000_000L;
    private static final int MAX_KNOWN_SERVERS = 32;

    private final AutonatConfig config;
    private Host host;
    private Libp2pHost dialer;
    private final Deque<Long> served = new ArrayDeque<>();
    private final Map<String, Deque<Long>> servedPerPeer = new HashMap<>();
    /** Servers we may ask (PeerIds), oldest first. */
    private final LinkedHashMap<String, Boolean> servers = new LinkedHashMap<>();
    /** Each server's latest answer: true = dialled us back, false = could not. Most recent last. */
    private final LinkedHashMap<String, Boolean> answers = new LinkedHashMap<>();
    private final AtomicLong dialBacks = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final List<Multiaddr> lastDialled = new ArrayList<>();
    private Deadline refreshTimer;
    private volatile boolean closed;

    public AutonatService(AutonatConfig config) {
        this.config = config;
    }

    @Override
    public void attach(Host h) {
        if (host != null) throw new IllegalStateException("autonat already attached");
        host = h;
        if (config.server()) {
            dialer = Libp2pHost.builder(NodeIdentity.generate(new SecureRandom()))
                    .config(HostConfig.defaults().withHandshakeTimeout(config.dialTimeout()))
                    .transport(new TcpConnectionTransport()).build();
            h.setHandler(PROTOCOL, this::serve);
        }
        h.addListener(this);
    }

    // ---- figures, for tests and status

    /** {dial-backs that reached the requester, requests refused}. */
    public long[] counters() {
        return new long[] {dialBacks.get(), refusals.get()};
    }

    /** The addresses the latest request had us dial (after the observed-IP filter). */
    public synchronized List<Multiaddr> lastDialled() {
        return List.copyOf(lastDialled);
    }

    /** Each asked server's latest answer (true = dialled back). */
    public synchronized Map<String, Boolean> answers() {
        return Map.copyOf(answers);
    }

    // ---- server

    private void serve(P2pStream s) throws IOException {
        Deadline d = host.deadline(s::reset, config.dialTimeout().multipliedBy(2));
        AutonatMessage m;
        try {
            m = AutonatCodec.read(s.input());
        } catch (AutonatMessageException e) {
            d.cancel();
            peerLog.warn("autonat.bad", "autonat request from {}: {}", s.remotePeerId(), e.getMessage());
            answer(s, Status.E_BAD_REQUEST, e.error.name());
            return;
        }
        if (!d.cancel()) throw new IOException("autonat request timed out");
        Connection c = s.connection();
        if (m.dial() == null) {
            answer(s, Status.E_BAD_REQUEST, "expected DIAL");
            return;
        }
        if (!Arrays.equals(m.dial().peerId(), PeerId.toBytes(c.remoteKey()))) {
            answer(s, Status.E_BAD_REQUEST, "peer id is not the requester's");
            return;
        }
        if (c.remoteAddr().isRelayed()) {
            answer(s, Status.E_DIAL_REFUSED, "refused over a relayed connection");
            return;
        }
        String limited = admit(c.remotePeerId());
        if (limited != null) {
            answer(s, Status.E_DIAL_REFUSED, limited);
            return;
        }
        Multiaddr.Component observedIp = c.remoteAddr().components().get(0);
        List<Multiaddr> targets = new ArrayList<>();
        for (Multiaddr a : m.dial().addrs()) {
            List<Multiaddr.Component> ac = a.components();
            // only plain TCP on the IP this connection comes from: never a third party's address
            if (ac.size() == 2 && ac.get(0).equals(observedIp) && ac.get(1).protocol() == Multiaddr.Protocol.TCP
                    && !targets.contains(a) && targets.size() < AutonatConfig.MAX_DIAL_BACKS) {
                targets.add(a);
            }
        }
        synchronized (this) {
            lastDialled.clear();
            lastDialled.addAll(targets);
        }
        if (targets.isEmpty()) {
            answer(s, Status.E_DIAL_REFUSED, "no TCP address on the observed IP " + observedIp.valueText());
            return;
        }
        String why = "no address answered";
        for (Multiaddr a : targets) {
            try {
                Connection back = dialer.dial(a.with(Multiaddr.Protocol.P2P, m.dial().peerId()));
                back.close("autonat dial-back done");
                dialBacks.incrementAndGet();
                AutonatCodec.write(s.output(), AutonatMessage.response(Status.OK, null, a));
                return;
            } catch (IOException | MultiaddrException e) {
                why = e.getMessage();
            }
        }
        AutonatCodec.write(s.output(), AutonatMessage.response(Status.E_DIAL_ERROR, shorten(why), null));
    }

    private static String shorten(String s) {
        return s == null ? null : s.length() > 200 ? s.substring(0, 200) : s;
    }

    private void answer(P2pStream s, Status status, String text) throws IOException {
        refusals.incrementAndGet();
        AutonatCodec.write(s.output(), AutonatMessage.response(status, text, null));
    }

    /** Null when a dial-back for {@code peer} fits the rate limits (and counts it), else why not. */
    private synchronized String admit(String peer) {
        long now = System.nanoTime();
        while (!served.isEmpty() && now - served.peekFirst() > MINUTE_NANOS) served.pollFirst();
        servedPerPeer.values().forEach(q -> {
            while (!q.isEmpty() && now - q.peekFirst() > MINUTE_NANOS) q.pollFirst();
        });
        servedPerPeer.values().removeIf(Deque::isEmpty);
        if (served.size() >= config.dialsPerMinute()) return "rate limited: " + config.dialsPerMinute() + " dial-backs a minute";
        Deque<Long> mine = servedPerPeer.computeIfAbsent(peer, k -> new ArrayDeque<>());
        if (mine.size() >= config.perPeerPerMinute()) return "rate limited: " + config.perPeerPerMinute() + " dial-backs a minute per peer";
        served.addLast(now);
        mine.addLast(now);
        return null;
    }

    // ---- client

    @Override
    public void identified(Connection c, IdentifyInfo info) {
        if (c.remoteAddr().isRelayed() || !info.protocols().contains(PROTOCOL)) return;
        boolean askNow;
        synchronized (this) {
            if (servers.containsKey(c.remotePeerId())) return;
            if (servers.size() >= MAX_KNOWN_SERVERS) servers.remove(servers.keySet().iterator().next());
            servers.put(c.remotePeerId(), Boolean.TRUE);
            askNow = answers.size() < config.confidence() || !answers.containsKey(c.remotePeerId());
        }
        if (askNow) {
            try {
                host.execute(() -> ask(c.remotePeerId()));
            } catch (RuntimeException e) {
                // host closed
            }
        }
    }

    @Override
    public synchronized void disconnected(Connection c, String reason) {
        if (host.connection(c.remotePeerId()).isEmpty()) servers.remove(c.remotePeerId());
    }

    /** Asks one server to dial us back and records its answer; false when it could not be asked. */
    public boolean ask(String server) {
        if (closed) return false;
        List<Multiaddr> ours = ourAddrs();
        if (ours.isEmpty()) return false;
        AutonatMessage reply;
        try (P2pStream s = host.newStream(server, List.of(PROTOCOL))) {
            Deadline d = host.deadline(s::reset, config.dialTimeout().multipliedBy(3));
            try {
                AutonatCodec.write(s.output(), AutonatMessage.dial(PeerId.toBytes(host.identity().publicIdentity().publicKey()), ours));
                reply = AutonatCodec.read(s.input());
            } finally {
                d.cancel();
            }
        } catch (IOException e) {
            log.debug("autonat: asking {} failed: {}", server, e.getMessage());
            return false;
        }
        if (reply.response() == null) return false;
        Status st = reply.response().status();
        if (st != Status.OK && st != Status.E_DIAL_ERROR) {
            log.debug("autonat: {} answered {} ({})", server, st, reply.response().text());
            return false;
        }
        record(server, st == Status.OK, reply.response().addr());
        return true;
    }

    /** Our direct listen addresses and the addresses peers observed for us, without duplicates. */
    private List<Multiaddr> ourAddrs() {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : host.listenAddrs()) if (!a.isRelayed() && !out.contains(a) && out.size() < 16) out.add(a);
        for (Multiaddr a : host.observedAddrs().keySet()) if (!a.isRelayed() && !out.contains(a) && out.size() < 16) out.add(a);
        return out;
    }

    private void record(String server, boolean reached, Multiaddr addr) {
        Reachability decided = null;
        String reason;
        synchronized (this) {
            answers.remove(server);
            answers.put(server, reached);
            while (answers.size() > 2 * config.confidence()) answers.remove(answers.keySet().iterator().next());
            long yes = answers.values().stream().filter(b -> b).count();
            long no = answers.size() - yes;
            if (yes >= config.confidence() && yes > no) decided = Reachability.PUBLIC;
            else if (no >= config.confidence() && yes == 0) decided = Reachability.PRIVATE;
            reason = "autonat: " + yes + " of " + answers.size() + " peers dialled us back" + (addr != null ? " (at " + addr + ")" : "");
            scheduleRefresh(decided != null);
        }
        log.debug("autonat: {} {} us back", server, reached ? "dialled" : "could not dial");
        if (decided != null) host.setReachability(decided, reason);
    }

    private void scheduleRefresh(boolean known) {
        if (refreshTimer != null) refreshTimer.cancel();
        refreshTimer = host.deadline(() -> {
            try {
                host.execute(this::refresh);
            } catch (RuntimeException e) {
                // host closed
            }
        }, known ? config.refresh() : config.refresh().dividedBy(15));
    }

    private void refresh() {
        List<String> ask;
        synchronized (this) {
            ask = new ArrayList<>(servers.keySet());
        }
        int asked = 0;
        for (int i = ask.size() - 1; i >= 0 && asked < config.confidence(); i--) {
            if (ask(ask.get(i))) asked++;
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (refreshTimer != null) refreshTimer.cancel();
        }
        if (dialer != null) dialer.close();
    }
}
