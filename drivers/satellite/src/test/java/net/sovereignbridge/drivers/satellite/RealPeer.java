package net.sovereignbridge.drivers.satellite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the Python test peers (Debian's python3-zfec) and gpg; fails loudly when they are missing. */
public final class RealPeer {
    private RealPeer() {}

    public static Path script(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = RealPeer.class.getResourceAsStream("/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    public static byte[] run(Path workDir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(false).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread errPump = new Thread(() -> { try { p.getErrorStream().transferTo(System.err); } catch (IOException ignored) { } });
        errPump.start();
        p.getInputStream().transferTo(out);
        if (!p.waitFor(120, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new IOException(String.join(" ", command) + " timed out"); }
        errPump.join();
        if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + " exited " + p.exitValue());
        return out.toByteArray();
    }

    /** Frames {@code file} with the Blockstream sender peer; returns its datagrams in send order. */
    public static List<byte[]> frame(Path dir, Path file, int channel, long sequence, double overhead) throws Exception {
        Path script = dir.resolve("blockstream_send.py");
        if (!Files.exists(script)) script(dir, "blockstream_send.py");
        Path out = dir.resolve("grams-" + sequence);
        run(dir, "/usr/bin/python3", script.toString(), file.toString(), out.toString(), Integer.toString(channel), Long.toString(sequence), Double.toString(overhead));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out));
        List<byte[]> grams = new ArrayList<>();
        while (b.hasRemaining()) { byte[] g = new byte[b.getShort() & 0xFFFF]; b.get(g); grams.add(g); }
        return grams;
    }
}
