package net.sovereignbridge.p2p.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js script from src/test/js, run as a foreign peer. Its dependencies come from the folder's
 * package-lock.json ({@code npm ci}, once, when node_modules is missing); stdout lines are events.
 */
final class NodeScript implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private NodeScript(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.add(line);
            } catch (IOException ignored) {
                // Process ended.
            }
            lines.add("EXIT");
        }, "node-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static synchronized Path installed(String folder) throws IOException, InterruptedException {
        Path dir = Path.of("src/test/js", folder).toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            Process npm;
            try {
                npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
                        .directory(dir.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new AssertionError("npm is needed for the foreign-peer tests (apt-get install nodejs npm): "
                        + e.getMessage(), e);
            }
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new AssertionError("npm ci in " + dir + " failed:\n" + output);
            }
        }
        return dir;
    }

    static NodeScript start(String folder, String script, String... args) throws IOException, InterruptedException {
        Path dir = installed(folder);
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            return new NodeScript(pb.start());
        } catch (IOException e) {
            throw new AssertionError("node (Node.js 18 or later) is needed for the foreign-peer tests: " + e.getMessage(), e);
        }
    }

    /** The next line starting with {@code prefix} (earlier lines are kept for the failure message). */
    String expect(String prefix, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            String line = left > 0 ? lines.poll(left, TimeUnit.MILLISECONDS) : null;
            if (line == null) fail("node peer: no line starting with '" + prefix + "' within " + timeoutMs + " ms; saw " + seen);
            seen.add(line);
            if (line.startsWith(prefix)) return line;
            if (line.equals("EXIT")) fail("node peer exited before '" + prefix + "'; saw " + seen);
        }
    }

    void expectExit(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) fail("node peer still running; saw " + seen);
        assertEquals(0, process.exitValue(), "node peer exit status; saw " + seen);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
