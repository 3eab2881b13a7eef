package net.sovereignbridge.app.dht;

import static net.sovereignbridge.app.control.ControlServer.error;
import static net.sovereignbridge.app.control.ControlServer.ok;

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.overlay.DatabaseStore;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.p2p.dht.DhtConfig;
import net.sovereignbridge.p2p.dht.DhtPeer;
import net.sovereignbridge.p2p.dht.HostKadEndpoint;
import net.sovereignbridge.p2p.dht.KadStreams;
import net.sovereignbridge.p2p.dht.KademliaDht;
import net.sovereignbridge.p2p.dht.MeshBridges;
import net.sovereignbridge.p2p.dht.PublicRendezvous;
import net.sovereignbridge.p2p.dht.RegionKeys;
import net.sovereignbridge.p2p.dht.RegionRendezvous;
import net.sovereignbridge.p2p.dht.SignedRecords;
import net.sovereignbridge.p2p.dht.SqliteDhtStorage;
import net.sovereignbridge.p2p.dht.StreamDhtNetwork;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.Reachability;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHT in the daemon: {@link SqliteDhtStorage} in the gateway's database, the kad listener, joining
 * (resume from the stored table, else the bootstrap peers), our signed contact record, region and
 * mesh-address provider records, the maintenance timer (expiry, refresh, republish) and the control
 * channel's {@code dht-*} operations.
 *
 * <p>Joining runs in the background: a daemon whose seeds are down still starts and serves its radios;
 * the join is retried on every maintenance round until the table has peers.
 */
