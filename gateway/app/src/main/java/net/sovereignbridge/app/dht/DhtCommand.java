package net.sovereignbridge.app.dht;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.p2p.dht.KadId;
import net.sovereignbridge.p2p.dht.RegionKeys;
import net.sovereignbridge.p2p.dht.sim.DhtSimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sbridge dht ...}: the Kademlia DHT (see docs/dht.md). */
@Command(name = "dht", description = "Kademlia DHT tools", mixinStandardHelpOptions = true,
        subcommands = {DhtDaemonCommands.Put.class, DhtDaemonCommands.Get.class, DhtDaemonCommands.Provide.class,
                DhtDaemonCommands.Providers.class, DhtDaemonCommands.FindPeer.class, DhtDaemonCommands.Bridges.class,
                DhtDaemonCommands.Status.class, DhtCommand.Sim.class, DhtCommand.RegionKeysCommand.class})
public final class DhtCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "sim", description = "Churn simulation of N DHT nodes running the real routing and query code"
            + " over an in-process network (the benchmark in docs/benchmarks.md).")
    static final class Sim implements Callable<Integer> {
        @Option(names = "--nodes", defaultValue = "10000") int nodes;
        @Option(names = "--churn", defaultValue = "0.2", description = "fraction of servers replaced") double churn;
        @Option(names = "--clients", defaultValue = "0.1", description = "fraction of client-mode nodes") double clients;
        @Option(names = "--lookups", defaultValue = "2000") int lookups;
        @Option(names = "--records", defaultValue = "100", description = "signed node records put before churn") int records;
        @Option(names = "--regions", defaultValue = "20", description = "region keys provided by 3 bridges each") int regions;
        @Option(names = "--seed", defaultValue = "42") long seed;
        @Option(names = "--alpha", defaultValue = "3") int alpha;
        @Option(names = "--days", defaultValue = "3", description = "days of daily churn after the first measurement") int days;
        @Option(names = "--wire", description = "round-trip every message through the protobuf codec") boolean wire;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            var params = new DhtSimulation.Params(nodes, churn, clients, lookups, records, regions, seed, wire, alpha, days);
            DhtSimulation.Report r = new DhtSimulation(params).run();
            if (!json) {
                System.out.print(r.toText());
                return ExitCodes.OK;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodes", nodes);
            m.put("churn", churn);
            m.put("seed", seed);
            m.put("alpha", alpha);
            m.put("serversOnline", r.serversOnline());
            m.put("lookupSuccess", r.lookupSuccess());
            m.put("medianHops", r.medianHops());
            m.put("p95Hops", r.p95Hops());
            m.put("messagesPerLookup", r.messagesPerLookup());
            m.put("evictionPingsPerLookup", r.pingsPerLookup());
            m.put("recordsAfterChurn", r.recordsAfterChurn());
            m.put("recordsAfterRepublish", r.recordsAfterRepublish());
            m.put("providersAfterChurn", r.providersAfterChurn());
            m.put("providersAfterRepublish", r.providersAfterRepublish());
            m.put("meanTableSize", r.meanTableSize());
            m.put("days", days);
            m.put("liveOwnersFound", r.liveOwnersFound());
            m.put("goneOwnersExpired", r.goneOwnersExpired());
            m.put("heapBytes", r.heapBytes());
            m.put("joinMillis", r.joinMillis());
            m.put("measureMillis", r.measureMillis());
            System.out.println(Json.write(m));
            return ExitCodes.OK;
        }
    }

    @Command(name = "region-keys", description = "The provider keys a bridge at this geohash announces"
            + " (H(\"sbridge/region/\" + prefix) as a sha2-256 multihash).")
    static final class RegionKeysCommand implements Callable<Integer> {
        @Parameters(paramLabel = "GEOHASH") String geohash;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            List<Object> out = new ArrayList<>();
            try {
                for (int p : RegionKeys.PRECISIONS) {
                    if (geohash.length() < p) break;
                    String prefix = geohash.substring(0, p);
                    byte[] key = RegionKeys.providerKey(prefix);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("prefix", prefix);
                    m.put("key", HexFormat.of().formatHex(key));
                    m.put("kadId", HexFormat.of().formatHex(KadId.of(key).toBytes()));
                    out.add(m);
                }
            } catch (IllegalArgumentException e) {
                System.err.println("sbridge: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
            if (json) {
                System.out.println(Json.write(out));
            } else {
                for (Object o : out) {
                    @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) o;
                    System.out.println(m.get("prefix") + "  " + m.get("key"));
                }
            }
            return ExitCodes.OK;
        }
    }
}
