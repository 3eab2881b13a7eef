package net.sovereignbridge.app.transport.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.satellite.ApiMessage;
import net.sovereignbridge.drivers.satellite.RealPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sbridge satellite key|prepare|listen} as separate processes, against gpg and python3-zfec: gpg
 * encrypts to the printed key, gpg and zfec undo what prepare wrote, and listen saves what either sent.
 */
class SatelliteCliTest {
    @TempDir Path dir;
    private Uplink uplink;
    private Process listener;

    @AfterEach void tearDown() throws Exception {
        if (listener != null) listener.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (uplink != null) uplink.close();
    }

    static List<String> java(String... jvmOptions) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "net.sovereignbridge.app.Main"));
        return cmd;
    }

    record Result(int exit, String out, String err) {}

    static Result sbridge(String... args) throws Exception {
        List<String> cmd = java("-Xmx128m");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] err = new byte[0];
        var errRead = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "sbridge " + String.join(" ", args) + " did not finish");
        err = errRead.get();
        return new Result(p.exitValue(), out, new String(err, StandardCharsets.UTF_8));
    }

    /** Starts {@code sbridge satellite listen ...} and waits until it has joined the group. */
    LinkedBlockingQueue<String> listen(List<String> jvm, String... args) throws Exception {
        List<String> cmd = java(jvm.toArray(String[]::new));
        cmd.addAll(List.of("satellite", "listen"));
        cmd.addAll(List.of(args));
        listener = new ProcessBuilder(cmd).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> err = new LinkedBlockingQueue<>();
        pump(listener.getInputStream(), lines);
        pump(listener.getErrorStream(), err);
        String first = err.poll(60, TimeUnit.SECONDS);
        assertTrue(first != null && first.startsWith("listening on lo"), "listen did not start: " + first + " " + err);
        return lines;
    }

    private static void pump(java.io.InputStream in, LinkedBlockingQueue<String> to) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) to.add(l);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static int freePort() throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test void keyPrintsAPublicKeyGpgEncryptsToAndPrepareWritesWhatGpgAndZfecUndo() throws Exception {
        Path state = dir.resolve("state");
        Result key = sbridge("satellite", "key", "--state-dir", state.toString());
        assertEquals(0, key.exit(), key.err());
        assertTrue(key.out().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"), key.out());
        assertTrue(!key.out().contains("PRIVATE"), "only the public half is printed");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(SatelliteKeyFile.FILE_NAME))));
        assertEquals(key.out(), sbridge("satellite", "key", "--state-dir", state.toString()).out(), "the key is made once");

        uplink = new Uplink(dir.resolve("sky"), 4433);
        uplink.gpg.generate("Recipient <rcpt@sat.test>");
        Path rcpt = dir.resolve("rcpt.asc");
        Files.write(rcpt, uplink.gpg.run("--armor", "--export", "rcpt@sat.test"));
        byte[] file = new byte[400_000];
        new Random(9).nextBytes(file);
        Path in = dir.resolve("report.pdf"), up = dir.resolve("upload.bin");
        Files.write(in, file);
        Result prep = sbridge("satellite", "prepare", "--recipient", rcpt.toString(), in.toString(), up.toString());
        assertEquals(0, prep.exit(), prep.err());
        assertEquals(0, Files.size(up) % 1464, "whole FEC packets, one per Blockstream fragment");
        // zfec decodes with packets lost, gpg decrypts, the API header names the file and its CRC matches
        RealPeer.script(uplink.dir, "fec_decode.py");
        Path cipher = dir.resolve("cipher.gpg"), plain = dir.resolve("plain");
        RealPeer.run(uplink.dir, "/usr/bin/python3", uplink.dir.resolve("fec_decode.py").toString(), up.toString(), cipher.toString(), "1,7,20");
        uplink.gpg.run("--output", plain.toString(), "--decrypt", cipher.toString());
        ApiMessage m = ApiMessage.decapsulate(Files.readAllBytes(plain));
        assertEquals("report.pdf", m.fileName());
        assertArrayEquals(file, m.payload());

        Result noKey = sbridge("satellite", "prepare", "--recipient", in.toString(), in.toString(), up.toString());
        assertEquals(2, noKey.exit());
        assertTrue(noKey.err().contains("not an OpenPGP public key"), noKey.err());
    }

    @Test void listenSavesGpgMessagesAndPreparedUploadsThroughLossyMulticast() throws Exception {
        int port = freePort();
        uplink = new Uplink(dir.resolve("sky"), port);
        uplink.gpg.generate("Gateway <gw@sat.test>");
        Path secret = dir.resolve("gw-secret.asc"); // as the issue says: gpg --armor --export-secret-keys, in a 0600 file
        Files.write(secret, uplink.gpg.run("--armor", "--export-secret-keys", "gw@sat.test"));
        Path out = dir.resolve("received");
        Result open = sbridge("satellite", "listen", "--interface", "lo", "--port", "" + port, "--key", secret.toString(), "--out", out.toString());
        assertEquals(3, open.exit(), "a secret key others can read is refused");
        assertTrue(open.err().contains("chmod 600"), open.err());
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));

        Path signers = dir.resolve("signers.asc");
        Files.write(signers, uplink.senderPublicKey());
        LinkedBlockingQueue<String> lines = listen(List.of("-Xmx128m"), "--interface", "lo", "--port", "" + port, "--key", secret.toString(),
                "--signers", signers.toString(), "--out", out.toString(), "--json", "--exit-after", "2");
        byte[] text = "a message and a file from gpg".getBytes(StandardCharsets.UTF_8);
        uplink.send(Uplink.impair(uplink.frame(uplink.encryptFile("note.txt", text, "gw@sat.test", true), 0.25), 1));
        String line = lines.poll(60, TimeUnit.SECONDS);
        assertTrue(line != null && line.contains("\"outcome\":\"file\"") && line.contains("\"signature\":\"valid\""), String.valueOf(line));
        assertArrayEquals(text, Files.readAllBytes(out.resolve("note.txt")));

        // prepare's upload, cut into Blockstream fragments as the teleport does (the sender peer without FEC)
        Path pub = dir.resolve("gw.asc"), in = dir.resolve("bulletin.txt"), up = dir.resolve("upload.bin");
        Files.write(pub, uplink.gpg.run("--armor", "--export", "gw@sat.test"));
        Files.writeString(in, "bulletin for the offline mesh");
        assertEquals(0, sbridge("satellite", "prepare", "--fec-overhead", "0.25", "--recipient", pub.toString(), in.toString(), up.toString()).exit());
        uplink.send(Uplink.impair(uplink.frame(Files.readAllBytes(up), 0), 2));
        line = lines.poll(60, TimeUnit.SECONDS);
        assertTrue(line != null && line.contains("\"outcome\":\"file\"") && line.contains("\"signature\":\"unsigned\""), String.valueOf(line));
        assertEquals("bulletin for the offline mesh", Files.readString(out.resolve("bulletin.txt")));
        assertTrue(listener.waitFor(30, TimeUnit.SECONDS), "--exit-after 2 ends the listener");
        assertEquals(0, listener.exitValue());
    }
}
