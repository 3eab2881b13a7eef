package net.sovereignbridge.app.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.mesh.log.RateLimitedLog;

/**
 * The daemon's local control channel: a unix-domain stream socket {@code control.sock} in the state
 * directory, mode 0600 from the moment it is reachable (bound in a private staging directory, then moved
 * in place), inside a 0700 state directory, so only the daemon's owner (and root) can use it.
 *
 * <p>Protocol (docs/cli.md, "Control channel"): the client writes one JSON object on one line ({"op":
 * "send" | "inbox" | "status" | ..., ...}), at most {@link #MAX_REQUEST} bytes; when the object has a
 * {@code payloadBytes} field, exactly that many raw bytes follow the newline (a bundle file, at most
 * {@link #MAX_PAYLOAD}), handed to the handler as a {@code byte[]} under {@code payload}. The server answers
 * one JSON object on one line ({"ok": true, ...} or {"ok": false, "error": "..."}) and closes.
 *
 * <p>A client that sends nothing for {@link #READ_TIMEOUT_MS} gets an error and is disconnected, and
 * requests run on {@link #WORKERS} threads with a bounded queue (beyond it a request is refused at once as
 * "busy"), so idle or slow clients cannot block the commands of others.
 */
public final class ControlServer implements AutoCloseable {
    public static final String SOCKET_NAME = "control.sock";
    static final int MAX_REQUEST = 1024 * 1024;
    /** The largest raw payload (bundle file) one request may carry. */
    public static final int MAX_PAYLOAD = 32 * 1024 * 1024;
    static final long READ_TIMEOUT_MS = 5_000;
    static final int WORKERS = 8;
    static final int QUEUE = 32;
    private static final RateLimitedLog log = RateLimitedLog.of(ControlServer.class);

