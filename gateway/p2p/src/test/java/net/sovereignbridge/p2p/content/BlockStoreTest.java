package net.sovereignbridge.p2p.content;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.p2p.storage.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block store on a real SQLite file: verification, pins, GC, quota, restart, damage on disk. */
class BlockStoreTest {
    private static final long QUOTA = 64L << 20;
    private static final UnixFsImporter.Options SMALL = new UnixFsImporter.Options(1000, 3);

    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] export(BlockStore store, Cid root) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new UnixFsExporter(store::get).read(root, 0, Long.MAX_VALUE, out);
        return out.toByteArray();
    }

    @Test
    void aFileAddedIsReadBackAfterARestartWithItsPin() throws Exception {
        byte[] file = random(3_000_001, 1);
        Cid root;
        BlockStore.Usage before;
        try (Database db = Database.open(dir)) {
            BlockStore store = new BlockStore(TestStores.of(db), QUOTA);
            root = store.addFile(new ByteArrayInputStream(file), UnixFsImporter.IMPORTER_DEFAULTS);
            // the same file again stores nothing new
            assertEquals(root, store.addFile(new ByteArrayInputStream(file), UnixFsImporter.IMPORTER_DEFAULTS));
            before = store.usage();
            assertEquals(12 + 1, before.blocks(), "12 leaves of 256 KiB and one root");
            assertArrayEquals(file, export(store, root));
        }
        assertEquals(1, Files.list(dir).filter(p -> p.getFileName().toString().equals(Database.FILE_NAME)).count());
        try (Database db = Database.open(dir)) {
            BlockStore store = new BlockStore(TestStores.of(db), QUOTA);
            assertEquals(before, store.usage());
            assertEquals(root, store.pins().get(0).root());
            assertEquals(0, store.gc().blocks(), "everything is pinned");
            assertArrayEquals(file, export(store, root));
            assertEquals(file.length, new UnixFsExporter(store::get).size(root));
        }
    }

    @Test
    void rangesAcrossChunksAndLevelsReadTheRightBytes() throws Exception {
        byte[] file = random(10_007, 2);
        try (Database db = Database.open(dir)) {
            BlockStore store = new BlockStore(TestStores.of(db), QUOTA);
            Cid root = store.addFile(new ByteArrayInputStream(file), SMALL); // 11 leaves, 3 links: 4 levels
            UnixFsExporter ex = new UnixFsExporter(store::get);
            for (long[] r : new long[][] {{0, 1}, {999, 2}, {2_999, 3_002}, {10_006, 5}, {10_007, 1}, {5_000, 0}, {0, 10_007}}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long n = ex.read(root, r[0], r[1], out);
                int from = (int) Math.min(r[0], file.length);
                int to = (int) Math.min(r[0] + r[1], file.length);
                assertEquals(to - from, n, "bytes read at " + r[0] + "+" + r[1]);
                assertArrayEquals(Arrays.copyOfRange(file, from, to), out.toByteArray(), "range " + r[0] + "+" + r[1]);
            }
        }
    }

    @Test
    void aBlockDamagedOnDiskIsDetectedAndRefused() throws Exception {
        byte[] file = random(5_000, 3);
        Cid root;
        try (Database db = Database.open(dir)) {
            root = new BlockStore(TestStores.of(db), QUOTA).addFile(new ByteArrayInputStream(file), SMALL);
        }
        // closing checkpointed the WAL into the database file: flip one byte of the third chunk there
        Path f = dir.resolve(Database.FILE_NAME);
        byte[] disk = Files.readAllBytes(f);
        byte[] needle = Arrays.copyOfRange(file, 2_000, 2_064);
        // SQLite may keep a stale copy of a cell in a free page after a B-tree split: damage every copy
        int copies = 0;
        for (int at = indexOf(disk, needle, 0); at >= 0; at = indexOf(disk, needle, at + 1)) {
            disk[at + 10] ^= 0x01;
            copies++;
        }
        assertTrue(copies >= 1, "the chunk's bytes are in the file");
        Files.write(f, disk);
        try (Database db = Database.open(dir)) {
            BlockStore store = new BlockStore(TestStores.of(db), QUOTA);
            Cid damaged = Cid.of(Cid.RAW, Arrays.copyOfRange(file, 2_000, 3_000));
            BlockStore.CorruptBlockException e = assertThrows(BlockStore.CorruptBlockException.class, () -> store.get(damaged));
            assertTrue(e.getMessage().contains(damaged.toString()) && e.getMessage().contains("damaged on disk"), e.getMessage());
            assertThrows(BlockStore.CorruptBlockException.class, () -> export(store, root));
            // the other chunks still read
            assertArrayEquals(Arrays.copyOfRange(file, 0, 1000), store.get(Cid.of(Cid.RAW, Arrays.copyOfRange(file, 0, 1000))));
        }
    }

    @Test
    void blocksThatDoNotMatchOrAreTooLargeAreRefused() throws Exception {
        try (Database db = Database.open(dir)) {
            BlockStore store = new BlockStore(TestStores.of(db), QUOTA);
            byte[] a = "a".getBytes();
            IOException wrong = assertThrows(IOException.class, () -> store.put(Cid.of(Cid.RAW, "b".getBytes()), a));
            assertTrue(wrong.getMessage().contains("does not hash to"), wrong.getMessage());
            byte[] big = new byte[BlockStore.MAX_BLOCK + 1];
            IOException large = assertThrows(IOException.class, () -> store.put(Cid.of(Cid.RAW, big), big));
            assertTrue(large.getMessage().contains("over the limit of " + BlockStore.MAX_BLOCK), large.getMessage());
            byte[] notPb = {0x55, 0x01};
            IOException bad = assertThrows(IOException.class, () -> store.put(Cid.of(Cid.DAG_PB, notPb), notPb));
            assertTrue(bad.getMessage().contains("dag-pb"), bad.getMessage());
            assertEquals(0, store.usage().blocks());
        }
    }

    @Test
    void theQuotaRefusesAPutAndGcFreesWhatTheRefusedImportLeft() throws Exception {
        try (Database db = Database.open(dir)) {
            BlockStore store = new BlockStore(TestStores.of(db), 10_000);
            Cid small = store.addFile(new ByteArrayInputStream(random(4_000, 4)), SMALL);
            BlockStore.QuotaExceededException e = assertThrows(BlockStore.QuotaExceededException.class,
                    () -> store.addFile(new ByteArrayInputStream(random(8_000, 5)), SMALL));
            assertTrue(e.getMessage().contains("content store is full") && e.getMessage().contains("of 10000 bytes"), e.getMessage());
            assertTrue(store.usage().bytes() <= 10_000);
            BlockStore.GcResult gc = store.gc();
            assertTrue(gc.blocks() > 0, "the refused import's blocks were unpinned");
            assertEquals(1, store.pins().size());
            assertArrayEquals(random(4_000, 4), export(store, small));
        }
    }

    @Test
    void gcKeepsEverythingAPinReachesAndBlocksSharedWithIt() throws Exception {
        byte[] zerosA = new byte[3_001];
        byte[] zerosB = new byte[2_000];
        try (Database db = Database.open(dir)) {
            BlockStore store = new BlockStore(TestStores.of(db), QUOTA);
            Cid a = store.addFile(new ByteArrayInputStream(zerosA), SMALL);
            Cid b = store.addFile(new ByteArrayInputStream(zerosB), SMALL);
            Cid other = store.addFile(new ByteArrayInputStream(random(3_500, 6)), SMALL);
            assertTrue(store.unpin(b));
            assertFalse(store.unpin(b));
            assertTrue(store.unpin(other));
            long before = store.usage().blocks();
            BlockStore.GcResult gc = store.gc();
            // b's root goes; its zero chunk is a's too. other: 4 leaves, 2 nodes over them, 1 root
            assertEquals(1 + (4 + 2 + 1), gc.blocks());
            assertEquals(before - gc.blocks(), store.usage().blocks());
            assertArrayEquals(zerosA, export(store, a));
            assertNull(store.get(b));
            assertThrows(UnixFsExporter.MissingBlockException.class, () -> export(store, other));
            IOException pin = assertThrows(IOException.class, () -> store.pin(other));
            assertTrue(pin.getMessage().contains("is not in the store"), pin.getMessage());
        }
    }

    @Test
    void cidTextAndBinaryFormsParseBackAndForeignOnesAreRefused() {
        Cid c = Cid.of(Cid.DAG_PB, "x".getBytes());
        assertEquals(c, Cid.parse(c.toString()));
        assertEquals(c, Cid.fromBytes(c.toBytes()));
        assertEquals(Cid.RAW, Cid.parse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku").codec());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cid.parse("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"))
                .getMessage().contains("CIDv0"));
        assertThrows(IllegalArgumentException.class, () -> Cid.parse("bafk!"));
        assertThrows(IllegalArgumentException.class, () -> Cid.parse("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA"));
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
