package net.sovereignbridge.p2p.content.bench;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.p2p.StandardHost;
import net.sovereignbridge.p2p.bitswap.Bitswap;
import net.sovereignbridge.p2p.content.BlockStore;
import net.sovereignbridge.p2p.content.Cid;
import net.sovereignbridge.p2p.content.UnixFsExporter;
import net.sovereignbridge.p2p.content.UnixFsImporter;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.storage.TestStores;

/**
 * Content figures for docs/benchmarks.md ("Content"). {@code local MIB RUNS}: import alone, add into the
 * SQLite store on disk, and get back (every block re-hashed), MB/s, with helia's addBytes and local cat of
 * the same bytes beside them. {@code bitswap MIB RUNS}: blocks/s helia fetches from us, we fetch from
 * helia, and helia from helia (the reference), all over 127.0.0.1 in the same run.
 */
public final class ContentBench {
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "local";
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        byte[] data = new byte[mib << 20];
        new Random(42).nextBytes(data);
        Path tmp = Files.createTempDirectory("content-bench");
        Path file = tmp.resolve("data.bin");
        Files.write(file, data);
        try {
            if (mode.equals("local")) local(data, file, tmp, runs);
            else bitswap(data, file, tmp, runs);
        } finally {
            try (var w = Files.walk(tmp)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double mbps(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static void local(byte[] data, Path file, Path tmp, int runs) throws Exception {
        try (JsLibp2pPeer helia = JsLibp2pPeer.start(JsLibp2pPeer.folder().resolveSibling("helia-peer"), Map.of())) {
            for (int run = 0; run < runs; run++) {
                long t0 = System.nanoTime();
                new UnixFsImporter(UnixFsImporter.IMPORTER_DEFAULTS, (c, b) -> {}).importFile(new ByteArrayInputStream(data));
                long importNs = System.nanoTime() - t0;
                Path dir = tmp.resolve("run" + run);
                double add;
                double get;
                try (Database db = Database.open(dir)) {
                    BlockStore store = new BlockStore(TestStores.of(db), 1L << 40);
                    long t1 = System.nanoTime();
                    Cid root = store.addFile(new ByteArrayInputStream(data), UnixFsImporter.IMPORTER_DEFAULTS);
                    add = mbps(data.length, System.nanoTime() - t1);
                    long t2 = System.nanoTime();
                    long n = new UnixFsExporter(store::get).read(root, 0, Long.MAX_VALUE, OutputStream.nullOutputStream());
                    get = mbps(n, System.nanoTime() - t2);
                }
                Map<String, Object> added = helia.call(Duration.ofMinutes(5), "addFile", "path", file.toString());
                Map<String, Object> cat = helia.call(Duration.ofMinutes(5), "cat", "cid", added.get("cid"), "out",
                        tmp.resolve("cat.bin").toString(), "timeoutMs", 300_000L);
                System.out.printf("run %d: import %.1f MB/s, add to store %.1f MB/s, get %.1f MB/s | helia addBytes %.1f MB/s, cat %.1f MB/s%n",
                        run, mbps(data.length, importNs), add, get, mbps(data.length, (Long) added.get("ms") * 1_000_000),
                        mbps(data.length, (Long) cat.get("ms") * 1_000_000));
            }
        }
    }

    private static void bitswap(byte[] data, Path file, Path tmp, int runs) throws Exception {
        for (int run = 0; run < runs; run++) {
            Path dir = tmp.resolve("run" + run);
            try (Database db = Database.open(dir);
                    JsLibp2pPeer h1 = JsLibp2pPeer.start(JsLibp2pPeer.folder().resolveSibling("helia-peer"), Map.of());
                    JsLibp2pPeer h2 = JsLibp2pPeer.start(JsLibp2pPeer.folder().resolveSibling("helia-peer"), Map.of())) {
                BlockStore store = new BlockStore(TestStores.of(db), 1L << 40);
                Bitswap bitswap = new Bitswap(store, Bitswap.Limits.defaults());
                try (Libp2pHost host = StandardHost.builder(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults()).service(bitswap).build()) {
                    Multiaddr listen = host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
                    // helia fetches from us: our import (256 KiB leaves)
                    Cid ours = store.addFile(new ByteArrayInputStream(data), UnixFsImporter.IMPORTER_DEFAULTS);
                    h2.call("dial", "addr", listen + "/p2p/" + host.peerId());
                    long sentBefore = bitswap.counters().blocksSent.get();
                    Map<String, Object> cat = h2.call(Duration.ofMinutes(5), "cat", "cid", ours.toString(), "out", tmp.resolve("a.bin").toString(), "timeoutMs", 300_000L);
                    long served = bitswap.counters().blocksSent.get() - sentBefore;
                    double heliaFromUs = served * 1000.0 / (Long) cat.get("ms");
                    // we fetch from helia: helia's import (1 MiB leaves)
                    String theirs = (String) h1.call(Duration.ofMinutes(5), "addFile", "path", file.toString()).get("cid");
                    host.dial(Multiaddr.parse(h1.tcpAddr()));
                    long t0 = System.nanoTime();
                    Bitswap.Fetched f = bitswap.fetch(h1.peerId(), Cid.parse(theirs), Duration.ofSeconds(60));
                    double usFromHelia = f.blocks() / ((System.nanoTime() - t0) / 1e9);
                    // the reference: helia from helia, the same file and blocks
                    h2.call("dial", "addr", h1.tcpAddr());
                    Map<String, Object> ref = h2.call(Duration.ofMinutes(5), "cat", "cid", theirs, "out", tmp.resolve("b.bin").toString(), "timeoutMs", 300_000L);
                    double heliaFromHelia = f.blocks() * 1000.0 / (Long) ref.get("ms");
                    System.out.printf("run %d: helia<-us %.0f blocks/s (%d x 256 KiB, %.1f MB/s) | us<-helia %.0f blocks/s (%d x 1 MiB, %.1f MB/s)"
                            + " | helia<-helia %.0f blocks/s (%.1f MB/s)%n", run, heliaFromUs, served, mbps(data.length, (Long) cat.get("ms") * 1_000_000),
                            usFromHelia, f.blocks(), usFromHelia * f.bytes() / f.blocks() / 1e6, heliaFromHelia,
                            mbps(data.length, (Long) ref.get("ms") * 1_000_000));
                }
            }
        }
    }
}
