package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import net.sovereignbridge.app.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon whose state directory sits on a file system that fills up (a real 4 MiB tmpfs, mounted for the
 * test): the CLI says "disk full" for what it asked, the daemon keeps answering, and it works again once
 * there is room.
 */
class FullDiskDaemonTest {
    @TempDir
    Path dir;

    @Test
    void aFullDiskIsReportedAsSuchOnTheCliPaths() throws Exception {
        Path mount = dir.resolve("small");
        Files.createDirectory(mount);
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.readString(Path.of("/proc/self/status"))
                .matches("(?s).*\\nUid:\\t0\\t.*"), "mounting a tmpfs needs root");
        run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mount.toString());
        try {
            Path state = mount.resolve("state");
            int discovery = Daemon.freeUdpPort();
            Path cfg = Daemon.loopbackConfig(dir, "full", discovery, true);
            Path peerCfg = Daemon.loopbackConfig(dir, "roomy", discovery, true);
            try (Daemon d = Daemon.start(state, Daemon.freeUdpPort(), cfg);
                    Daemon peer = Daemon.start(dir.resolve("peer"), Daemon.freeUdpPort(), peerCfg)) {
                String someone = peer.address();
                Daemon.await("the full one to learn its peer", 45, () -> Daemon.knowsPeer(someone).test(d.status()));
                Path filler = mount.resolve("filler");
                fill(filler);

                Daemon.Result send = d.cliHere("send", someone, "x".repeat(3000));
                assertEquals(ExitCodes.FAILED, send.exit(), send.toString());

                Daemon.Result export = Daemon.cli("bundle", "export", "--state-dir", state.toString(),
                        mount.resolve("out.sbb").toString());
                assertEquals(ExitCodes.FAILED, export.exit(), export.toString());
                assertEquals("sbridge: cannot write " + mount.resolve("out.sbb") + ": disk full (No space left on device)",
                        export.err().trim());
                assertTrue(Files.notExists(mount.resolve("out.sbb")), "no partial bundle left behind");

                assertEquals(ExitCodes.OK, d.cliHere("status", "--json").exit(), "the daemon still answers");
                Files.delete(filler);
                Daemon.Result again = d.cliHere("send", someone, "after the clean-up");
                assertEquals(ExitCodes.OK, again.exit(), "room again: accepted; " + again);
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) out.write(block);
        } catch (IOException full) {
            // the file system is full now
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
