package net.sovereignbridge.p2p.bitswap;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.p2p.StandardHost;
import net.sovereignbridge.p2p.content.BlockStore;
import net.sovereignbridge.p2p.content.Cid;
import net.sovereignbridge.p2p.content.UnixFsExporter;
import net.sovereignbridge.p2p.content.UnixFsImporter;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.storage.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bitswap 1.2.0 against a real helia 7.1.15 node (src/test/js/helia-peer) over a direct TCP connection:
 * helia fetches a file from us, we fetch one from helia, and a peer over our limits is cut off while the
 * service goes on serving.
 */
class BitswapHeliaTest {
    @TempDir
    Path dir;

    private Database db;
    private BlockStore store;
    private Bitswap bitswap;
    private Libp2pHost host;
    private Multiaddr listen;
    private JsLibp2pPeer helia;

    @BeforeEach
    void start() throws Exception {
        db = Database.open(dir.resolve("state"));
        store = new BlockStore(TestStores.of(db), 256L << 20);
        bitswap = new Bitswap(store, Bitswap.Limits.defaults());
        host = StandardHost.builder(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults()).service(bitswap).build();
        listen = host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        helia = JsLibp2pPeer.start(heliaFolder(), Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        if (helia != null) helia.close();
        if (host != null) host.close();
        if (db != null) db.close();
    }

    static Path heliaFolder() {
        return JsLibp2pPeer.folder().resolveSibling("helia-peer");
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private String ourAddress() {
        return listen + "/p2p/" + host.peerId();
    }

    @Test
    void heliaFetchesAFileWeServe() throws Exception {
        byte[] file = random(5_000_003, 1); // 20 leaves of 256 KiB and a root
        Cid root = store.addFile(new ByteArrayInputStream(file), UnixFsImporter.IMPORTER_DEFAULTS);
        helia.call("dial", "addr", ourAddress());
        Path out = dir.resolve("from-us.bin");
        Map<String, Object> cat = helia.call(Duration.ofSeconds(90), "cat", "cid", root.toString(), "out", out.toString(), "timeoutMs", 60_000L);
        assertEquals((long) file.length, cat.get("bytes"));
        assertEquals(sha256(file), cat.get("sha256"));
        assertArrayEquals(file, Files.readAllBytes(out));
        assertTrue(bitswap.counters().blocksSent.get() >= 21, "every block went by bitswap: " + bitswap.counters().toMap());
        System.out.printf("helia fetched %d blocks (%d B) from us in %d ms: %.0f blocks/s%n", bitswap.counters().blocksSent.get(),
                file.length, cat.get("ms"), bitswap.counters().blocksSent.get() * 1000.0 / Math.max(1, (Long) cat.get("ms")));
    }

    @Test
    void weFetchAFileHeliaAddedAndItsCidIsOurs() throws Exception {
        byte[] file = random(3_500_001, 2);
        Path f = dir.resolve("helia-has.bin");
        Files.write(f, file);
        String cid = (String) helia.call("addFile", "path", f.toString()).get("cid");
        // helia's addBytes defaults are the 1 MiB / 1024-link settings: the same CID from our importer
        Cid expected = new UnixFsImporter(UnixFsImporter.HELIA_ADD_FILE, (c, b) -> {}).importFile(new ByteArrayInputStream(file));
        assertEquals(expected.toString(), cid, "helia addBytes and our HELIA_ADD_FILE import");
        host.dial(Multiaddr.parse(helia.tcpAddr()));
        long start = System.nanoTime();
        Bitswap.Fetched got = bitswap.fetch(helia.peerId(), Cid.parse(cid), Duration.ofSeconds(30));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(4 + 1, got.blocks(), "four 1 MiB leaves and a root");
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        new UnixFsExporter(store::get).read(Cid.parse(cid), 0, Long.MAX_VALUE, back);
        assertArrayEquals(file, back.toByteArray());
        assertEquals(List.of(Cid.parse(cid)), store.pins().stream().map(BlockStore.Pin::root).toList());
        System.out.printf("we fetched %d blocks (%d B) from helia in %d ms%n", got.blocks(), got.bytes(), ms);
    }

    @Test
    void aBlockHeliaDoesNotHaveFailsTheFetchWithItsCid() throws Exception {
        host.dial(Multiaddr.parse(helia.tcpAddr()));
        Cid missing = Cid.of(Cid.RAW, "nobody has this".getBytes());
        Bitswap.FetchException e = assertThrows(Bitswap.FetchException.class,
                () -> bitswap.fetch(helia.peerId(), missing, Duration.ofSeconds(20)));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertEquals(0, store.usage().blocks());
    }

    @Test
    void aPeerOverTheWantlistLimitIsCutOffAndOthersAreStillServed() throws Exception {
        byte[] file = random(1_000, 3);
        Cid root = store.addFile(new ByteArrayInputStream(file), UnixFsImporter.IMPORTER_DEFAULTS);
        try (Libp2pHost rude = StandardHost.create(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults())) {
            List<BitswapMessage.Entry> tooMany = new java.util.ArrayList<>();
            for (int i = 0; i <= Bitswap.Limits.defaults().maxWantlistEntries(); i++) {
                tooMany.add(new BitswapMessage.Entry(Cid.of(Cid.RAW, new byte[] {(byte) i, (byte) (i >> 8)}).toBytes(), 1, false,
                        BitswapMessage.WantType.HAVE, true));
            }
            P2pStream s = rude.newStream(Multiaddr.parse(ourAddress()), List.of(Bitswap.PROTOCOL));
            BitswapMessage.write(s.output(), BitswapMessage.wants(tooMany).encode());
            // we reset the stream: the rude peer's next read ends
            assertThrows(java.io.IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    if (s.input().read() < 0) return;
                    BitswapMessage.write(s.output(), new byte[0]);
                }
                throw new java.io.IOException("still open");
            });
            assertEquals(1, bitswap.counters().badMessages.get());
        }
        helia.call("dial", "addr", ourAddress());
        Map<String, Object> cat = helia.call(Duration.ofSeconds(60), "cat", "cid", root.toString(), "out", dir.resolve("after.bin").toString(), "timeoutMs", 30_000L);
        assertEquals(sha256(file), cat.get("sha256"));
    }
}