public final class DhtService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DhtService.class);
    /** Our contact record is re-signed when what it lists changed, checked this often (or each maintenance round if sooner). */
    static final long CONTACT_CHECK_MS = 60_000;
    /** The mesh transport the overlay-bridge tier's hops use (issue 5's /sbridge/mesh/1.0.0 transport). */
    public static final String OVERLAY_TRANSPORT = "overlay";

    private final DhtSettings settings;
    private final NodeIdentity identity;
    private final Node node;
    private final Host host;
    private final HostKadEndpoint kad;
    private final KademliaDht dht;
    /** Client of the public libp2p DHT for region rendezvous, or null when dht.public-bootstrap is empty. */
    private final KademliaDht publicDht;
    private volatile List<String> regionBridges = List.of();
    private volatile String publicJoin = "off";
    private final ScheduledExecutorService upkeep;
    private final ExecutorService requests;
    private final DhtBridgeLocator bridges;
    private final byte[] contactKey;
    private volatile List<MeshAddress> announcedMesh = List.of();
    private volatile String lastJoin = "not yet";
    private volatile long contactSequence;

    private DhtService(DhtSettings settings, NodeIdentity identity, Node node, Host host, HostKadEndpoint kad,
            KademliaDht dht, KademliaDht publicDht, ScheduledExecutorService upkeep, ExecutorService requests) {
        this.host = host;
        this.publicDht = publicDht;
        this.settings = settings;
        this.identity = identity;
        this.node = node;
        this.kad = kad;
        this.dht = dht;
        this.upkeep = upkeep;
        this.requests = requests;
        this.contactKey = SignedRecords.nodeKey(identity.publicIdentity().peerId());
        this.bridges = new DhtBridgeLocator(new MeshBridges(dht), upkeep);
    }

    /**
     * Starts the DHT on the daemon's libp2p host (the overlay's, {@code p2p.listen}) and joins in the
     * background. The host stays the overlay's: closing the DHT only stops serving kad on it. In mode
     * "auto" the DHT serves exactly while the host's reachability is PUBLIC, following its events.
     */
    public static DhtService start(DhtSettings settings, NodeIdentity identity, Database db, Node node, Host host,
            List<byte[]> announce) throws SQLException {
        HostKadEndpoint kad = new HostKadEndpoint(host, KadStreams.SBRIDGE, announce);
        ExecutorService requests = Executors.newFixedThreadPool(8, r -> daemon(r, "kad-out"));
        ScheduledExecutorService upkeep = Executors.newScheduledThreadPool(2, r -> daemon(r, "dht-upkeep"));
        try {
            DhtConfig cfg = (settings.bootstrapRole() ? DhtConfig.bootstrapProfile() : DhtConfig.defaults())
                    .withAlpha(settings.alpha())
                    .withServerMode(serverMode(settings, host.reachability()));
            DhtPeer self = new DhtPeer(PeerId.toBytes(identity.publicIdentity().publicKey()), kad.listenAddrs());
            StreamDhtNetwork network = new StreamDhtNetwork(kad, KadStreams.SBRIDGE, requests, 5_000);
            KademliaDht dht = new KademliaDht(self, cfg, network, new SqliteDhtStorage(new DatabaseStore(db)), new SignedRecords(),
                    System::currentTimeMillis, new SecureRandom());
            if (settings.mode().equals("auto")) {
                kad.followReachability(dht);
            } else {
                kad.serve(dht);
            }
            KademliaDht publicDht = null;
            if (!settings.publicBootstrap().isEmpty()) {
                // the same host opens /ipfs/kad/1.0.0 streams; as a client it never serves or lists that protocol
                StreamDhtNetwork ipfs = new StreamDhtNetwork(new HostKadEndpoint(host, KadStreams.IPFS, announce),
                        KadStreams.IPFS, requests, 10_000);
                publicDht = PublicRendezvous.client(self, ipfs, System::currentTimeMillis, new SecureRandom());
                publicDht.startMaintenance(upkeep, settings.maintenanceSeconds() * 1000L);
            }
            DhtService s = new DhtService(settings, identity, node, host, kad, dht, publicDht, upkeep, requests);
            upkeep.execute(s::join);
            dht.startMaintenance(upkeep, settings.maintenanceSeconds() * 1000L);
            long check = Math.min(CONTACT_CHECK_MS, settings.maintenanceSeconds() * 1000L);
            upkeep.scheduleWithFixedDelay(s::upkeepRound, check, check, TimeUnit.MILLISECONDS);
            return s;
        } catch (SQLException | RuntimeException e) {
            kad.close();
            requests.shutdownNow();
            upkeep.shutdownNow();
            throw e;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Server mode when the operator says so; in "auto", while the host is PUBLIC (today from the
     * configuration: an announced address, a listener bound to one specific address, or a public interface
     * address, see OverlayService; later AutoNAT). Behind NAT we stay a client.
     */
    static boolean serverMode(DhtSettings s, Reachability reachability) {
        return switch (s.mode()) {
            case "server" -> true;
            case "client" -> false;
            default -> reachability == Reachability.PUBLIC;
        };
    }

    public KademliaDht dht() {
        return dht;
    }

    public DhtBridgeLocator bridges() {
        return bridges;
    }

    public List<String> endpoints() {
        List<String> out = new ArrayList<>();
        out.add("dht " + (dht.serverMode() ? "server" : "client") + " mode on the overlay host, " + lastJoin);
        return out;
    }

    // ------------------------------------------------------------------ joining and upkeep

    /** Resume from the stored table, else bootstrap; then publish what we have to publish. */
    private void join() {
        try {
            boolean joined = dht.resume();
            if (joined) {
                lastJoin = "resumed from the stored routing table";
            } else if (!settings.bootstrap().isEmpty()) {
                int n = dht.bootstrap(settings.bootstrap());
                lastJoin = n > 0 ? "bootstrapped, " + n + " peers" : "bootstrap peers did not answer";
                joined = n > 0;
            } else {
                lastJoin = settings.bootstrapRole() ? "waiting for peers (bootstrap node)" : "no peers and no bootstrap peers";
            }
            log.info("DHT: {}", lastJoin);
            publishContact(true);
            if (!settings.region().isEmpty() && joined) {
                new RegionRendezvous(dht).announce(settings.region());
                log.info("DHT: provided region {} at precisions 3..{}", settings.region(),
                        Math.min(5, settings.region().length()));
            } else if (!settings.region().isEmpty()) {
                // remembered, so the maintenance republish announces the region once peers exist
                for (byte[] k : RegionKeys.keysFor(settings.region())) dht.provide(k);
            }
            if (publicDht != null) joinPublic();
            if (!settings.region().isEmpty()) findRegionBridges();
        } catch (RuntimeException e) {
            log.warn("DHT join failed: {}", e.toString());
            lastJoin = "failed: " + e.getMessage();
        }
    }

    /** The public DHT: join through its seeds and provide our region keys there too. */
    private void joinPublic() {
        int n = publicDht.bootstrap(settings.publicBootstrap());
        publicJoin = n > 0 ? "bootstrapped, " + n + " peers" : "public bootstrap peers did not answer";
        if (n > 0 && !settings.region().isEmpty()) {
            new RegionRendezvous(publicDht).announce(settings.region());
            log.info("public DHT: provided region {}", settings.region());
        }
    }

    /**
     * A gateway that (re)gains the internet looks up bridges of its region, finest cell first, on our DHT and
     * the public one, and pings them: they enter the routing table and the host keeps a connection.
     */
    private void findRegionBridges() {
        java.util.LinkedHashSet<DhtPeer> found = new java.util.LinkedHashSet<>(new RegionRendezvous(dht).findBridges(settings.region(), 5));
        if (publicDht != null) found.addAll(new RegionRendezvous(publicDht).findBridges(settings.region(), 5));
        List<String> ids = new ArrayList<>();
        for (DhtPeer p : found) {
            if (p.equals(dht.self())) continue;
            if (!dht.ping(p) && publicDht != null) publicDht.ping(p);
            ids.add(p.idText());
        }
        regionBridges = List.copyOf(ids);
        if (!ids.isEmpty()) log.info("DHT: {} bridges in region {}: {}", ids.size(), settings.region(), ids);
    }

    /** Every minute: rejoin while alone, and re-sign the contact record when the reached mesh addresses changed. */
    private void upkeepRound() {
        try {
            if (dht.routingTable().size() == 0 && !settings.bootstrap().isEmpty()) join();
            if (publicDht != null && publicDht.routingTable().size() == 0) joinPublic();
            publishContact(false);
        } catch (RuntimeException e) {
            log.warn("DHT upkeep failed: {}", e.toString());
        }
    }

    /**
     * Signs and puts {@code /sbridge/node/<PeerId>}: our overlay addresses, region, transports and the mesh
     * addresses we reach; provides the mesh-address keys of newly reached ones and stops providing lost ones.
     */
    synchronized void publishContact(boolean force) {
        List<MeshAddress> reached = settings.meshBridge() ? reachedMeshAddresses() : List.of();
        if (!force && reached.equals(announcedMesh)) return;
        byte[] previous = dht.ownValue(contactKey);
        long seq = Math.max(System.currentTimeMillis(), previous == null ? 0 : SignedRecords.sequenceOf(previous) + 1);
        seq = Math.max(seq, contactSequence + 1);
        contactSequence = seq;
        List<String> transports = new ArrayList<>();
        for (Transport t : node.transports().all()) {
            if (t.profile().kind() != TransportKind.STORE_AND_CARRY && transports.size() < SignedRecords.MAX_TRANSPORTS
                    && t.id().length() <= SignedRecords.MAX_NAME_BYTES) transports.add(t.id());
        }
        transports.add(0, OVERLAY_TRANSPORT);
        if (transports.size() > SignedRecords.MAX_TRANSPORTS) transports = transports.subList(0, SignedRecords.MAX_TRANSPORTS);
        List<byte[]> addrs = kad.listenAddrs();
        if (addrs.size() > SignedRecords.MAX_ADDRS) addrs = addrs.subList(0, SignedRecords.MAX_ADDRS);
        int flags = settings.bootstrapRole() ? SignedRecords.NodeContact.BOOTSTRAP : 0;
        byte[] value = SignedRecords.signNodeContact(identity, seq, settings.region(), flags, transports, addrs,
                reached.stream().map(MeshAddress::toBytes).toList());
        KademliaDht.PutResult put = dht.putValue(contactKey, value);
        List<MeshAddress> added = new ArrayList<>(reached);
        added.removeAll(announcedMesh);
        if (force) added.add(0, identity.address()); // others find this node by its own mesh address too
        List<MeshAddress> lost = new ArrayList<>(announcedMesh);
        lost.removeAll(reached);
        for (MeshAddress a : lost) dht.stopProviding(MeshBridges.providerKey(a));
        new MeshBridges(dht).announce(added);
        announcedMesh = List.copyOf(reached);
        log.info("DHT: contact record {} put on {} peers ({} mesh addresses reached, +{} -{})", seq, put.stored(),
                reached.size(), added.size(), lost.size());
    }

    /** Direct neighbours first, then routed destinations; never via the overlay itself; at most 64. */
    List<MeshAddress> reachedMeshAddresses() {
        Set<MeshAddress> out = new LinkedHashSet<>();
        node.neighbours().snapshot().forEach((a, eps) -> {
            if (eps.stream().anyMatch(e -> !OVERLAY_TRANSPORT.equals(e.transportId()))) out.add(a);
        });
        long now = System.currentTimeMillis();
        for (MeshAddress a : node.routes().snapshot().keySet()) {
            if (node.routes().lookup(a, now).stream().anyMatch(r -> !OVERLAY_TRANSPORT.equals(r.via().transportId()))) {
                out.add(a);
            }
        }
        out.remove(identity.address());
        List<MeshAddress> list = new ArrayList<>(out);
        return list.size() > SignedRecords.MAX_MESH_ADDRS ? List.copyOf(list.subList(0, SignedRecords.MAX_MESH_ADDRS))
                : List.copyOf(list);
    }

    // ------------------------------------------------------------------ control channel

    public Map<String, Object> handle(String op, Map<String, Object> request) {
        return switch (op) {
            case "dht-status" -> status();
            case "dht-put" -> put(request);
            case "dht-get" -> get(request);
            case "dht-provide" -> provide(request);
            case "dht-providers" -> providers(request);
            case "dht-find-peer" -> findPeer(request);
            case "dht-bridges" -> findBridges(request);
            default -> throw new IllegalArgumentException("unknown op '" + op + "'");
        };
    }

    public Map<String, Object> status() {
        Map<String, Object> out = ok();
        out.put("peerId", identity.publicIdentity().peerId());
        out.put("mode", dht.serverMode() ? "server" : "client");
        out.put("role", settings.bootstrapRole() ? "bootstrap" : "gateway");
        out.put("listen", kad.listenAddrs().stream().map(DhtService::text).toList());
        out.put("connections", host.connections().size());
        out.put("routingTable", dht.routingTable().size());
        out.put("join", lastJoin);
        out.put("region", settings.region());
        out.put("regionBridges", regionBridges);
        out.put("publicDht", publicDht == null ? "off" : publicJoin + ", table " + publicDht.routingTable().size());
        out.put("contactSequence", contactSequence);
        out.put("meshAddressesAnnounced", announcedMesh.size());
        KademliaDht.Counters c = dht.counters();
        out.put("requestsServed", c.requestsServed());
        out.put("requestsFailed", c.requestsFailed());
        out.put("recordsRefused", c.recordsRefused());
        out.put("providersRefused", c.providersRefused());
        return out;
    }

    private Map<String, Object> put(Map<String, Object> request) {
        byte[] key;
        byte[] value;
        if (request.get("profile") instanceof String blobHex) {
            // a profile blob under this node's own did:key, signed here: the one record a CLI user can make
            byte[] blob = hex(blobHex, "profile");
            key = SignedRecords.profileKey(identity.publicIdentity().did());
            byte[] previous = dht.ownValue(key);
            long seq = Math.max(System.currentTimeMillis(), previous == null ? 0 : SignedRecords.sequenceOf(previous) + 1);
            try {
                value = SignedRecords.signProfile(identity, seq, blob);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("profile: " + e.getMessage());
            }
        } else {
            key = key(request);
            if (!(request.get("value") instanceof String v)) throw new IllegalArgumentException("dht-put needs 'value' (hex)");
            value = hex(v, "value");
        }
        String why = new SignedRecords().validate(key, value);
        if (why != null) throw new IllegalArgumentException("value refused: " + why);
        KademliaDht.PutResult r = dht.putValue(key, value);
        Map<String, Object> out = ok();
        out.put("key", keyText(key));
        out.put("stored", r.stored());
        out.put("peersAsked", r.lookup().queried());
        return out;
    }

    private Map<String, Object> get(Map<String, Object> request) {
        byte[] key = key(request);
        int quorum = request.get("quorum") instanceof Long q ? (int) Math.max(1, Math.min(20, q)) : 1;
        KademliaDht.GetResult r = dht.getValue(key, quorum);
        if (r.value() == null) {
            Map<String, Object> out = error("no valid value found for " + keyText(key) + " (asked "
                    + r.lookup().queried() + " peers, " + r.invalidValues() + " invalid answers)");
            out.put("notFound", true);
            return out;
        }
        Map<String, Object> out = ok();
        out.put("key", keyText(key));
        out.put("value", HexFormat.of().formatHex(r.value()));
        out.put("record", describe(r.value()));
        out.put("validValues", r.validValues());
        out.put("invalidValues", r.invalidValues());
        out.put("corrected", r.corrected());
        return out;
    }

    private Map<String, Object> provide(Map<String, Object> request) {
        byte[] key = key(request);
        if (key.length > dht.config().maxProviderKeyBytes()) {
            throw new IllegalArgumentException("provider keys are at most " + dht.config().maxProviderKeyBytes() + " bytes");
        }
        KademliaDht.PutResult r = dht.provide(key);
        Map<String, Object> out = ok();
        out.put("key", keyText(key));
        out.put("told", r.stored());
        return out;
    }

    private Map<String, Object> providers(Map<String, Object> request) {
        byte[] key = key(request);
        int max = request.get("max") instanceof Long m ? (int) Math.max(1, Math.min(100, m)) : 20;
        KademliaDht target = dht;
        if (Boolean.TRUE.equals(request.get("public"))) {
            if (publicDht == null) throw new IllegalArgumentException("the public DHT is off (set dht.public-bootstrap)");
            target = publicDht;
        }
        KademliaDht.ProvidersResult r = target.findProviders(key, max);
        Map<String, Object> out = ok();
        out.put("key", keyText(key));
        out.put("providers", r.providers().stream().map(DhtService::peer).toList());
        return out;
    }

    private Map<String, Object> findPeer(Map<String, Object> request) {
        if (!(request.get("peerId") instanceof String text)) throw new IllegalArgumentException("dht-find-peer needs 'peerId'");
        byte[] id;
        try {
            id = PeerId.toBytes(PeerId.decode(text));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not an Ed25519 PeerId: " + e.getMessage());
        }
        KademliaDht.PeerSearch s = dht.findPeer(id);
        if (s.peer() == null) {
            Map<String, Object> out = error("peer " + text + " not found (" + s.rounds() + " lookup rounds)");
            out.put("notFound", true);
            return out;
        }
        Map<String, Object> out = ok();
        out.putAll(peer(s.peer()));
        out.put("hops", s.hops());
        return out;
    }

    private Map<String, Object> findBridges(Map<String, Object> request) {
        if (!(request.get("address") instanceof String text)) throw new IllegalArgumentException("dht-bridges needs 'address'");
        MeshAddress a = MeshAddress.parse(text);
        List<Object> list = new ArrayList<>();
        for (MeshBridges.Bridge b : bridges.lookupNow(a)) {
            Map<String, Object> m = peer(b.peer());
            m.put("address", MeshAddress.fromPublicKey(b.contact().publicKey()).toHex());
            m.put("sequence", b.contact().sequence());
            m.put("region", b.contact().region());
            list.add(m);
        }
        Map<String, Object> out = ok();
        out.put("for", a.toHex());
        out.put("bridges", list);
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] key(Map<String, Object> request) {
        if (!(request.get("key") instanceof String k)) throw new IllegalArgumentException("request needs 'key' (hex)");
        byte[] key = hex(k, "key");
        if (key.length == 0 || key.length > 512) throw new IllegalArgumentException("key must be 1..512 bytes");
        return key;
    }

    private static byte[] hex(String s, String what) {
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not hex");
        }
    }

    /** Printable keys as text, others as hex. */
    static String keyText(byte[] key) {
        for (byte b : key) if (b < 0x21 || b > 0x7E) return "hex:" + HexFormat.of().formatHex(key);
        return new String(key, java.nio.charset.StandardCharsets.US_ASCII);
    }

    static String text(byte[] multiaddr) {
        try {
            return Multiaddr.decode(multiaddr).toString();
        } catch (MultiaddrException e) {
            return "hex:" + HexFormat.of().formatHex(multiaddr);
        }
    }

    static Map<String, Object> peer(DhtPeer p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peerId", p.idText());
        m.put("addrs", p.addrs().stream().map(DhtService::text).toList());
        return m;
    }

    /** A validated record's fields for people. */
    static Map<String, Object> describe(byte[] value) {
        Map<String, Object> m = new LinkedHashMap<>();
        SignedRecords.NodeContact c = SignedRecords.parseNodeContact(value);
        if (c != null) {
            m.put("type", "node");
            m.put("sequence", c.sequence());
            m.put("peerId", PeerId.encode(c.publicKey()));
            m.put("address", MeshAddress.fromPublicKey(c.publicKey()).toHex());
            m.put("region", c.region());
            m.put("relay", c.relay());
            m.put("bootstrap", (c.flags() & SignedRecords.NodeContact.BOOTSTRAP) != 0);
            m.put("transports", c.transports());
            m.put("addrs", c.addrs().stream().map(DhtService::text).toList());
            m.put("meshAddresses", c.meshAddrs().stream().map(b -> MeshAddress.of(b).toHex()).toList());
            return m;
        }
        SignedRecords.Profile p = SignedRecords.parseProfile(value);
        if (p != null) {
            m.put("type", "profile");
            m.put("sequence", p.sequence());
            m.put("did", net.sovereignbridge.mesh.identity.DidKey.encode(p.publicKey()));
            m.put("blobBytes", p.blob().length);
        }
        return m;
    }

    @Override
    public void close() {
        upkeep.shutdownNow();
        if (publicDht != null) publicDht.close();
        dht.close();
        kad.close(); // stops serving kad; the host belongs to the overlay
        requests.shutdownNow();
    }

    /** For log lines and the banner: "12D3KooW... at /ip4/.../tcp/...". */
    @Override
    public String toString() {
        return "DhtService[" + identity.publicIdentity().peerId() + "]";
    }

    static Endpoint overlayEndpoint(DhtPeer bridge) {
        return new Endpoint(OVERLAY_TRANSPORT, bridge.idText());
    }
}
