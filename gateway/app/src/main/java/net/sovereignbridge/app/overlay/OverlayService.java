package net.sovereignbridge.app.overlay;

import static net.sovereignbridge.app.control.ControlServer.ok;

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.p2p.StandardHost;
import net.sovereignbridge.p2p.autonat.AutonatService;
import net.sovereignbridge.p2p.relay.ConfiguredRelays;
import net.sovereignbridge.p2p.relay.RelayService;
import net.sovereignbridge.p2p.connmgr.Backoff;
import net.sovereignbridge.p2p.connmgr.ConnectionManager;
import net.sovereignbridge.p2p.connmgr.HostBinding;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.IdentifyInfo;
import net.sovereignbridge.p2p.host.Reachability;
import net.sovereignbridge.p2p.mesh.MeshOverlayTransport;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.peerstore.PeerStore;
import net.sovereignbridge.p2p.ping.PingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one libp2p host and what hangs on it: the peer store in {@code sbridge.db}, the
 * connection manager (limits, static peers redialled with backoff) plugged in through
 * {@link HostBinding}, and the mesh overlay transport ({@code /sbridge/mesh/1.0.0}). The DHT opens its
 * streams on this host too. The host's reachability starts from the configuration
 * ({@link #configuredReachability}); the DHT's server mode follows it.
 *
 * <p>A listen address that cannot be bound (port taken) is logged and reported; the overlay runs on
 * the others. When none binds, {@link #start} fails and the daemon runs without the overlay.
 */
public final class OverlayService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OverlayService.class);
    static final int MAX_PING_COUNT = 100;

    private final P2pSettings settings;
    private final Host host;
    private final PeerStore peerStore;
    private final ConnectionManager manager;
    private final MeshOverlayTransport transport;
    private final List<String> listenProblems;

    private OverlayService(P2pSettings settings, Host host, PeerStore peerStore, ConnectionManager manager,
            List<String> listenProblems) {
        this.settings = settings;
        this.host = host;
        this.peerStore = peerStore;
        this.manager = manager;
        this.listenProblems = List.copyOf(listenProblems);
        this.transport = new MeshOverlayTransport(host, this::knownAddresses);
    }

    /**
     * Binds the listeners, opens the peer store and starts keeping the static peers connected. The mesh
     * transport ({@link #transport()}) is started by the node's transport manager.
     *
     * @throws IOException when no listen address could be bound (the message names each and why)
     */
    public static OverlayService start(P2pSettings settings, NodeIdentity identity, Database db) throws IOException, SQLException {
        var builder = StandardHost.builder(identity, HostBinding.hostConfig(settings.limits(), HostConfig.defaults()))
                .service(new RelayService(settings.relayService()));
        if (settings.autonat() != null) builder.service(new AutonatService(settings.autonat()));
        Host host = builder.build();
        List<String> problems = new ArrayList<>();
        int bound = 0;
        for (Multiaddr a : settings.listen()) {
            try {
                host.listen(a);
                bound++;
            } catch (IOException | RuntimeException e) {
                String why = "cannot listen on " + a + ": " + describe(a, e);
                problems.add(why);
                log.error("overlay: {}", why);
            }
        }
        if (bound == 0) {
            host.close();
            throw new IOException(String.join("; ", problems));
        }
        Map.Entry<Reachability, String> reachability = configuredReachability(settings, host.listenAddrs());
        host.setReachability(reachability.getKey(), reachability.getValue());
        try {
            PeerStore peerStore = new PeerStore(new DatabaseStore(db));
            ConnectionManager manager = new ConnectionManager(settings.limits(), Backoff.DEFAULT, peerStore, new SecureRandom());
            HostBinding.attach(host, manager, peerStore);
            OverlayService s = new OverlayService(settings, host, peerStore, manager, problems);
            for (Multiaddr p : settings.staticPeers()) {
                manager.addStaticPeer(p);
                peerStore.addAddresses(p.trailingPeerId().value(), List.of(p.withoutPeerId()), PeerStore.Source.CONFIG);
            }
            ConfiguredRelays.keep(host, settings.relays());
            manager.start();
            return s;
        } catch (SQLException | RuntimeException e) {
            host.close();
            throw e;
        }
    }

    /** The reason without a repeated "cannot listen on ..." prefix, with a hint when the port is taken. */
    private static String describe(Multiaddr a, Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        String prefix = "cannot listen on " + a + ": ";
        if (m.startsWith(prefix)) m = m.substring(prefix.length());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || m.contains("Address already in use")) {
                return m + " (port taken by another program?)";
            }
        }
        return m;
    }

    /**
     * Reachability as far as the configuration tells: PUBLIC with an announced address, a listener bound
     * to one specific address, or a public address on an interface; otherwise UNKNOWN (behind NAT, until
     * AutoNAT decides). With the reason, for the log and the host's event.
     */
    static Map.Entry<Reachability, String> configuredReachability(P2pSettings settings, List<Multiaddr> listenAddrs) {
        if (!settings.announce().isEmpty()) return Map.entry(Reachability.PUBLIC, "configuration: p2p.announce is set");
        if (settings.boundOrAnnounced()) {
            return Map.entry(Reachability.PUBLIC, "configuration: p2p.listen binds a specific address");
        }
        for (Multiaddr a : listenAddrs) {
            if (isPublic(a)) return Map.entry(Reachability.PUBLIC, "configuration: interface address " + a + " is public");
        }
        return Map.entry(Reachability.UNKNOWN, "configuration: only private or loopback addresses and nothing announced");
    }

    /** A global unicast IP: not loopback, private (RFC 1918, fc00::/7), link-local, wildcard or CGNAT (100.64/10). */
    static boolean isPublic(Multiaddr address) {
        List<Multiaddr.Component> c = address.components();
        if (c.isEmpty() || (c.get(0).protocol() != Multiaddr.Protocol.IP4 && c.get(0).protocol() != Multiaddr.Protocol.IP6)) {
            return false;
        }
        try {
            java.net.InetAddress a = java.net.InetAddress.getByAddress(c.get(0).value());
            if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) return false;
            byte[] b = a.getAddress();
            if (a instanceof java.net.Inet4Address && (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64) return false;
            return a instanceof java.net.Inet4Address || (b[0] & 0xFE) != 0xFC;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    public Host host() {
        return host;
    }

    public MeshOverlayTransport transport() {
        return transport;
    }

    public PeerStore peerStore() {
        return peerStore;
    }

    public P2pSettings settings() {
        return settings;
    }

    /** Listen addresses that failed to bind, with the reason (empty when all are up). */
    public List<String> listenProblems() {
        return listenProblems;
    }

    /** Our listen addresses ending in /p2p/PEERID, as printed at start and given to other gateways. */
    public List<String> fullListenAddrs() {
        return host.fullListenAddrs().stream().map(Multiaddr::toString).toList();
    }

    /**
     * Addresses learned from the DHT (a bridge's signed contact record): into the peer store, so the mesh
     * transport can dial that bridge. Addresses that do not decode are skipped.
     */
    public void learnFromDht(byte[] peerId, List<byte[]> addrs) {
        List<Multiaddr> list = new ArrayList<>();
        for (byte[] a : addrs) {
            try {
                list.add(Multiaddr.decode(a).withoutPeerId());
            } catch (MultiaddrException e) {
                // not ours to dial
            }
        }
        if (!list.isEmpty()) peerStore.addAddresses(peerId, list, PeerStore.Source.DHT);
    }

    /** Addresses to dial a peer we are not connected to: the peer store's, best source first. */
    private List<Multiaddr> knownAddresses(String peerId) {
        try {
            return peerStore.get(PeerId.toBytes(PeerId.decode(peerId))).map(r -> r.addresses().stream()
                    .map(PeerStore.AddressRecord::address).toList()).orElse(List.of());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    // ---- control channel

    public Map<String, Object> handle(String op, Map<String, Object> request) throws IOException {
        return switch (op) {
            case "p2p-peers" -> peers();
            case "p2p-ping" -> ping(request);
            case "p2p-status" -> status();
            default -> throw new IllegalArgumentException("unknown op '" + op + "'");
        };
    }

    public Map<String, Object> status() {
        Map<String, Object> out = ok();
        out.put("peerId", host.peerId());
        out.put("listen", fullListenAddrs());
        out.put("listenProblems", listenProblems);
        out.put("reachability", host.reachability().name());
        out.put("announce", settings.announce().stream().map(OverlayService::text).toList());
        out.put("connections", host.connections().size());
        out.put("meshNeighbours", transport.neighbours().size());
        out.put("staticPeers", settings.staticPeers().stream().map(Multiaddr::toString).toList());
        out.put("knownPeers", peerStore.peerCount());
        return out;
    }

    /** Connected peers: addresses, protocols, agent, mesh capability, last RTT. */
    private Map<String, Object> peers() {
        Map<String, Map<String, Object>> byPeer = new LinkedHashMap<>();
        for (Connection c : host.connections()) {
            if (!c.isOpen()) continue;
            Map<String, Object> p = byPeer.computeIfAbsent(c.remotePeerId(), id -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("peerId", id);
                m.put("connections", new ArrayList<Object>());
                IdentifyInfo info = host.peerInfo(id).orElse(null);
                m.put("agent", info == null ? "" : info.agentVersion());
                m.put("protocols", info == null ? List.of() : info.protocols());
                m.put("listenAddrs", info == null ? List.of() : info.listenAddrs().stream().map(Multiaddr::toString).toList());
                m.put("mesh", info != null && info.supports(MeshOverlayTransport.PROTOCOL));
                m.put("rttMs", transport.rttMillis(id));
                return m;
            });
            Map<String, Object> conn = new LinkedHashMap<>();
            conn.put("remote", c.remoteAddr().toString());
            conn.put("direction", c.outbound() ? "outbound" : "inbound");
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) p.get("connections");
            list.add(conn);
        }
        Map<String, Object> out = ok();
        out.put("peers", new ArrayList<>(byPeer.values()));
        return out;
    }

    /** Dials MULTIADDR (reusing a connection to its /p2p peer) and pings it {@code count} times, 1 s apart. */
    private Map<String, Object> ping(Map<String, Object> request) throws IOException {
        if (!(request.get("address") instanceof String text)) throw new IllegalArgumentException("p2p-ping needs 'address'");
        long count = request.get("count") instanceof Long n ? n : 3;
        if (count < 1 || count > MAX_PING_COUNT) throw new IllegalArgumentException("count must be 1.." + MAX_PING_COUNT);
        Multiaddr target;
        try {
            target = P2pSettings.dialable(text, text.contains("/p2p/"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("p2p ping: " + e.getMessage());
        }
        Connection c = host.dial(target);
        List<Object> rtts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i > 0) sleep(Duration.ofSeconds(1));
            Duration d = PingService.ping(host, c.remotePeerId());
            rtts.add(d.toNanos() / 1_000_000.0);
        }
        Map<String, Object> out = ok();
        out.put("peerId", c.remotePeerId());
        out.put("remote", c.remoteAddr().toString());
        out.put("rttMs", rtts);
        return out;
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    static String text(byte[] multiaddr) {
        try {
            return Multiaddr.decode(multiaddr).toString();
        } catch (MultiaddrException e) {
            return "?";
        }
    }

    @Override
    public void close() {
        transport.stop();
        manager.close();
        host.close();
    }
}
