package net.sovereignbridge.p2p.dht.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.dht.DhtConfig;
import net.sovereignbridge.p2p.dht.DhtMessage;
import net.sovereignbridge.p2p.dht.DhtPeer;
import net.sovereignbridge.p2p.dht.KademliaDht;
import net.sovereignbridge.p2p.dht.MemoryDhtStorage;
import net.sovereignbridge.p2p.dht.RegionKeys;
import net.sovereignbridge.p2p.dht.SignedRecords;

/**
 * Churn simulation: N nodes running the real {@link KademliaDht} routing and query code over a
 * {@link SimulatedNetwork}, in virtual time, from one seed.
 *
 * <ol>
 *   <li>Nodes join one by one, each through a random node already in (lookup of its own id, bucket refresh).</li>
 *   <li>Publishers (real Ed25519 identities) put signed {@code /sbridge/node/} records; bridges provide
 *       region keys.</li>
 *   <li>Churn: a fraction of the server nodes go offline without notice (their entries stay in others'
 *       tables as dead weight) and as many fresh nodes join.</li>
 *   <li>Measured: FIND_NODE lookups of random live nodes from random live nodes; GET_VALUE of every
 *       record; GET_PROVIDERS of every region key, right after churn and again after 22 virtual hours
 *       (republish by the surviving owners, expiry on every node).</li>
 * </ol>
 */
public final class DhtSimulation {

    public record Params(int nodes, double churn, double clientFraction, int lookups, int records, int regionKeys,
                         long seed, boolean wire, int alpha, int days) {
        public static Params of(int nodes) {
            return new Params(nodes, 0.2, 0.1, 1000, 100, 20, 42, false, 3, 3);
        }
    }

    public record Report(Params params, int serversOnline, int clients, long joinMillis, long measureMillis,
                         double lookupSuccess, int medianHops, int p95Hops, double medianRounds, double messagesPerLookup, double pingsPerLookup,
                         double recordsAfterChurn, double recordsAfterRepublish, double providersAfterChurn,
                         double providersAfterRepublish, double meanTableSize, long heapBytes, long clientsInTables,
                         double liveOwnersFound, int liveOwners, double goneOwnersExpired, int goneOwners) {

        public String toText() {
            return String.format(Locale.ROOT, """
                    nodes %d (alpha %d, K %d, seed %d, wire codec %s), churn %.0f %%, clients %.0f %%
                    after churn: %d servers online, %d clients; mean routing table %.1f peers; clients found in tables: %d
                    join time %d ms, measurement time %d ms, heap after GC %.1f MiB
                    FIND_NODE lookups: %d, success %.2f %%, hops median %d / p95 %d, rounds median %.0f, FIND_NODE requests per lookup %.1f (+ %.1f bucket-eviction PINGs)
                    records found after churn %.2f %%, after 22 h republish %.2f %%
                    region providers found after churn %.2f %%, after 22 h republish %.2f %%
                    after %d more days of %.0f %% churn a day: records of the %d owners still online found %.2f %%, records of the %d owners gone for 48 h or more expired %.2f %%
                    """, params.nodes, params.alpha, DhtConfig.K, params.seed, params.wire, params.churn * 100,
                    params.clientFraction * 100, serversOnline, clients, meanTableSize, clientsInTables, joinMillis,
                    measureMillis, heapBytes / 1048576.0, params.lookups, lookupSuccess * 100, medianHops, p95Hops,
                    medianRounds, messagesPerLookup, pingsPerLookup, recordsAfterChurn * 100, recordsAfterRepublish * 100,
                    providersAfterChurn * 100, providersAfterRepublish * 100, params.days, params.churn * 100, liveOwners,
                    liveOwnersFound * 100, goneOwners, goneOwnersExpired * 100);
        }
    }

    private final Params p;
    private final Random random;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final SimulatedNetwork network;
    private final List<KademliaDht> servers = new ArrayList<>();
    private final List<KademliaDht> clients = new ArrayList<>();
    private final DhtConfig serverConfig;

    public DhtSimulation(Params params) {
        this.p = params;
        this.random = new Random(params.seed);
        this.network = new SimulatedNetwork(params.wire);
        this.serverConfig = DhtConfig.defaults().withAlpha(params.alpha).withRefreshBuckets(4);
    }

    private KademliaDht newNode(byte[] peerId, boolean server) {
        DhtPeer self = new DhtPeer(peerId, List.of());
        DhtConfig cfg = serverConfig.withServerMode(server);
        KademliaDht dht = new KademliaDht(self, cfg, network.viewOf(self, server), new MemoryDhtStorage(),
                new SignedRecords(), clock::get, new Random(random.nextLong()));
        network.attach(dht);
        return dht;
    }

