package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running daemon and helia 7.1.15 (npm) exchange files by bitswap both ways over a direct connection. */
class ContentHeliaDaemonTest {
    @TempDir
    Path dir;

    @Test
    void heliaFetchesFromTheDaemonAndTheDaemonFetchesFromHelia() throws Exception {
        byte[] ours = new byte[2_000_003];
        new Random(7).nextBytes(ours);
        byte[] theirs = new byte[1_500_001];
        new Random(8).nextBytes(theirs);
        Path oursFile = dir.resolve("ours.bin");
        Path theirsFile = dir.resolve("theirs.bin");
        Files.write(oursFile, ours);
        Files.write(theirsFile, theirs);
        Path cfg = Daemon.loopbackConfig(dir, "alpha", Daemon.freeUdpPort(), false);
        try (Daemon d = Daemon.start(dir.resolve("a"), Daemon.freeUdpPort(), cfg);
                JsLibp2pPeer helia = JsLibp2pPeer.start(JsLibp2pPeer.folder().resolveSibling("helia-peer"), Map.of())) {
            Daemon.Result add = Daemon.cli("content", "add", "--state-dir", d.stateDir.toString(), oursFile.toString());
            assertEquals(ExitCodes.OK, add.exit(), add.toString());
            String ourCid = add.out().trim();
            @SuppressWarnings("unchecked")
            String daemonAddr = ((List<String>) ((Map<String, Object>) d.status().get("p2p")).get("listen")).get(0);

            helia.call("dial", "addr", daemonAddr);
            Map<String, Object> cat = helia.call(Duration.ofSeconds(90), "cat", "cid", ourCid, "out", dir.resolve("helia-got.bin").toString(),
                    "timeoutMs", 60_000L);
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ours)), cat.get("sha256"));

            String theirCid = (String) helia.call("addFile", "path", theirsFile.toString()).get("cid");
            Path got = dir.resolve("daemon-got.bin");
            Daemon.Result get = Daemon.cli("content", "get", "--state-dir", d.stateDir.toString(), "--from", helia.tcpAddr(),
                    "--out", got.toString(), theirCid);
            assertEquals(ExitCodes.OK, get.exit(), get.toString());
            assertTrue(get.err().contains("fetched 3 blocks"), "two 1 MiB-chunk leaves and a root: " + get.err());
            assertArrayEquals(theirs, Files.readAllBytes(got));
            Map<String, Object> ls = Daemon.cli("content", "ls", "--state-dir", d.stateDir.toString(), "--json").json();
            assertTrue(ls.toString().contains(theirCid), "the fetched file is pinned: " + ls);
        }
    }
}
