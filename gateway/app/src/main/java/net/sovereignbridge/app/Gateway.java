package net.sovereignbridge.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.control.ControlServer;
import net.sovereignbridge.app.dht.DhtService;
import net.sovereignbridge.app.overlay.OverlayService;
import net.sovereignbridge.app.services.LocalServices;
import net.sovereignbridge.app.services.MessageViews;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.TransportSettings;
import net.sovereignbridge.app.web.GatewayView;
import net.sovereignbridge.app.web.WebServer;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.identity.IdentityFile;
import net.sovereignbridge.mesh.identity.IdentityFileException;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendException;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportCounters;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running daemon: wires identity, storage, transports, the node and the control channel together. */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final NodeIdentity identity;
    private final Database db;
    private final TransportManager transports;
    private final Node node;
    /** Configured transports that could not be brought up, and services that could not start: id to reason. */
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    /** The kind of each configured transport the node runs, by id (the overlay is a service, not configured). */
    private final Map<String, String> types = new LinkedHashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** The serial GPS when {@code gps.device} is set, else null. */
    private net.sovereignbridge.app.gps.GpsService gps;
    private ControlServer control;
    private LocalServices services;
    private DhtService dht;
    private OverlayService overlay;
    private net.sovereignbridge.app.content.ContentService content;
    private WebServer web;
    /** Why the web server is not running although enabled (port taken); null when it runs or is off. */
    private String webUnavailable;

    private Gateway(GatewayConfig config, NodeIdentity identity, Database db) throws SQLException {
        this.config = config;
        this.identity = identity;
        this.db = db;
        this.transports = new TransportManager();
        this.node = new Node(identity, db, transports, Node.Options.defaults().withName(config.nodeName())
                .withHopLimit(config.hopLimit())
                .withAnnounceInterval(config.announceIntervalSeconds() * 1000L)
                .withAnnounceAirtimeShare(config.routing().announceAirtimeShare())
                .withCustodyLimits(config.custody()), Clock.systemUTC());
        config.routing().position().ifPresent(node::setPosition);
    }

    /** Loads the identity (refusing an unsafe key file), opens storage, starts transports and the control channel. */
    public static Gateway start(GatewayConfig config) throws IdentityFileException, SQLException, IOException {
        NodeIdentity identity = IdentityFile.loadOrCreate(config.stateDir(), new SecureRandom());
        Database db = Database.open(config.stateDir());
        Gateway g = new Gateway(config, identity, db);
        try {
            g.addTransports();
            g.startOverlay();
            g.node.start();
            g.startDht();
            g.content = net.sovereignbridge.app.content.ContentService.start(config.content(), db,
                    g.overlay == null ? null : g.overlay.host());
            if (config.gps().enabled()) {
                // a position in the configuration wins; else the fix sets the geohash the node announces
                boolean fixedPosition = config.routing().position().isPresent();
                int precision = config.gps().geohashPrecision();
                g.gps = net.sovereignbridge.app.gps.GpsService.start(config.gps(),
                        new net.sovereignbridge.drivers.kiss.JSerialCommOpener(), java.time.Clock.systemUTC(), fix -> {
                            if (fixedPosition || !fix.valid()) return;
                            String here = net.sovereignbridge.mesh.routing.Geohash.encode(fix.latitude(),
                                    fix.longitude(), precision);
                            if (!here.equals(g.node.position().orElse(null))) g.node.setPosition(here);
                        });
            }
            g.control = ControlServer.start(config.stateDir(), g::handle);
            DhtService dht = g.dht;
            g.services = LocalServices.start(config.coap(), config.mqtt(), g.node, g::serviceStatus, config.stateDir(),
                    dht == null ? null : key -> dht.handle("dht-get", Map.of("key", java.util.HexFormat.of().formatHex(key))));
            g.startWeb();
        } catch (IOException | RuntimeException e) {
            g.close();
            throw e;
        }
        return g;
    }

    /** Brings every configured transport up; one that cannot run here is reported, not fatal. */
    private void addTransports() {
        for (TransportSettings t : config.transports()) bringUp(t);
    }

    /** @return null when the transport was added to the node, else why not */
    private String bringUp(TransportSettings t) {
        TransportFactory.Outcome outcome = t.bringUp(new TransportContext(identity.address(), config.stateDir(), node));
        if (outcome instanceof TransportFactory.Up up) {
            resources.add(up.resources());
            transports.add(up.transport());
            types.put(t.id(), t.type());
            unavailable.remove(t.id());
            return null;
        }
        String reason = ((TransportFactory.Down) outcome).reason();
        // A configured radio that is absent is reported, not fatal: the rest of the node still serves.
        unavailable.put(t.id(), reason);
        log.warn("transport {} ({}) not available: {}", t.id(), t.type(), reason);
        return reason;
    }

    /**
     * {@code sbridge transport start ID}: the operator's way back from UNAVAILABLE once the cause is fixed (SPI
     * enabled, user in group spi, HAT seated). A configured transport that could not be brought up is brought up
     * again from its settings; one the node has is started again. The configuration is not re-read.
     */
    private synchronized Map<String, Object> startTransport(Map<String, Object> request) {
        if (!(request.get("id") instanceof String id)) throw new IllegalArgumentException("transport-start needs 'id'");
        Map<String, Object> out = new LinkedHashMap<>();
        if (transports.get(id) == null) {
            var settings = config.transport(id);
            if (settings.isEmpty()) {
                List<String> known = new ArrayList<>();
                transports.all().forEach(t -> known.add(t.id()));
                known.addAll(unavailable.keySet());
                throw new IllegalArgumentException("no transport '" + id + "' (this daemon has: " + String.join(", ", known)
                        + ")" + (unavailable.containsKey(id) ? "; it is a service: restart the daemon" : ""));
            }
            String why = bringUp(settings.get());
            if (why != null) {
                out.put("ok", false);
                out.put("id", id);
                out.put("error", "still unavailable: " + why);
                return out;
            }
        }
        Transport t = transports.get(id);
        if (t.state() == net.sovereignbridge.mesh.transport.TransportState.ACTIVE) {
            out.put("ok", true);
            out.put("id", id);
            out.put("state", t.state().name());
            out.put("reason", "already active");
            return out;
        }
        transports.start(id);
        log.info("transport {} started by the operator: {}", id, t.state());
        out.put("ok", true);
        out.put("id", id);
        out.put("state", t.state().name());
        out.put("reason", transports.lastReason(id));
        return out;
    }

    /**
     * The libp2p host and the mesh overlay transport, when {@code p2p.enabled} (the default). A listener
     * that cannot bind is like a radio that is absent: reported, the rest of the node still serves.
     */
    private void startOverlay() throws SQLException {
        if (!config.p2p().enabled()) return;
        try {
            overlay = OverlayService.start(config.p2p(), identity, db);
            transports.add(overlay.transport());
            for (String a : overlay.fullListenAddrs()) log.info("overlay listening on {}", a);
        } catch (IOException e) {
            unavailable.put("overlay", e.getMessage());
            log.error("overlay not available, running without it: {}", e.getMessage());
        }
    }

    /** The DHT, when {@code dht.enabled} (or bootstrap peers, or the bootstrap role) asks for it. */
    private void startDht() throws SQLException {
        if (!config.dht().enabled()) return;
        if (overlay == null) {
            unavailable.put("dht", "the overlay is unavailable: " + unavailable.getOrDefault("overlay", "not running"));
            log.warn("DHT not available: {}", unavailable.get("dht"));
            return;
        }
        dht = DhtService.start(config.dht(), identity, db, node, overlay.host(), config.p2p().announce());
        node.setOverlayBridges(dht.bridges());
        OverlayService o = overlay;
        dht.bridges().onFound(b -> o.learnFromDht(b.peer().id(), b.peer().addrs()));
    }

    /**
     * The dashboard and {@code /metrics}, when {@code web.enabled} (the default, on loopback). A port that is
     * taken is reported like an absent radio: the node still serves.
     */
    private void startWeb() throws IOException {
        if (!config.web().enabled()) return;
        try {
            web = WebServer.start(config.web(), config.stateDir(), new View(), Main.VERSION);
        } catch (java.net.BindException e) {
            webUnavailable = e.getMessage();
            log.warn("web dashboard not available: {}", e.getMessage());
        }
        // any other IOException is an unsafe token file: start refuses rather than serve with a secret others read
    }

    /** The dashboard server, or null when it is off or could not listen. */
    public WebServer web() {
        return web;
    }

    /** What the web server reads: the status, the neighbours as their transports measured them, own messages. */
    private final class View implements GatewayView {
        @Override
        public Map<String, Object> status() throws SQLException {
            return Gateway.this.status();
        }

        @Override
        public List<NeighbourView> neighbours() {
            Map<net.sovereignbridge.mesh.transport.Endpoint, String> addressOf = new java.util.HashMap<>();
            node.neighbours().snapshot().forEach((address, endpoints) -> endpoints.forEach(e -> addressOf.put(e, address.toHex())));
            List<NeighbourView> out = new ArrayList<>();
            for (Transport t : transports.all()) {
                for (var n : t.neighbours()) {
                    var q = n.quality();
                    out.add(new NeighbourView(t.id(), n.endpoint().value(), addressOf.getOrDefault(n.endpoint(), ""),
                            q.rssiDbm(), q.snrDb(), q.rttMillis(), q.lossRatio(), n.lastHeard()));
                }
            }
            return out;
        }

        @Override
        public Map<String, Long> ownMessagesByState() throws SQLException {
            Map<String, Long> out = new LinkedHashMap<>();
            node.custody().ownCountsByState().forEach((state, n) -> out.put(state.name(), n));
            return out;
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> messages(int limit) throws SQLException {
            return (List<Map<String, Object>>) (List<?>) Gateway.this.messages(Map.of("limit", (long) limit)).get("messages");
        }
    }

    /** The overlay service, or null when it is off or could not listen. */
    public OverlayService overlay() {
        return overlay;
    }

    /** The DHT service, or null when it is not running. */
    public DhtService dht() {
        return dht;
    }

    public Node node() {
        return node;
    }

    public NodeIdentity identity() {
        return identity;
    }

    public GatewayConfig config() {
        return config;
    }

    /** CoAP and MQTT for local devices (null only while starting). */
    public LocalServices services() {
        return services;
    }

    /** The status map for the local services' {@code /node} and {@code /peers}. */
    private Map<String, Object> serviceStatus() {
        try {
            return status();
        } catch (SQLException e) {
            throw new IllegalStateException("database: " + e.getMessage(), e);
        }
    }

    public ControlServer control() {
        return control;
    }

    /**
     * The node runs, its receive and timer threads take work within 10 s, and its database answers: checked
     * before each systemd watchdog ping (every WatchdogSec/2 = 30 s with the shipped unit).
     */
    public boolean healthy() {
        if (!node.healthy(10_000)) return false;
        try {
            return db.withConnection(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT 1")) {
                    return rs.next();
                }
            });
        } catch (SQLException e) {
            log.warn("health check: database does not answer: {}", e.getMessage());
            return false;
        }
    }

    /** One line for systemd's STATUS=. */
    public String statusLine() {
        // Links only: the store-and-carry bundle transport is never "active" and would read as a fault.
        var links = transports.all().stream().filter(t -> t.profile().kind() != TransportKind.STORE_AND_CARRY).toList();
        long active = links.stream().filter(t -> t.state().canSend()).count();
        return "address " + identity.address().toHex() + ", " + active + "/" + links.size()
                + " transports active, " + node.peers().all().size() + " peers known";
    }

    /** Human-readable endpoints for the start-up banner. */
    public List<String> endpoints() {
        List<String> out = new ArrayList<>();
        for (Transport t : transports.all()) {
            StringBuilder line = new StringBuilder(t.id() + " " + t.state());
            // the transport's own words for where it is (udp address, sub-band); its counters are in the status
            t.statusFields().forEach((k, v) -> {
                if (v instanceof String text && !text.isEmpty()) line.append(' ').append(k).append(' ').append(text);
            });
            out.add(line.toString());
        }
        unavailable.forEach((id, why) -> out.add(id + " UNAVAILABLE: " + why));
        // the listen addresses themselves are printed by run as "listen" lines
        if (overlay != null) for (String p : overlay.listenProblems()) out.add("overlay " + p);
        if (dht != null) out.addAll(dht.endpoints());
        if (services != null) out.addAll(services.endpoints());
        if (web != null) out.add(web.endpoint());
        if (webUnavailable != null) out.add("web UNAVAILABLE: " + webUnavailable);
        return out;
    }

    Map<String, Object> handle(Map<String, Object> request) throws Exception {
        String op = String.valueOf(request.get("op"));
        return switch (op) {
            case "send" -> send(request);
            case "inbox" -> inbox(request);
            case "status" -> status();
            case "identity" -> identityView();
            case "messages" -> messages(request);
            case "bundle-export" -> bundleExport();
            case "bundle-import" -> bundleImport(request);
            case "transport-start" -> startTransport(request);
            default -> {
                if (op.startsWith("content-")) yield content.handle(op, request);
                if (op.startsWith("p2p-")) {
                    if (overlay == null) {
                        throw new IllegalArgumentException(unavailable.containsKey("overlay") ? "the overlay is unavailable: "
                                + unavailable.get("overlay") : "the overlay is off on this daemon (p2p.enabled: false)");
                    }
                    yield overlay.handle(op, request);
                }
                if (!op.startsWith("dht-")) throw new IllegalArgumentException("unknown op '" + op + "'");
                if (dht == null) {
                    throw new IllegalArgumentException(unavailable.containsKey("dht") ? "the DHT is unavailable: "
                            + unavailable.get("dht") : "the DHT is not enabled on this daemon (set dht.enabled, or give"
                            + " bootstrap peers in dht.bootstrap; docs/configuration.md)");
                }
                yield dht.handle(op, request);
            }
        };
    }

    private Map<String, Object> send(Map<String, Object> request) {
        Object to = request.get("to");
        Object text = request.get("text");
        if (!(to instanceof String) || !(text instanceof String)) {
            throw new IllegalArgumentException("send needs string fields 'to' and 'text'");
        }
        MeshAddress destination = MeshAddress.parse((String) to);
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            SendResult sent = node.send(destination, ((String) text).getBytes(StandardCharsets.UTF_8),
                    SendOptions.defaults());
            out.put("ok", true);
            out.put("messageId", Integer.toUnsignedLong(sent.messageId()));
            out.put("to", destination.toHex());
            out.put("state", sent.state().name().toLowerCase(java.util.Locale.ROOT));
            out.put("via", sent.via() == null ? "" : sent.via());
        } catch (SendException e) {
            out.put("ok", false);
            out.put("reason", e.reason().name());
            out.put("error", e.getMessage());
        }
        return out;
    }

    private Map<String, Object> inbox(Map<String, Object> request) throws SQLException {
        long after = request.get("after") instanceof Long l ? l : 0L;
        List<Object> messages = new ArrayList<>();
        for (Inbox.Message m : node.inbox().list(after, 1000)) messages.add(MessageViews.message(m, false));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("messages", messages);
        return out;
    }

    private Map<String, Object> bundleExport() throws SQLException {
        byte[] file = node.exportBundle();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("bytes", file.length);
        out.put("bundle", Base64.getEncoder().encodeToString(file));
        return out;
    }

    /** The identity this daemon runs under: what {@code sbridge identity} prints while a daemon runs. */
    private Map<String, Object> identityView() {
        var id = identity.publicIdentity();
        Map<String, Object> out = ControlServer.ok();
        out.put("address", id.address().toHex());
        out.put("did", id.did());
        out.put("peerId", id.peerId());
        return out;
    }

    private Map<String, Object> bundleImport(Map<String, Object> request) {
        if (!(request.get("payload") instanceof byte[] file)) {
            throw new IllegalArgumentException("bundle-import needs the bundle file as the request's payload");
        }
        var result = node.importBundle(file);
        Map<String, Object> out = new LinkedHashMap<>();
        if (result instanceof net.sovereignbridge.mesh.frame.Decoded.Error<?> e) {
            out.put("ok", false);
            out.put("error", "bundle rejected: " + e.detail());
            return out;
        }
        var report = result.value();
        out.put("ok", report.accepted() > 0 || report.frames() == 0);
        out.put("frames", report.frames());
        out.put("accepted", report.accepted());
        out.put("rejected", report.rejected());
        if (report.firstRejection() != null) out.put("firstRejection", report.firstRejection());
        if (report.accepted() == 0 && report.frames() > 0) {
            out.put("error", "bundle signature verifies, but none of its " + report.frames()
                    + " frames is a mesh frame (" + report.firstRejection() + ")");
        }
        return out;
    }

    /** This node's own messages and their delivery states, newest first. */
    private Map<String, Object> messages(Map<String, Object> request) throws SQLException {
        long limit = request.get("limit") instanceof Long l ? Math.min(Math.max(l, 1), 10_000) : 100;
        List<Object> list = new ArrayList<>();
        for (CustodyQueue.Entry e : node.custody().ownMessages((int) limit)) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("messageId", Integer.toUnsignedLong(e.messageId()));
            j.put("to", e.destination().toHex());
            j.put("state", e.state().name().toLowerCase(java.util.Locale.ROOT));
            j.put("attempts", e.attempts());
            j.put("createdAt", java.time.Instant.ofEpochMilli(e.createdAt()).toString());
            j.put("updatedAt", java.time.Instant.ofEpochMilli(e.updatedAt()).toString());
            j.put("expiresAt", java.time.Instant.ofEpochMilli(e.expiresAt()).toString());
            list.add(j);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("messages", list);
        return out;
    }

    private Map<String, Object> status() throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("address", identity.address().toHex());
        out.put("did", identity.publicIdentity().did());
        out.put("peerId", identity.publicIdentity().peerId());
        out.put("name", config.nodeName());
        List<Object> ts = new ArrayList<>();
        for (Transport t : transports.all()) {
            TransportCounters c = transports.counters(t.id());
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("id", t.id());
            j.put("type", types.getOrDefault(t.id(), t.id()));
            j.put("kind", t.profile().kind().name());
            j.put("state", t.state().name());
            j.put("mtu", t.profile().mtu());
            j.put("reason", transports.lastReason(t.id()));
            j.put("framesIn", c.framesIn.get());
            j.put("framesOut", c.framesOut.get());
            j.put("bytesIn", c.bytesIn.get());
            j.put("bytesOut", c.bytesOut.get());
            j.put("sendFailures", c.sendFailures.get());
            Map<String, Object> drops = new LinkedHashMap<>();
            c.dropsByReason().forEach((k, v) -> drops.put(k.name(), v));
            j.put("drops", drops);
            j.put("neighbours", t.neighbours().size());
            // what only this kind of transport knows (airtime, addresses); the common fields above win a clash
            t.statusFields().forEach(j::putIfAbsent);
            ts.add(j);
        }
        unavailable.forEach((id, why) -> {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("id", id);
            config.transport(id).ifPresent(t -> j.put("type", t.type()));
            j.put("state", "UNAVAILABLE");
            j.put("reason", why);
            ts.add(j);
        });
        out.put("transports", ts);
        if (gps != null) out.put("gps", gps.statusFields());
        List<Object> peers = new ArrayList<>();
        node.peers().all().forEach((address, p) -> {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("address", address.toHex());
            j.put("name", p.name());
            j.put("did", p.identity().did());
            j.put("neighbour", !node.neighbours().candidates(address).isEmpty());
            peers.add(j);
        });
        out.put("peers", peers);
        out.put("inbox", node.inbox().count());
        out.put("routes", node.routes().size());
        out.put("custodyPending", node.custody().pendingCount());
        out.put("custody", node.custody().status());
        out.put("flood", node.flood().counters());
        var replies = node.announcer().replies();
        out.put("announceReplies", Map.of("sent", replies.sent(), "refused", replies.refused()));
        out.put("routing", node.routingCounters());
        out.put("topics", node.topics().status());
        if (overlay != null) out.put("p2p", overlay.status());
        if (dht != null) out.put("dht", dht.status());
        if (content != null) out.put("content", content.status());
        if (services != null) out.put("services", services.status());
        if (web != null) out.put("web", Map.of("state", "ACTIVE", "url", web.endpoint().substring("web ".length())));
        if (webUnavailable != null) out.put("web", Map.of("state", "UNAVAILABLE", "reason", webUnavailable));
        return out;
    }

    @Override
    public void close() {
        if (web != null) web.close();
        if (services != null) services.close();
        if (control != null) control.close();
        if (gps != null) gps.close();
        if (dht != null) dht.close();
        node.close();
        if (overlay != null) overlay.close();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                log.warn("closing {}: {}", r, e.getMessage());
            }
        }
        try {
            db.close();
        } catch (SQLException e) {
            log.warn("closing database: {}", e.getMessage());
        }
    }
}
