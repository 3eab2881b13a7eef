package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.control.ControlServer;
import net.sovereignbridge.mesh.custody.Bundle;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks and mistakes from the same host, against real daemons and the real CLI: a state directory
 * others can write, a second process racing for the key, hostile or oversized bundle files, and a user
 * who may not use the daemon's control socket.
 */
class LocalHardeningDaemonTest {
    @TempDir
    Path dir;

    @Test
    void identityRacingADaemonStartAlwaysPrintsTheDaemonsAddress() throws Exception {
        java.util.Random random = new java.util.Random(12);
        for (int round = 0; round < 20; round++) {
            Path state = dir.resolve("race" + round);
            Path cfg = Daemon.loopbackConfig(dir, "race" + round, Daemon.freeUdpPort(), false);
            int port = Daemon.freeUdpPort();
            CompletableFuture<Daemon> daemon = CompletableFuture.supplyAsync(() -> {
                try {
                    return Daemon.start(state, port, cfg);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(random.nextInt(400)); // lands before, during and after the daemon creates its key
            Daemon.Result asked = Daemon.cli("identity", "--json", "--state-dir", state.toString());
            try (Daemon d = daemon.get(120, TimeUnit.SECONDS)) {
                assertEquals(ExitCodes.OK, asked.exit(), asked.toString());
                String printedByDaemon = d.output().lines().filter(l -> l.startsWith("  address "))
                        .findFirst().orElseThrow().substring("  address ".length()).trim();
                assertEquals(printedByDaemon, asked.json().get("address"), "round " + round + ": one address");
                assertEquals(printedByDaemon, d.address(), "round " + round + ": asked again while it runs");
            }
            Daemon.Result after = Daemon.cli("identity", "--json", "--state-dir", state.toString());
            assertEquals(asked.json().get("address"), after.json().get("address"), "the key file holds the same identity");
        }
    }

    @Test
    void worldWritableStateDirectoryIsRefusedByRunWithTheFix() throws Exception {
        Path state = dir.resolve("open");
        Files.createDirectory(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        Daemon.Result r = Daemon.cli("run", "--state-dir", state.toString(), "--lan-port", "0");
        assertEquals(ExitCodes.IDENTITY, r.exit(), r.toString());
        assertTrue(r.err().contains("state directory " + state + " has permissions rwxrwxrwx")
                && r.err().contains("chmod go-w " + state), r.err());
        try (var files = Files.list(state)) {
            assertEquals(List.of(), files.toList(), "nothing is written into it");
        }
    }

    @Test
    void hostileBundlesAreReportedAndTheDaemonKeepsAnswering() throws Exception {
        Path cfg = Daemon.loopbackConfig(dir, "carrier", Daemon.freeUdpPort(), false);
        try (Daemon d = Daemon.start(dir.resolve("s"), Daemon.freeUdpPort(), cfg)) {
            // 100 MB with a valid magic: refused by size before anything is sent.
            Path huge = dir.resolve("huge.sbb");
            try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
                f.write("SBB1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                f.setLength(100L * 1024 * 1024);
            }
            long start = System.nanoTime();
            Daemon.Result r = Daemon.cli("bundle", "import", "--state-dir", d.stateDir.toString(), huge.toString());
            assertEquals(ExitCodes.FAILED, r.exit(), r.toString());
            assertEquals("sbridge: " + huge + " is 104857600 bytes; a bundle may be at most " + ControlServer.MAX_PAYLOAD
                    + " bytes (the daemon verifies it whole in memory); export smaller bundles", r.err().trim());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));

            // 20 MB correctly signed, all frames garbage: streamed (the CLI runs in 128 MB), counted, refused.
            NodeIdentity stranger = NodeIdentity.generate(new java.security.SecureRandom());
            java.util.Random random = new java.util.Random(3);
            List<byte[]> garbage = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                byte[] g = new byte[20_000];
                random.nextBytes(g);
                g[0] = (byte) 0xF1;
                garbage.add(g);
            }
            Path signedGarbage = dir.resolve("garbage.sbb");
            Files.write(signedGarbage, new Bundle(stranger.publicIdentity(), 1, garbage).sign(stranger));
            r = Daemon.cli("bundle", "import", "--state-dir", d.stateDir.toString(), signedGarbage.toString());
            assertEquals(ExitCodes.FAILED, r.exit(), r.toString());
            assertEquals("imported 0 of 1000 frames from " + signedGarbage
                    + "; 1000 rejected (frame 0: UNKNOWN_VERSION frame version 15)", r.out().trim());
            assertTrue(r.err().contains("none of its 1000 frames is a mesh frame"), r.err());

            Path shortFile = dir.resolve("short.sbb");
            Files.writeString(shortFile, "SBB1 cut off by a pulled USB stick");
            r = Daemon.cli("bundle", "import", "--state-dir", d.stateDir.toString(), shortFile.toString());
            assertEquals(ExitCodes.FAILED, r.exit());
            assertEquals("sbridge: bundle rejected: bundle file truncated: 34 bytes, even an empty bundle has 112",
                    r.err().trim());

            assertEquals(ExitCodes.OK, d.cliHere("status", "--json").exit(), "the daemon still answers");
            assertTrue(d.alive());
        }
    }

    @Test
    void anotherUserIsToldPermissionDeniedNotThatNoDaemonRuns() throws Exception {
        Path state = dir.resolve("s");
        Path cfg = Daemon.loopbackConfig(dir, "owner", Daemon.freeUdpPort(), false);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String nobody = "65534";
        List<String> asNobody = asUser(nobody);
        try (Daemon d = Daemon.start(state, Daemon.freeUdpPort(), cfg)) {
            // A 0700 state directory: the socket cannot even be seen.
            Daemon.Result r = run(asNobody, "status", "--state-dir", state.toString());
            assertEquals(ExitCodes.FAILED, r.exit(), r.toString());
            assertTrue(r.err().contains("permission denied: cannot look into state directory " + state), r.err());
            // A 0755 one (allowed: nobody else can write): the 0600 socket refuses the connection.
            Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
            r = run(asNobody, "status", "--state-dir", state.toString());
            assertEquals(ExitCodes.FAILED, r.exit(), r.toString());
            assertTrue(r.err().contains("permission denied on the control socket " + state.resolve("control.sock")), r.err());
            assertTrue(!r.err().contains("no sbridge daemon"), r.err());
        }
    }

    /**
     * The CLI's command line for another uid: the test's class path lives partly under /root (0700), so
     * its jars are copied to a directory that user can read.
     */
    private List<String> asUser(String uid) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.readString(Path.of("/proc/self/status"))
                .matches("(?s).*\\nUid:\\t0\\t.*"), "switching users needs root");
        Path jars = dir.resolve("jars");
        Files.createDirectory(jars);
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isRegularFile(p)) {
                Path copy = jars.resolve((i++) + "-" + p.getFileName());
                Files.copy(p, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            } else {
                entries.add(e); // the build's class directories are world-readable
            }
        }
        Files.setPosixFilePermissions(jars, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp", String.join(java.io.File.pathSeparator, entries),
                "net.sovereignbridge.app.Main"));
        return cmd;
    }

    private static Daemon.Result run(List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(Path.of("/tmp").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Daemon.Result(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.UTF_8),
                new String(err, java.nio.charset.StandardCharsets.UTF_8));
    }
}