    /** Answers one request; may throw IllegalArgumentException for a bad request (reported to the client). */
    @FunctionalInterface
    public interface Handler {
        Map<String, Object> handle(Map<String, Object> request) throws Exception;
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "control");
                t.setDaemon(true);
                return t;
            });
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "control-timeout");
        t.setDaemon(true);
        return t;
    });
    /** Connections still sending their request, with the time they last sent a byte. */
    private final Set<Reading> reading = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(Path socket, ServerSocketChannel server, Handler handler) {
        this.socket = socket;
        this.server = server;
        this.acceptor = new Thread(() -> acceptLoop(handler), "control-accept");
        this.acceptor.setDaemon(true);
        workers.allowCoreThreadTimeOut(true);
    }

    public static ControlServer start(Path stateDir, Handler handler) throws IOException {
        Path socket = stateDir.resolve(SOCKET_NAME);
        if (Files.exists(socket)) {
            if (ControlClient.isAlive(stateDir)) {
                throw new IOException("another sbridge daemon is running on state directory " + stateDir
                        + " (its control socket " + socket + " answers)");
            }
            Files.delete(socket); // left behind by a daemon that died
        }
        // bind() creates the socket file with the umask's mode; bound in a fresh 0700 directory, chmod-ed to
        // 0600 and only then moved into place, it is never reachable by others, whatever the state
        // directory's own mode is.
        Path staging = Files.createTempDirectory(stateDir, ".control-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            Path staged = staging.resolve(SOCKET_NAME);
            server.bind(UnixDomainSocketAddress.of(staged));
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-------"));
            Files.move(staged, socket, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        } finally {
            Files.deleteIfExists(staging.resolve(SOCKET_NAME));
            Files.deleteIfExists(staging);
        }
        ControlServer s = new ControlServer(socket, server, handler);
        s.acceptor.start();
        s.timeouts.scheduleWithFixedDelay(s::expireIdleReaders, 250, 250, TimeUnit.MILLISECONDS);
        return s;
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop(Handler handler) {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) log.warn("control.accept", "control socket: {}", e);
                return;
            }
            try {
                workers.execute(() -> serve(client, handler));
            } catch (RejectedExecutionException busy) {
                // A short line fits the socket buffer: answering cannot block the acceptor.
                answerAndClose(client, error("the daemon is busy: " + (WORKERS + QUEUE)
                        + " control requests are in progress; try again"));
            }
        }
    }

    private void serve(SocketChannel client, Handler handler) {
        try (client) {
            Map<String, Object> response;
            Reading r = new Reading(client);
            reading.add(r);
            try {
                Map<String, Object> request = readRequest(r);
                reading.remove(r);
                response = handle(handler, request);
            } catch (BadRequest e) {
                response = error(e.getMessage());
            } finally {
                reading.remove(r);
            }
            write(client, response);
        } catch (IOException e) {
            log.debug("control.client", "control client: {}", e);
        }
    }

    private static Map<String, Object> handle(Handler handler, Map<String, Object> request) {
        try {
            return handler.handle(request);
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        } catch (Exception e) {
            log.warn("control.failed", "control request failed: {}", e);
            return error(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Reads the request line and, when announced, its payload; every limit violation is a BadRequest. */
    private Map<String, Object> readRequest(Reading r) throws IOException, BadRequest {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int newline = -1;
        while (newline < 0) {
            buf.clear();
            int n = r.read(buf);
            if (n < 0) {
                if (r.timedOut) throw new BadRequest("no request within " + READ_TIMEOUT_MS + " ms: disconnected");
                throw new BadRequest(line.size() == 0 ? "empty request" : "request ended before its newline");
            }
            buf.flip();
            for (int i = 0; i < n; i++) {
                if (buf.get(i) == '\n') {
                    newline = i;
                    break;
                }
            }
            int take = newline < 0 ? n : newline;
            if (line.size() + take > MAX_REQUEST) {
                throw new BadRequest("request line over " + MAX_REQUEST + " bytes (large data travels as a payload)");
            }
            line.write(buf.array(), 0, take);
            if (newline >= 0) buf.position(newline + 1);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new BadRequest("request is not UTF-8 text");
        }
        Map<String, Object> request;
        try {
            request = new LinkedHashMap<>(Json.parseObject(text));
        } catch (IllegalArgumentException e) {
            throw new BadRequest("request is not a JSON object: " + e.getMessage());
        }
        Object announced = request.remove("payloadBytes");
        if (announced == null) return request;
        if (!(announced instanceof Long size) || size < 0) throw new BadRequest("payloadBytes must be a non-negative integer");
        if (size > MAX_PAYLOAD) {
            throw new BadRequest("payload of " + size + " bytes is over the control channel's limit of " + MAX_PAYLOAD + " bytes");
        }
        byte[] payload = new byte[(int) (long) size];
        ByteBuffer p = ByteBuffer.wrap(payload);
        p.put(buf.slice(buf.position(), Math.min(buf.remaining(), payload.length)));
        while (p.hasRemaining()) {
            if (r.read(p) < 0) {
                throw new BadRequest(r.timedOut ? "payload stalled: nothing received for " + READ_TIMEOUT_MS + " ms after "
                        + p.position() + " of " + size + " bytes" : "payload ended after " + p.position() + " of " + size + " bytes");
            }
        }
        request.put("payload", payload);
        return request;
    }

    /** Shuts the input of every connection that sent nothing for READ_TIMEOUT_MS: its blocked read returns -1. */
    private void expireIdleReaders() {
        long now = System.nanoTime();
        for (Reading r : reading) {
            if (now - r.lastProgress > TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT_MS)) {
                r.timedOut = true;
                reading.remove(r);
                try {
                    r.channel.shutdownInput();
                } catch (IOException e) {
                    log.debug("control.client", "control client: {}", e);
                }
            }
        }
    }

    private static void answerAndClose(SocketChannel client, Map<String, Object> response) {
        try (client) {
            write(client, response);
        } catch (IOException e) {
            log.debug("control.client", "control client: {}", e);
        }
    }

    private static void write(SocketChannel client, Map<String, Object> response) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((Json.write(response) + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) client.write(out);
    }

    /** A connection in its reading phase. */
    private static final class Reading {
        final SocketChannel channel;
        volatile long lastProgress = System.nanoTime();
        volatile boolean timedOut;

        Reading(SocketChannel channel) {
            this.channel = channel;
        }

        int read(ByteBuffer b) throws IOException {
            int n = channel.read(b);
            if (n > 0) lastProgress = System.nanoTime();
            return n;
        }
    }

    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** A successful answer to fill in: {@code {"ok":true}}. */
    public static Map<String, Object> ok() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        return m;
    }

    /** A failed answer: {@code {"ok":false,"error":message}}. */
    public static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("error", message);
        return m;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // shutting down
        }
        try {
            // The listening socket is released only when the blocked accept() has returned: wait for it, so
            // that a new daemon (or a test) probing the socket right after close() finds nobody there.
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timeouts.shutdownNow();
        workers.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // best effort: a stale socket is detected and removed at the next start
        }
    }
}
