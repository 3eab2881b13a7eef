package net.sovereignbridge.p2p.dht.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.encoding.Base58;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.dht.DhtConfig;
import net.sovereignbridge.p2p.dht.DhtPeer;
import net.sovereignbridge.p2p.dht.HostKadEndpoint;
import net.sovereignbridge.p2p.dht.KadStreams;
import net.sovereignbridge.p2p.dht.KademliaDht;
import net.sovereignbridge.p2p.dht.MemoryDhtStorage;
import net.sovereignbridge.p2p.dht.SignedRecords;
import net.sovereignbridge.p2p.dht.StreamDhtNetwork;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * Wall-clock cost of DHT operations over real libp2p streams on 127.0.0.1 (docs/benchmarks.md, "DHT over
 * libp2p streams"): S sbridge nodes (each its own Libp2pHost, TCP + Noise + yamux) and J js-libp2p kad-dht
 * nodes in one {@code /sbridge/kad/1.0.0} network. Measures, from an sbridge node and from a js node, the
 * latency of FIND_NODE lookups of random keys, GET_VALUE (quorum 1) of a signed record and PUT_VALUE to
 * the 20 closest. js figures include the JSON-line round trip to the node process (under 1 ms).
 * Arguments: [sbridge nodes, default 16] [js nodes, default 4] [lookups, default 40].
 */
public final class KadStreamsBench {
    public static void main(String[] args) throws Exception {
        int s = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int j = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int lookups = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        System.out.printf("java %s, %d cores, %d sbridge + %d js nodes, %d operations each%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), s, j, lookups);
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Libp2pHost> hosts = new ArrayList<>();
        List<KademliaDht> nodes = new ArrayList<>();
        List<JsLibp2pPeer> js = new ArrayList<>();
        Random random = new Random(1);
        try {
            for (int i = 0; i < s; i++) {
                NodeIdentity id = NodeIdentity.generate(new java.security.SecureRandom());
                Libp2pHost h = net.sovereignbridge.p2p.StandardHost.create(id, HostConfig.defaults());
                hosts.add(h);
                h.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
                HostKadEndpoint t = new HostKadEndpoint(h, KadStreams.SBRIDGE);
                DhtPeer self = new DhtPeer(PeerId.toBytes(id.publicIdentity().publicKey()), t.listenAddrs());
                KademliaDht d = new KademliaDht(self, DhtConfig.defaults(), new StreamDhtNetwork(t, KadStreams.SBRIDGE, pool, 10_000),
                        new MemoryDhtStorage(), new SignedRecords(), System::currentTimeMillis, new Random(random.nextLong()));
                t.serve(d);
                if (!nodes.isEmpty()) d.bootstrap(List.of(nodes.get(0).self()));
                nodes.add(d);
            }
            for (int i = 0; i < j; i++) {
                JsLibp2pPeer p = JsLibp2pPeer.start(Map.of("kad", Map.of("protocol", KadStreams.SBRIDGE, "clientMode", false)));
                js.add(p);
                p.call("kadSetMode", "mode", "server");
                p.call("dial", "addr", hosts.get(i % s).fullListenAddrs().get(0).toString());
            }
            Thread.sleep(3000); // js self-queries fill its tables
            for (KademliaDht d : nodes) d.bootstrap(List.of(nodes.get(0).self()));

            KademliaDht asker = nodes.get(s - 1);
            List<Double> find = new ArrayList<>();
            for (int i = 0; i < lookups; i++) {
                byte[] key = new byte[16];
                random.nextBytes(key);
                long t0 = System.nanoTime();
                asker.closestPeers(key);
                find.add((System.nanoTime() - t0) / 1e6);
            }
            NodeIdentity owner = NodeIdentity.generate(new java.security.SecureRandom());
            byte[] rkey = SignedRecords.nodeKey(owner.publicIdentity().peerId());
            List<Double> put = new ArrayList<>();
            int stored = 0;
            Libp2pHost ownerHost = net.sovereignbridge.p2p.StandardHost.create(owner, HostConfig.defaults()); // a client: dials out only
            hosts.add(ownerHost);
            KademliaDht publisher = new KademliaDht(new DhtPeer(PeerId.toBytes(owner.publicIdentity().publicKey()), List.of()),
                    DhtConfig.defaults().withServerMode(false), new StreamDhtNetwork(new HostKadEndpoint(ownerHost, KadStreams.SBRIDGE),
                    KadStreams.SBRIDGE, pool, 10_000), new MemoryDhtStorage(), new SignedRecords(), System::currentTimeMillis, new Random(3));
            publisher.bootstrap(List.of(nodes.get(1).self()));
            for (int i = 0; i < Math.max(1, lookups / 4); i++) {
                byte[] value = SignedRecords.signNodeContact(owner, i + 1, "u0vx", 0, List.of("overlay"), List.of());
                long t0 = System.nanoTime();
                stored = publisher.putValue(rkey, value).stored();
                put.add((System.nanoTime() - t0) / 1e6);
            }
            List<Double> get = new ArrayList<>();
            for (int i = 0; i < lookups; i++) {
                KademliaDht reader = nodes.get(1 + (i % (s - 1)));
                long t0 = System.nanoTime();
                if (reader.getValue(rkey, 1).value() == null) throw new AssertionError("value not found");
                get.add((System.nanoTime() - t0) / 1e6);
            }
            List<Double> jsFind = new ArrayList<>();
            List<Double> jsGet = new ArrayList<>();
            JsLibp2pPeer jsAsker = js.get(j - 1);
            for (int i = 0; i < lookups; i++) {
                byte[] key = new byte[16];
                random.nextBytes(key);
                long t0 = System.nanoTime();
                jsAsker.call("kadClosestPeers", "key", HexFormat.of().formatHex(key));
                jsFind.add((System.nanoTime() - t0) / 1e6);
                t0 = System.nanoTime();
                jsAsker.call("kadGet", "key", HexFormat.of().formatHex(rkey));
                jsGet.add((System.nanoTime() - t0) / 1e6);
            }
            System.out.printf("sbridge FIND_NODE ms median %.1f p95 %.1f%n", pct(find, 50), pct(find, 95));
            System.out.printf("sbridge GET_VALUE ms median %.1f p95 %.1f%n", pct(get, 50), pct(get, 95));
            System.out.printf("sbridge PUT_VALUE ms median %.1f p95 %.1f (stored on %d)%n", pct(put, 50), pct(put, 95), stored);
            System.out.printf("js      FIND_NODE ms median %.1f p95 %.1f%n", pct(jsFind, 50), pct(jsFind, 95));
            System.out.printf("js      GET_VALUE ms median %.1f p95 %.1f%n", pct(jsGet, 50), pct(jsGet, 95));
            System.out.printf("sbridge table sizes: asker %d, seed %d%n", asker.routingTable().size(), nodes.get(0).routingTable().size());
            publisher.close();
        } finally {
            for (JsLibp2pPeer p : js) p.close();
            for (KademliaDht d : nodes) d.close();
            for (Libp2pHost h : hosts) h.close();
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static double pct(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }

    @SuppressWarnings("unused")
    private static byte[] id(String peerId) {
        return Base58.decode(peerId);
    }
}
