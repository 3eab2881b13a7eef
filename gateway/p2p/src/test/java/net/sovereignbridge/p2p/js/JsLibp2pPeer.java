package net.sovereignbridge.p2p.js;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A js-libp2p peer (src/test/js/libp2p-peer/peer.mjs) in a child process, for interop tests.
 *
 * <p>It runs {@code npm ci} in that folder first when node_modules is missing or older than
 * package-lock.json, starts
 * {@code node --import ./polyfill.mjs peer.mjs OPTIONS}, reads its JSON lines (the first says its
 * PeerId and addresses; then answers to {@link #call} and events) and kills it on {@link #close}. Its
 * stderr goes to target/js-peer-N.log. To give it more commands (DHT, WebSocket tests), add entries to
 * {@code commands} in peer.mjs and call them here by name.
 */
public final class JsLibp2pPeer implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Object INSTALL = new Object();

    private final Process process;
    private final BufferedWriter stdin;
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final String peerId;
    private final List<String> addrs;
    private final Path log;

    private JsLibp2pPeer(Process process, Path log) throws IOException {
        this.process = process;
        this.log = log;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Map<String, Object>> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    Map<String, Object> m;
                    try {
                        m = MiniJson.parseObject(line);
                    } catch (IllegalArgumentException e) {
                        continue; // not one of ours (a library printing to stdout)
                    }
                    if ("listening".equals(m.get("event"))) listening.complete(m);
                    Object id = m.get("id");
                    if (id instanceof Long l && pending.containsKey(l)) {
                        pending.remove(l).complete(m);
                    } else if (m.containsKey("event")) {
                        synchronized (events) {
                            events.add(m);
                            events.notifyAll();
                        }
                    }
                }
            } catch (IOException e) {
                // process ended
            }
            IOException gone = new IOException("js peer exited; see " + this.log);
            listening.completeExceptionally(gone);
            pending.values().forEach(f -> f.completeExceptionally(gone));
            synchronized (events) {
                events.notifyAll();
            }
        }, "js-peer-reader");
        reader.setDaemon(true);
        reader.start();
        Map<String, Object> first;
        try {
            first = listening.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("js peer did not start: " + e + "; log: " + tail(log), e);
        }
        this.peerId = (String) first.get("peerId");
        this.addrs = strings(first.get("addrs"));
    }

    /** The folder with package.json, package-lock.json and peer.mjs. */
    public static Path folder() {
        Path p = Path.of("src/test/js/libp2p-peer");
        if (!Files.isDirectory(p)) p = Path.of("gateway/p2p/src/test/js/libp2p-peer"); // run from the repository root
        if (!Files.isDirectory(p)) p = Path.of("../p2p/src/test/js/libp2p-peer"); // run from another gateway module
        return p.toAbsolutePath();
    }

    public static JsLibp2pPeer start() throws IOException {
        return start(Map.of());
    }

    /** Starts a peer; options as documented in peer.mjs (tcpPort, wsPort, seed, agent). */
    public static JsLibp2pPeer start(Map<String, Object> options) throws IOException {
        return start(folder(), null, options);
    }

    /**
     * Starts a peer inside a network namespace ({@code ip netns exec NS node ...}, e.g. a NatLab host; give
     * it "host": its address there), or on this machine's network with {@code netns} null.
     */
    public static JsLibp2pPeer startIn(String netns, Map<String, Object> options) throws IOException {
        return start(folder(), netns, options);
    }

    /**
     * Starts {@code peer.mjs} of another npm folder that speaks the same JSON lines (the helia peer in
     * src/test/js/helia-peer), after {@code npm ci} there when needed; the folder has its own polyfill.mjs.
     */
    public static JsLibp2pPeer start(Path dir, Map<String, Object> options) throws IOException {
        return start(dir, null, options);
    }

    private static JsLibp2pPeer start(Path dir, String netns, Map<String, Object> options) throws IOException {
        installIfNeeded(dir);
        Path logDir = Path.of("target");
        Files.createDirectories(logDir);
        Path log = logDir.resolve("js-peer-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet() + ".log").toAbsolutePath();
        List<String> cmd = new ArrayList<>();
        if (netns != null) cmd.addAll(List.of("ip", "netns", "exec", netns));
        cmd.addAll(List.of("node", "--expose-gc", "--import", "./polyfill.mjs", "peer.mjs", MiniJson.write(options)));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectError(log.toFile());
        return new JsLibp2pPeer(pb.start(), log);
    }

    private static void installIfNeeded(Path dir) throws IOException {
        synchronized (INSTALL) {
            // npm writes node_modules/.package-lock.json on install: older than package-lock.json means the
            // lock file changed since (a helper added a package), so install again
            Path installed = dir.resolve("node_modules/.package-lock.json");
            if (Files.isRegularFile(installed)
                    && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(dir.resolve("package-lock.json"))) >= 0) {
                return;
            }
            Path log = dir.resolve("npm-ci.log");
            Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IOException("npm ci in " + dir + " took over 10 minutes");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during npm ci", e);
            }
            if (p.exitValue() != 0) throw new IOException("npm ci in " + dir + " failed: " + tail(log));
        }
    }

    public String peerId() {
        return peerId;
    }

    /** Its listen addresses, each ending in /p2p/PEERID. */
    public List<String> addrs() {
        return addrs;
    }

    /** Its first TCP (not WebSocket) listen address. */
    public String tcpAddr() {
        return addrs.stream().filter(a -> a.contains("/tcp/") && !a.contains("/ws")).findFirst()
                .orElseThrow(() -> new IllegalStateException("js peer has no TCP address: " + addrs));
    }

    public Map<String, Object> call(String cmd, Object... keyValues) throws IOException {
        return call(Duration.ofSeconds(60), cmd, keyValues);
    }

    /**
     * Sends {@code {"id":N,"cmd":cmd, key: value...}} and waits for the answer.
     *
     * @throws IOException when the peer answered ok=false (with its error) or did not answer in time
     */
    public Map<String, Object> call(Duration timeout, String cmd, Object... keyValues) throws IOException {
        long id = nextId.incrementAndGet();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("cmd", cmd);
        for (int k = 0; k + 1 < keyValues.length; k += 2) m.put((String) keyValues[k], keyValues[k + 1]);
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        pending.put(id, f);
        synchronized (stdin) {
            stdin.write(MiniJson.write(m));
            stdin.write('\n');
            stdin.flush();
        }
        Map<String, Object> answer;
        try {
            answer = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            pending.remove(id);
            throw new IOException("js peer: " + cmd + " got no answer: " + e + "; log: " + tail(log), e);
        }
        if (!Boolean.TRUE.equals(answer.get("ok"))) throw new IOException("js peer: " + cmd + " failed: " + answer.get("error"));
        return answer;
    }

    /** Waits for an event line matching {@code match} (events seen earlier count too). */
    public Map<String, Object> awaitEvent(Predicate<Map<String, Object>> match, Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (Map<String, Object> e : events) if (match.test(e)) return e;
                long left = end - System.nanoTime();
                if (left <= 0 || !process.isAlive()) throw new IOException("js peer: no such event in " + timeout + "; seen " + events);
                try {
                    events.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        try {
            synchronized (stdin) {
                stdin.close(); // the peer stops when its stdin ends
            }
            if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    @SuppressWarnings("unchecked")
    public static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<Object>) list) out.add((String) o);
        return out;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object o) {
        return (Map<String, Object>) o;
    }

    private static String tail(Path p) {
        try {
            List<String> lines = Files.readAllLines(p);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log " + p + ")";
        }
    }

}
