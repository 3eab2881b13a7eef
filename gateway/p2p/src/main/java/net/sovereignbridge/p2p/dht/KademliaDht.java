package net.sovereignbridge.p2p.dht;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kademlia DHT node: the server side ({@link #handle}) and the iterative queries (find peer, get/put
 * value, provide, find providers, ping), over any {@link DhtNetwork}.
 *
 * <p>Protocol rules (libp2p kad-dht spec) kept here:
 * <ul>
 *   <li>The distance between keys is XOR of SHA-256; a lookup asks the alpha closest not yet asked peers
 *       of its candidate list per round and ends when the K closest live candidates have all answered.</li>
 *   <li>A peer that answers a query joins the routing table; a peer that does not is dropped from it.
 *       Requesters enter the table only when the transport says they are in server mode (reachable).</li>
 *   <li>PUT_VALUE and GET_VALUE values pass the {@link RecordValidator}; PUT_VALUE answers with the request
 *       echoed, a refused PUT gets no answer (the stream is reset).</li>
 *   <li>ADD_PROVIDER has no answer and is only accepted for the sender itself (providerPeers entries
 *       naming someone else are ignored). Provider records expire after 48 h and are republished by their
 *       owner every 22 h.</li>
 *   <li>GET_VALUE with a quorum: after collecting enough values, peers that answered with an older value
 *       get the best one put back (correction of stale peers).</li>
 * </ul>
 */
public final class KademliaDht {
    private static final Logger log = LoggerFactory.getLogger(KademliaDht.class);

    private final DhtPeer self;
    private final DhtConfig config;
    private final DhtNetwork network;
    private final DhtStorage storage;
    private final RecordValidator validator;
    private final LongSupplier clock;
    private final RoutingTable table;
    private final Random random;
    private volatile long lastRepublishMs;
    private volatile boolean serverMode;
    private volatile long lastRefreshMs;
    /** Tables are refreshed (own-id lookup, random lookups in sparse buckets) at least this often. */
    static final long REFRESH_INTERVAL_MS = 3_600_000L;
    private ScheduledFuture<?> maintenanceTask;

    private final AtomicLong recordsRefused = new AtomicLong();
    /** New values accepted per sender in the current hour (bounded: the least recent senders are forgotten). */
    private final Map<ByteBuffer, long[]> putsPerPeer = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, long[]> eldest) {
            return size() > 10_000;
        }
    };
    static final int MAX_NEW_RECORDS_PER_PEER_PER_HOUR = 100;
    private final AtomicLong providersRefused = new AtomicLong();
    private final AtomicLong requestsServed = new AtomicLong();
    private final AtomicLong requestsFailed = new AtomicLong();

    public KademliaDht(DhtPeer self, DhtConfig config, DhtNetwork network, DhtStorage storage,
                       RecordValidator validator, LongSupplier clockMs, Random random) {
        this.self = self;
        this.config = config;
        this.network = network;
        this.storage = storage;
        this.validator = validator;
        this.clock = clockMs;
        this.random = random;
        this.table = new RoutingTable(self.kadId(), config.k());
        // a restarted node starts from the peers it knew; they prove themselves again on first contact
        for (DhtPeer p : storage.loadRoutingTable()) table.add(p, 0);
        this.lastRepublishMs = clockMs.getAsLong();
        this.serverMode = config.serverMode();
        this.lastRefreshMs = clockMs.getAsLong();
    }

    /**
     * Switches between server and client mode when reachability changes (AutoNAT, a new port mapping):
     * the overlay must also start or stop advertising the kad protocol in identify, which is how other
     * peers learn our mode.
     */
    public void setServerMode(boolean server) {
        this.serverMode = server;
    }

    public boolean serverMode() {
        return serverMode;
    }

    public DhtPeer self() {
        return self;
    }

    public RoutingTable routingTable() {
        return table;
    }

    public DhtConfig config() {
        return config;
    }

    public record Counters(long recordsRefused, long providersRefused, long requestsServed, long requestsFailed) {}

    public Counters counters() {
        return new Counters(recordsRefused.get(), providersRefused.get(), requestsServed.get(), requestsFailed.get());
    }

    // ------------------------------------------------------------------ server side

    /**
     * Answers one request from a peer.
     *
     * @param fromServer whether the requester is reachable (server mode), which decides if it may join our table
     * @return the response, or null when there is none (ADD_PROVIDER) or the request is refused
     */
    public DhtMessage handle(DhtPeer from, boolean fromServer, DhtMessage req) {
        if (!serverMode) return null;
        long now = clock.getAsLong();
        if (fromServer) offer(from, now);
        requestsServed.incrementAndGet();
        KadId target = KadId.of(req.key());
        switch (req.type()) {
            case PING:
                return DhtMessage.request(DhtMessage.Type.PING, new byte[0]);
            case FIND_NODE:
                return new DhtMessage(DhtMessage.Type.FIND_NODE, req.key(), null, closerPeers(target, from), List.of());
            case GET_VALUE: {
                DhtStorage.StoredRecord r = storage.getRecord(req.key());
                DhtMessage.Record rec = null;
                if (r != null && now - r.receivedMs() < config.recordTtl().toMillis()) {
                    rec = new DhtMessage.Record(r.key(), r.value(), rfc3339(r.receivedMs()));
                }
                return new DhtMessage(DhtMessage.Type.GET_VALUE, req.key(), rec, closerPeers(target, from), List.of());
            }
            case PUT_VALUE:
                return storeValue(from, req) ? req : null;
            case ADD_PROVIDER:
                addProviders(from, req, now);
                return null;
            case GET_PROVIDERS: {
                List<DhtMessage.Peer> providers = storage.getProviders(req.key(), config.k()).stream()
                        .filter(p -> now - p.receivedMs() < config.providerTtl().toMillis())
                        .map(p -> DhtMessage.Peer.of(p.peer())).toList();
                return new DhtMessage(DhtMessage.Type.GET_PROVIDERS, req.key(), null, closerPeers(target, from), providers);
            }
            default:
                return null;
        }
    }

    /**
     * Adds a live server to the table. When its bucket is full, the bucket's least recently seen peer (if
     * quiet for a minute) is pinged in the background and replaced by the newcomer if it does not answer:
     * the Kademlia rule that keeps old peers while they live and stops dead ones from blocking a bucket.
     */
    private void offer(DhtPeer peer, long now) {
        if (table.add(peer, now) != RoutingTable.AddResult.BUCKET_FULL) return;
        DhtPeer oldest = table.evictionCandidate(peer, now - 60_000);
        if (oldest == null) return;
        table.add(oldest, now); // counts as seen while the ping is out: one ping per peer per minute
        network.send(oldest, DhtMessage.request(DhtMessage.Type.PING, new byte[0])).whenComplete((r, e) -> {
            if (e != null || r == null) {
                table.remove(oldest);
                table.add(peer, clock.getAsLong());
            }
        });
    }

    private List<DhtMessage.Peer> closerPeers(KadId target, DhtPeer requester) {
        List<DhtMessage.Peer> out = new ArrayList<>(config.k());
        for (DhtPeer p : table.closest(target, config.k() + 1)) {
            if (p.equals(requester) || out.size() == config.k()) continue;
            out.add(DhtMessage.Peer.of(p));
        }
        return out;
    }

    private boolean storeValue(DhtPeer from, DhtMessage req) {
        DhtMessage.Record rec = req.record();
        if (rec == null || !Arrays.equals(rec.key(), req.key())) {
            refuseRecord(from, "PUT_VALUE without a record for its key");
            return false;
        }
        String why = validator.validate(rec.key(), rec.value());
        if (why != null) {
            refuseRecord(from, why);
            return false;
        }
        DhtStorage.StoredRecord existing = storage.getRecord(rec.key());
        if (existing != null) {
            if (Arrays.equals(existing.value(), rec.value())) {
                storage.putRecord(rec.key(), rec.value(), clock.getAsLong()); // a republish refreshes the age
                return true;
            }
            if (validator.select(rec.key(), List.of(existing.value(), rec.value())) == 0) {
                refuseRecord(from, "older than the value we hold");
                return false;
            }
        } else if (storage.recordCount() >= config.maxRecords()) {
            refuseRecord(from, "record storage quota (" + config.maxRecords() + ") reached");
            return false;
        } else if (!withinPutQuota(from)) {
            refuseRecord(from, "more than " + MAX_NEW_RECORDS_PER_PEER_PER_HOUR + " new records this hour");
            return false;
        }
        storage.putRecord(rec.key(), rec.value(), clock.getAsLong());
        return true;
    }

    /** A sender may add at most MAX_NEW_RECORDS_PER_PEER_PER_HOUR new keys an hour (updates are not counted). */
    private boolean withinPutQuota(DhtPeer from) {
        long now = clock.getAsLong();
        synchronized (putsPerPeer) {
            long[] w = putsPerPeer.computeIfAbsent(ByteBuffer.wrap(from.id()), k -> new long[] {now, 0});
            if (now - w[0] >= 3_600_000L) {
                w[0] = now;
                w[1] = 0;
            }
            if (w[1] >= MAX_NEW_RECORDS_PER_PEER_PER_HOUR) return false;
            w[1]++;
            return true;
        }
    }

    private void refuseRecord(DhtPeer from, String why) {
        recordsRefused.incrementAndGet();
        log.debug("refused a record from {}: {}", from, why);
    }

    private void addProviders(DhtPeer from, DhtMessage req, long now) {
        if (req.key().length == 0 || req.key().length > config.maxProviderKeyBytes()) {
            refuseProvider(from, "provider key of " + req.key().length + " bytes");
            return;
        }
        for (DhtMessage.Peer p : req.providerPeers()) {
            if (!from.sameId(p.id())) {
                refuseProvider(from, "announces a provider other than itself");
                continue;
            }
            DhtPeer provider = new DhtPeer(p.id(), p.addrs().isEmpty() ? from.addrs() : p.addrs());
            if (storage.providerCountFrom(p.id()) >= config.maxProvidersPerPeer()) {
                refuseProvider(from, "per-peer provider quota (" + config.maxProvidersPerPeer() + ") reached");
                continue;
            }
            if (storage.providerCount() >= config.maxProviders()) {
                refuseProvider(from, "provider storage quota (" + config.maxProviders() + ") reached");
                continue;
            }
            storage.putProvider(req.key(), provider, now);
        }
    }

    private void refuseProvider(DhtPeer from, String why) {
        providersRefused.incrementAndGet();
        log.debug("refused a provider record from {}: {}", from, why);
    }

    private static String rfc3339(long ms) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(ms));
    }

    // ------------------------------------------------------------------ lookups

    /** The outcome of one iterative lookup. hops: rounds of requests until the closest peer was known. */
    public record Lookup(List<DhtPeer> closest, int rounds, int hops, int queried, int failed) {}

    /** Per-response hook of a lookup; returns true to stop early. */
    private interface Collector {
        boolean accept(DhtPeer from, DhtMessage response);
    }

    private static final int NEW = 0;
    private static final int WAITING = 1;
    private static final int DONE = 2;
    private static final int FAILED = 3;

    private static final class Candidate {
        final DhtPeer peer;
        final int discoveredRound;
        int state = NEW;

        Candidate(DhtPeer peer, int round) {
            this.peer = peer;
            this.discoveredRound = round;
        }
    }

    private Lookup lookup(byte[] key, KadId target, DhtMessage.Type type, Collector collector) {
        List<Candidate> candidates = new ArrayList<>();
        Map<ByteBuffer, Candidate> seen = new HashMap<>();
        for (DhtPeer p : table.closest(target, config.k())) {
            Candidate c = new Candidate(p, 0);
            candidates.add(c);
            seen.put(ByteBuffer.wrap(p.idUnsafe()), c);
        }
        int rounds = 0;
        int queried = 0;
        int failed = 0;
        DhtMessage request = DhtMessage.request(type, key);
        boolean stop = false;
        while (!stop) {
            candidates.sort((a, b) -> target.compareDistance(a.peer.kadId(), b.peer.kadId()));
            List<Candidate> batch = new ArrayList<>(config.alpha());
            int live = 0;
            for (Candidate c : candidates) {
                if (c.state == FAILED) continue;
                if (live++ >= config.k()) break;
                if (c.state == NEW && batch.size() < config.alpha()) batch.add(c);
            }
            if (batch.isEmpty() && live < config.k() && topUp(target, candidates, seen) > 0) continue;
            if (batch.isEmpty()) break;
            rounds++;
            List<CompletableFuture<DhtMessage>> futures = new ArrayList<>(batch.size());
            for (Candidate c : batch) {
                c.state = WAITING;
                futures.add(network.send(c.peer, request));
            }
            for (int i = 0; i < batch.size(); i++) {
                Candidate c = batch.get(i);
                queried++;
                DhtMessage resp;
                try {
                    resp = futures.get(i).join();
                } catch (RuntimeException e) {
                    resp = null;
                }
                if (resp == null || resp.type() != type) {
                    c.state = FAILED;
                    failed++;
                    requestsFailed.incrementAndGet();
                    table.remove(c.peer);
                    continue;
                }
                c.state = DONE;
                offer(c.peer, clock.getAsLong());
                for (DhtMessage.Peer p : resp.closerPeers()) {
                    if (self.sameId(p.id())) continue;
                    ByteBuffer id = ByteBuffer.wrap(p.id());
                    if (seen.containsKey(id)) continue;
                    Candidate n = new Candidate(p.toDhtPeer(), rounds);
                    seen.put(id, n);
                    candidates.add(n);
                }
                if (collector != null && collector.accept(c.peer, resp)) stop = true;
            }
        }
        candidates.sort((a, b) -> target.compareDistance(a.peer.kadId(), b.peer.kadId()));
        List<DhtPeer> closest = new ArrayList<>(config.k());
        int hops = 0;
        for (Candidate c : candidates) {
            if (c.state != DONE) continue;
            if (closest.isEmpty()) hops = c.discoveredRound;
            closest.add(c.peer);
            if (closest.size() == config.k()) break;
        }
        return new Lookup(closest, rounds, hops, queried, failed);
    }

    /**
     * When failures leave fewer than K live candidates and none to ask, more peers come from the routing
     * table (the failed ones were removed from it meanwhile), so a table with many departed entries still
     * leads somewhere.
     */
    private int topUp(KadId target, List<Candidate> candidates, Map<ByteBuffer, Candidate> seen) {
        int added = 0;
        for (DhtPeer p : table.closest(target, config.k())) {
            ByteBuffer id = ByteBuffer.wrap(p.idUnsafe());
            if (seen.containsKey(id)) continue;
            Candidate c = new Candidate(p, 0);
            seen.put(id, c);
            candidates.add(c);
            added++;
        }
        return added;
    }

    /** The K closest live peers to a key (a FIND_NODE lookup). */
    public Lookup closestPeers(byte[] key) {
        return lookup(key, KadId.of(key), DhtMessage.Type.FIND_NODE, null);
    }

    public record PeerSearch(DhtPeer peer, int hops, int rounds) {}

    /** Looks a peer up by PeerId: from the table, else a FIND_NODE lookup until someone names it. */
    public PeerSearch findPeer(byte[] peerId) {
        DhtPeer known = table.find(peerId);
        if (known != null) return new PeerSearch(known, 0, 0);
        DhtPeer[] found = {null};
        int[] foundRound = {0};
        int[] round = {0};
        Lookup l = lookup(peerId, KadId.of(peerId), DhtMessage.Type.FIND_NODE, (from, resp) -> {
            round[0]++;
            if (from.sameId(peerId)) found[0] = from;
            for (DhtMessage.Peer p : resp.closerPeers()) {
                if (Arrays.equals(p.id(), peerId) && found[0] == null) found[0] = p.toDhtPeer();
            }
            return found[0] != null;
        });
        return new PeerSearch(found[0], found[0] == null ? -1 : l.rounds(), l.rounds());
    }

    public record GetResult(byte[] value, int validValues, int invalidValues, int corrected, Lookup lookup) {}

    /**
     * GET_VALUE with a quorum: the lookup stops once {@code quorum} valid values are in; the best value
     * (validator's choice) is returned and put back to the peers that answered with an older one.
     */
    public GetResult getValue(byte[] key, int quorum) {
        Map<ByteBuffer, byte[]> byPeer = new LinkedHashMap<>();
        Map<ByteBuffer, DhtPeer> peers = new HashMap<>();
        int[] invalid = {0};
        DhtStorage.StoredRecord local = storage.getRecord(key);
        List<byte[]> values = new ArrayList<>();
        if (local != null && validator.validate(key, local.value()) == null) values.add(local.value());
        Lookup l = lookup(key, KadId.of(key), DhtMessage.Type.GET_VALUE, (from, resp) -> {
            DhtMessage.Record r = resp.record();
            if (r == null || r.value().length == 0) return false;
            if (!Arrays.equals(r.key(), key) || validator.validate(key, r.value()) != null) {
                invalid[0]++;
                log.debug("invalid value for a GET_VALUE from {}", from);
                return false;
            }
            ByteBuffer id = ByteBuffer.wrap(from.idUnsafe());
            byPeer.put(id, r.value());
            peers.put(id, from);
            values.add(r.value());
            return values.size() >= quorum;
        });
        if (values.isEmpty()) return new GetResult(null, 0, invalid[0], 0, l);
        byte[] best = values.get(validator.select(key, values));
        int corrected = 0;
        List<CompletableFuture<DhtMessage>> puts = new ArrayList<>();
        for (var e : byPeer.entrySet()) {
            if (!Arrays.equals(e.getValue(), best)) puts.add(network.send(peers.get(e.getKey()), DhtMessage.putValue(key, best)));
        }
        for (CompletableFuture<DhtMessage> f : puts) {
            try {
                if (f.join() != null) corrected++;
            } catch (RuntimeException e) {
                // a stale peer that cannot take the correction keeps its old value until the owner republishes
            }
        }
        // no local caching of what we read: a cached copy would restart its 48 h and keep the record of an
        // owner who left alive for as long as people keep reading it
        return new GetResult(best, values.size(), invalid[0], corrected, l);
    }

    public record PutResult(int stored, Lookup lookup) {}

    /** Validates, remembers it as ours (to republish) and stores the value on the K closest peers. */
    public PutResult putValue(byte[] key, byte[] value) {
        String why = validator.validate(key, value);
        if (why != null) throw new IllegalArgumentException("value refused by our own validator: " + why);
        storage.putOwn(key, false, value);
        if (serverMode) storage.putRecord(key, value, clock.getAsLong());
        return replicate(key, value);
    }

    private PutResult replicate(byte[] key, byte[] value) {
        Lookup l = closestPeers(key);
        DhtMessage put = DhtMessage.putValue(key, value);
        List<CompletableFuture<DhtMessage>> futures = new ArrayList<>();
        for (DhtPeer p : l.closest()) futures.add(network.send(p, put));
        int stored = 0;
        for (CompletableFuture<DhtMessage> f : futures) {
            try {
                if (f.join() != null) stored++;
            } catch (RuntimeException e) {
                requestsFailed.incrementAndGet();
            }
        }
        return new PutResult(stored, l);
    }

    /** Announces this node as a provider of the key to the K closest peers; returns how many were told. */
    public PutResult provide(byte[] key) {
        if (key.length == 0 || key.length > config.maxProviderKeyBytes()) throw new IllegalArgumentException("provider key length");
        storage.putOwn(key, true, null);
        if (serverMode) storage.putProvider(key, self, clock.getAsLong());
        return announce(key);
    }

    private PutResult announce(byte[] key) {
        Lookup l = closestPeers(key);
        DhtMessage add = new DhtMessage(DhtMessage.Type.ADD_PROVIDER, key, null, List.of(), List.of(DhtMessage.Peer.of(self)));
        List<CompletableFuture<DhtMessage>> futures = new ArrayList<>();
        for (DhtPeer p : l.closest()) futures.add(network.send(p, add));
        int told = 0;
        for (CompletableFuture<DhtMessage> f : futures) {
            try {
                f.join();
                told++;
            } catch (RuntimeException e) {
                requestsFailed.incrementAndGet();
            }
        }
        return new PutResult(told, l);
    }

    /** Stops announcing a key we provided: it is no longer republished, the copies on others expire in 48 h. */
    public void stopProviding(byte[] key) {
        storage.removeOwn(key, true);
    }

    /** Keys this node provides itself (republished every 22 h). */
    public List<byte[]> provided() {
        return storage.own(true).stream().map(DhtStorage.StoredRecord::key).toList();
    }

    /** A value this node published itself, or null. */
    public byte[] ownValue(byte[] key) {
        for (DhtStorage.StoredRecord r : storage.own(false)) if (Arrays.equals(r.key(), key)) return r.value();
        return null;
    }

    public record ProvidersResult(List<DhtPeer> providers, Lookup lookup) {}

    /** GET_PROVIDERS lookup; stops once {@code max} distinct providers are known. */
    public ProvidersResult findProviders(byte[] key, int max) {
        Map<ByteBuffer, DhtPeer> found = new LinkedHashMap<>();
        long now = clock.getAsLong();
        for (DhtStorage.Provider p : storage.getProviders(key, max)) {
            if (now - p.receivedMs() < config.providerTtl().toMillis()) found.put(ByteBuffer.wrap(p.peer().id()), p.peer());
        }
        if (found.size() >= max) return new ProvidersResult(new ArrayList<>(found.values()), new Lookup(List.of(), 0, 0, 0, 0));
        Lookup l = lookup(key, KadId.of(key), DhtMessage.Type.GET_PROVIDERS, (from, resp) -> {
            for (DhtMessage.Peer p : resp.providerPeers()) {
                if (found.size() < max) found.putIfAbsent(ByteBuffer.wrap(p.id()), p.toDhtPeer());
            }
            return found.size() >= max;
        });
        return new ProvidersResult(new ArrayList<>(found.values()), l);
    }

    /** PING: true when the peer answers (and it is then (re)added to the table). */
    public boolean ping(DhtPeer peer) {
        try {
            DhtMessage r = network.send(peer, DhtMessage.request(DhtMessage.Type.PING, new byte[0])).join();
            if (r != null && r.type() == DhtMessage.Type.PING) {
                table.add(peer, clock.getAsLong());
                return true;
            }
        } catch (RuntimeException e) {
            // unreachable: fall through
        }
        table.remove(peer);
        return false;
    }

    // ------------------------------------------------------------------ joining and upkeep

    /**
     * Joins through the given peers (bootstrap nodes, or the stored table when empty): a lookup of our own
     * id fills the buckets near us, random lookups refresh the farther ones.
     *
     * @return the number of peers in the table afterwards
     */
    public int bootstrap(List<DhtPeer> seeds) {
        long now = clock.getAsLong();
        for (DhtPeer s : seeds) table.add(s, now);
        refresh();
        return table.size();
    }

    /**
     * Resumes after a restart from the stored routing table alone.
     *
     * @return true when some stored peer answered (no bootstrap node needed)
     */
    public boolean resume() {
        if (table.size() == 0) return false;
        Lookup l = closestPeers(self.id());
        return !l.closest().isEmpty();
    }

    /** Own-id lookup plus random lookups in the sparse far buckets: finds newcomers, drops the departed. */
    private void refresh() {
        lastRefreshMs = clock.getAsLong();
        closestPeers(self.id());
        refreshBuckets();
    }

    private void refreshBuckets() {
        int n = Math.min(config.refreshBuckets(), Math.max(0, table.deepestBucket()));
        for (int cpl = 0; cpl < n; cpl++) {
            if (table.bucketSize(cpl) >= config.k()) continue;
            byte[] key = randomKeyWithPrefix(cpl);
            if (key != null) closestPeers(key);
        }
    }

    /** A random key whose id shares exactly cpl leading bits with ours (found by trying: 2^(cpl+1) tries). */
    private byte[] randomKeyWithPrefix(int cpl) {
        byte[] key = new byte[16];
        for (int attempt = 0; attempt < (1 << Math.min(cpl + 4, 20)); attempt++) {
            random.nextBytes(key);
            if (KadId.of(key).commonPrefixLength(self.kadId()) == cpl) return key;
        }
        return null;
    }

    /**
     * One round of upkeep: expiry of provider records (48 h) and stored values, a table refresh when the
     * last is an hour old, republishing of our own values and provider announcements when due (22 h), and
     * saving the routing table.
     */
    public void maintain() {
        long now = clock.getAsLong();
        int expiredProviders = storage.expireProviders(now - config.providerTtl().toMillis());
        int expiredRecords = storage.expireRecords(now - config.recordTtl().toMillis());
        if (expiredProviders + expiredRecords > 0) {
            log.debug("expired {} provider records and {} values", expiredProviders, expiredRecords);
        }
        if (now - lastRefreshMs >= REFRESH_INTERVAL_MS && table.size() > 0) refresh();
        if (now - lastRepublishMs >= Math.min(config.providerRepublish().toMillis(), config.recordRepublish().toMillis())) {
            lastRepublishMs = now;
            republish();
        }
        storage.saveRoutingTable(table.all());
    }

    /** Re-announces everything this node published itself. */
    public void republish() {
        for (DhtStorage.StoredRecord r : storage.own(true)) {
            if (serverMode) storage.putProvider(r.key(), self, clock.getAsLong());
            announce(r.key());
        }
        for (DhtStorage.StoredRecord r : storage.own(false)) {
            if (validator.validate(r.key(), r.value()) != null) continue;
            if (serverMode) storage.putRecord(r.key(), r.value(), clock.getAsLong());
            replicate(r.key(), r.value());
        }
    }

    /** Runs {@link #maintain} on the executor every period (the daemon; the simulation calls it itself). */
    public synchronized void startMaintenance(ScheduledExecutorService executor, long periodMs) {
        if (maintenanceTask != null) return;
        maintenanceTask = executor.scheduleWithFixedDelay(() -> {
            try {
                maintain();
            } catch (RuntimeException e) {
                log.warn("DHT maintenance failed: {}", e.toString());
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Stops the timer and saves the routing table for the next start. */
    public synchronized void close() {
        if (maintenanceTask != null) maintenanceTask.cancel(false);
        maintenanceTask = null;
        storage.saveRoutingTable(table.all());
    }
}