    private byte[] randomPeerId() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return PeerId.toBytes(key);
    }

    private void join(KademliaDht node) {
        if (!servers.isEmpty()) {
            KademliaDht seed = servers.get(random.nextInt(servers.size()));
            node.bootstrap(List.of(seed.self()));
        }
    }

    public Report run() {
        long t0 = System.nanoTime();
        int clientCount = (int) Math.round(p.nodes * p.clientFraction);
        int serverCount = p.nodes - clientCount;
        for (int i = 0; i < serverCount; i++) {
            KademliaDht n = newNode(randomPeerId(), true);
            join(n);
            servers.add(n);
        }
        for (int i = 0; i < clientCount; i++) {
            KademliaDht n = newNode(randomPeerId(), false);
            join(n);
            clients.add(n);
        }

        // publishers: server nodes with real keys, so their contact records are genuinely signed
        List<NodeIdentity> publishers = new ArrayList<>();
        List<KademliaDht> publisherNodes = new ArrayList<>();
        List<byte[]> recordKeys = new ArrayList<>();
        for (int i = 0; i < p.records; i++) {
            byte[] seedBytes = new byte[32];
            random.nextBytes(seedBytes);
            NodeIdentity id = NodeIdentity.fromSeed(seedBytes);
            KademliaDht n = newNode(PeerId.toBytes(id.publicIdentity().publicKey()), true);
            join(n);
            servers.add(n);
            publishers.add(id);
            publisherNodes.add(n);
            byte[] key = SignedRecords.nodeKey(id.publicIdentity().peerId());
            byte[] value = SignedRecords.signNodeContact(id, 1, "u0vx" + (i % 10), SignedRecords.NodeContact.RELAY,
                    List.of("overlay", "lora"), List.of());
            n.putValue(key, value);
            recordKeys.add(key);
        }
        List<byte[]> regionKeys = new ArrayList<>();
        for (int i = 0; i < p.regionKeys; i++) {
            byte[] key = RegionKeys.providerKey(String.format(Locale.ROOT, "u%03d", i));
            regionKeys.add(key);
            // three bridges per region
            for (int b = 0; b < 3; b++) servers.get(random.nextInt(servers.size())).provide(key);
        }
        long joinMillis = (System.nanoTime() - t0) / 1_000_000;

        // churn: servers leave silently, fresh servers join
        int leave = (int) Math.round(servers.size() * p.churn);
        Collections.shuffle(servers, random);
        List<KademliaDht> gone = new ArrayList<>(servers.subList(0, leave));
        servers.subList(0, leave).clear();
        for (KademliaDht g : gone) network.detach(g.self());
        clock.addAndGet(3_600_000L);
        for (int i = 0; i < leave; i++) {
            KademliaDht n = newNode(randomPeerId(), true);
            join(n);
            servers.add(n);
        }

        long t1 = System.nanoTime();
        List<KademliaDht> everyone = new ArrayList<>(servers);
        everyone.addAll(clients);
        int ok = 0;
        List<Integer> hops = new ArrayList<>();
        List<Integer> rounds = new ArrayList<>();
        long findNodeBefore = network.messages(DhtMessage.Type.FIND_NODE);
        long pingsBefore = network.messages(DhtMessage.Type.PING);
        for (int i = 0; i < p.lookups; i++) {
            KademliaDht from = everyone.get(random.nextInt(everyone.size()));
            KademliaDht target = servers.get(random.nextInt(servers.size()));
            while (target == from) target = servers.get(random.nextInt(servers.size()));
            KademliaDht.PeerSearch s = from.findPeer(target.self().id());
            rounds.add(s.rounds());
            if (s.peer() != null && s.peer().equals(target.self())) {
                ok++;
                hops.add(s.hops());
            }
        }
        double messagesPerLookup = (network.messages(DhtMessage.Type.FIND_NODE) - findNodeBefore) / (double) p.lookups;
        double pingsPerLookup = (network.messages(DhtMessage.Type.PING) - pingsBefore) / (double) p.lookups;
        double recordsAfterChurn = fractionFound(recordKeys, everyone);
        double providersAfterChurn = fractionProvided(regionKeys, everyone);

        // 22 virtual hours later: every live node runs its upkeep (expiry, republish of its own)
        clock.addAndGet(22 * 3_600_000L);
        for (KademliaDht n : servers) n.maintain();
        double recordsAfterRepublish = fractionFound(recordKeys, everyone);
        double providersAfterRepublish = fractionProvided(regionKeys, everyone);

        // days of churn: every day a share of the servers leaves and is replaced, everyone runs its upkeep
        java.util.Map<KademliaDht, Long> leftAt = new java.util.HashMap<>();
        for (KademliaDht g : gone) leftAt.put(g, clock.get() - 22 * 3_600_000L);
        for (int day = 0; day < p.days; day++) {
            Collections.shuffle(servers, random);
            List<KademliaDht> leaving = new ArrayList<>(servers.subList(0, leave));
            servers.subList(0, leave).clear();
            for (KademliaDht g : leaving) {
                network.detach(g.self());
                leftAt.put(g, clock.get());
            }
            for (int i = 0; i < leave; i++) {
                KademliaDht n = newNode(randomPeerId(), true);
                join(n);
                servers.add(n);
            }
            clock.addAndGet(24 * 3_600_000L);
            for (KademliaDht n : servers) n.maintain();
        }
        everyone = new ArrayList<>(servers);
        everyone.addAll(clients);
        List<byte[]> liveKeys = new ArrayList<>();
        List<byte[]> goneKeys = new ArrayList<>();
        for (int i = 0; i < recordKeys.size(); i++) {
            Long left = leftAt.get(publisherNodes.get(i));
            if (left == null) liveKeys.add(recordKeys.get(i));
            else if (clock.get() - left >= 48 * 3_600_000L) goneKeys.add(recordKeys.get(i));
        }
        double liveOwnersFound = fractionFound(liveKeys, everyone);
        double goneOwnersExpired = goneKeys.isEmpty() ? 1 : 1 - fractionFound(goneKeys, everyone);
        long measureMillis = (System.nanoTime() - t1) / 1_000_000;

        long tableTotal = 0;
        long clientsInTables = 0;
        java.util.Set<DhtPeer> clientPeers = new java.util.HashSet<>();
        for (KademliaDht c : clients) clientPeers.add(c.self());
        for (KademliaDht n : servers) {
            List<DhtPeer> all = n.routingTable().all();
            tableTotal += all.size();
            for (DhtPeer peer : all) if (clientPeers.contains(peer)) clientsInTables++;
        }
        Collections.sort(hops);
        Collections.sort(rounds);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        return new Report(p, servers.size(), clients.size(), joinMillis, measureMillis, ok / (double) p.lookups,
                hops.isEmpty() ? -1 : hops.get(hops.size() / 2), hops.isEmpty() ? -1 : hops.get((int) (hops.size() * 0.95)),
                rounds.isEmpty() ? -1 : rounds.get(rounds.size() / 2), messagesPerLookup, pingsPerLookup, recordsAfterChurn,
                recordsAfterRepublish, providersAfterChurn, providersAfterRepublish,
                tableTotal / (double) servers.size(), heap, clientsInTables, liveOwnersFound, liveKeys.size(),
                goneOwnersExpired, goneKeys.size());
    }

    private double fractionFound(List<byte[]> keys, List<KademliaDht> askers) {
        if (keys.isEmpty()) return 1;
        int found = 0;
        for (byte[] key : keys) {
            KademliaDht from = askers.get(random.nextInt(askers.size()));
            KademliaDht.GetResult r = from.getValue(key, 1);
            if (r.value() != null && new SignedRecords().validate(key, r.value()) == null) found++;
        }
        return found / (double) keys.size();
    }

    private double fractionProvided(List<byte[]> keys, List<KademliaDht> askers) {
        if (keys.isEmpty()) return 1;
        int found = 0;
        for (byte[] key : keys) {
            KademliaDht from = askers.get(random.nextInt(askers.size()));
            if (!from.findProviders(key, 1).providers().isEmpty()) found++;
        }
        return found / (double) keys.size();
    }

    /** {@code java ... DhtSimulation [--nodes N] [--churn F] [--lookups N] [--records N] [--seed S] [--wire] [--alpha A]} */
    public static void main(String[] args) {
        Params d = Params.of(10_000);
        int nodes = d.nodes();
        double churn = d.churn();
        int lookups = d.lookups();
        int records = d.records();
        long seed = d.seed();
        boolean wire = false;
        int alpha = d.alpha();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--churn" -> churn = Double.parseDouble(args[++i]);
                case "--lookups" -> lookups = Integer.parseInt(args[++i]);
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--alpha" -> alpha = Integer.parseInt(args[++i]);
                case "--wire" -> wire = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (" + Arrays.toString(args) + ")");
            }
        }
        Params params = new Params(nodes, churn, d.clientFraction(), lookups, records, d.regionKeys(), seed, wire, alpha, d.days());
        System.out.print(new DhtSimulation(params).run().toText());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
