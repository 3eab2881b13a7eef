package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.p2p.content.UnixFsImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sbridge content add|get|ls|pin|unpin|gc} through a running daemon, across a restart. */
class ContentDaemonTest {
    @TempDir
    Path dir;

    private Daemon.Result content(Daemon d, String sub, String... args) throws Exception {
        String[] cmd = new String[args.length + 4];
        cmd[0] = "content";
        cmd[1] = sub;
        cmd[2] = "--state-dir";
        cmd[3] = d.stateDir.toString();
        System.arraycopy(args, 0, cmd, 4, args.length);
        return Daemon.cli(cmd);
    }

    @Test
    void aFileRoundTripsThroughTheDaemonAndItsStoreSurvivesARestart() throws Exception {
        byte[] data = new byte[6_000_017]; // 23 chunks of 256 KiB: a root over 23 leaves; 6 leaves of 1 MiB with helia's
        new Random(18).nextBytes(data);
        Path file = dir.resolve("photo.jpg");
        Files.write(file, data);
        String expected = new UnixFsImporter(UnixFsImporter.IMPORTER_DEFAULTS, (c, b) -> {}).importFile(new ByteArrayInputStream(data)).toString();
        String expectedHelia = new UnixFsImporter(UnixFsImporter.HELIA_ADD_FILE, (c, b) -> {}).importFile(new ByteArrayInputStream(data)).toString();
        Path cfg = Daemon.loopbackConfig(dir, "alpha", Daemon.freeUdpPort(), false);
        Files.writeString(cfg, Files.readString(cfg) + "content:\n  quota-bytes: 14000000\n");
        Path stateDir = dir.resolve("a");
        int port = Daemon.freeUdpPort();
        try (Daemon d = Daemon.start(stateDir, port, cfg)) {
            Daemon.Result add = content(d, "add", "--json", file.toString());
            assertEquals(ExitCodes.OK, add.exit(), add.toString());
            Map<String, Object> a = add.json();
            assertEquals(expected, a.get("cid"));
            assertEquals(24L, a.get("newBlocks"));
            Daemon.Result helia = content(d, "add", "--profile", "helia", file.toString());
            assertEquals(expectedHelia, helia.out().trim(), helia.toString());

            Path out = dir.resolve("back.jpg");
            Daemon.Result get = content(d, "get", "--out", out.toString(), expected);
            assertEquals(ExitCodes.OK, get.exit(), get.toString());
            assertArrayEquals(data, Files.readAllBytes(out));

            // over the quota of 14 MB: a third file of other bytes is refused, and says why
            byte[] more = new byte[data.length];
            new Random(19).nextBytes(more);
            Path other = dir.resolve("other.bin");
            Files.write(other, more);
            Daemon.Result full = content(d, "add", other.toString());
            assertEquals(ExitCodes.FAILED, full.exit());
            assertTrue(full.err().contains("content store is full") && full.err().contains("content.quota-bytes"), full.err());
            Map<String, Object> gc = content(d, "gc", "--json").json();
            assertTrue((Long) gc.get("removedBlocks") > 0, "the refused add's blocks went: " + gc);
            assertEquals(0L, content(d, "gc", "--json").json().get("removedBlocks"));
        }
        try (Daemon d = Daemon.start(stateDir, port, cfg)) {
            Map<String, Object> ls = content(d, "ls", "--json").json();
            List<?> pins = (List<?>) ls.get("pins");
            assertEquals(2, pins.size(), ls.toString());
            assertEquals(expected, ((Map<?, ?>) pins.get(0)).get("cid"));
            assertEquals((long) data.length, ((Map<?, ?>) pins.get(0)).get("size"));
            Path out = dir.resolve("after-restart.jpg");
            Daemon.Result get = content(d, "get", "--out", out.toString(), expected);
            assertEquals(ExitCodes.OK, get.exit(), get.err());
            assertArrayEquals(data, Files.readAllBytes(out));

            assertEquals(ExitCodes.OK, content(d, "unpin", expected).exit());
            Daemon.Result again = content(d, "unpin", expected);
            assertEquals(ExitCodes.FAILED, again.exit());
            assertTrue(again.err().contains("is not pinned"), again.err());
            Map<String, Object> gc = content(d, "gc", "--json").json();
            assertEquals(24L, gc.get("removedBlocks"), gc.toString());
            Daemon.Result gone = content(d, "get", "--out", dir.resolve("gone").toString(), expected);
            assertEquals(ExitCodes.FAILED, gone.exit());
            assertTrue(gone.err().contains("is not in the store"), gone.err());
            assertFalse(Files.exists(dir.resolve("gone.part")) || Files.exists(dir.resolve("gone")), "no partial file left");

            Daemon.Result bad = content(d, "pin", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG");
            assertEquals(ExitCodes.CONFIG, bad.exit());
            assertTrue(bad.err().contains("CIDv0"), bad.err());
            assertTrue(d.alive());
        }
    }
}
