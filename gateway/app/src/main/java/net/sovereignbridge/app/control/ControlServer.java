package net.sovereignbridge.app.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.cli.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's local control channel: a unix-domain stream socket {@code control.sock} in the state
 * directory, mode 0600 from the moment it is reachable (bound in a private staging directory, then moved
 * in place), inside a 0700 state directory, so only the daemon's owner (and root) can use it.
 *
 * <p>Protocol: the client writes one JSON object on one line ({"op": "send" | "inbox" | "status", ...}),
 * the server answers one JSON object on one line ({"ok": true, ...} or {"ok": false, "error": "..."}) and
 * closes. Requests are limited to 32 MiB (bundle files travel through it; only the owner can connect).
 */
public final class ControlServer implements AutoCloseable {
    public static final String SOCKET_NAME = "control.sock";
    static final int MAX_REQUEST = 32 * 1024 * 1024;
    private static final long CLOSE_WAIT_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /** Answers one request; may throw IllegalArgumentException for a bad request (reported to the client). */
    @FunctionalInterface
    public interface Handler {
        Map<String, Object> handle(Map<String, Object> request) throws Exception;
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "control");
        t.setDaemon(true);
        return t;
    });
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(Path socket, ServerSocketChannel server, Handler handler) {
        this.socket = socket;
        this.server = server;
        this.acceptor = new Thread(() -> acceptLoop(handler), "control-accept");
        this.acceptor.setDaemon(true);
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
        return s;
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop(Handler handler) {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                workers.execute(() -> serve(client, handler));
            } catch (IOException e) {
                if (!closed) log.warn("control socket: {}", e.getMessage());
                return;
            }
        }
    }

    private void serve(SocketChannel client, Handler handler) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                    StandardCharsets.UTF_8));
            String line = readLimitedLine(in);
            Map<String, Object> response;
            try {
                response = handler.handle(Json.parseObject(line));
            } catch (IllegalArgumentException e) {
                response = error(e.getMessage());
            } catch (Exception e) {
                log.warn("control request failed: {}", e.toString());
                response = error(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            OutputStream out = Channels.newOutputStream(client);
            out.write((Json.write(response) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | IllegalArgumentException e) {
            log.debug("control client: {}", e.getMessage());
        }
    }

    private static String readLimitedLine(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (sb.length() >= MAX_REQUEST) throw new IllegalArgumentException("request over " + MAX_REQUEST + " bytes");
            sb.append((char) c);
        }
        return sb.toString();
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

    private static void awaitEnd(Thread thread) {
        if (thread == Thread.currentThread()) return;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
            if (thread.isAlive()) log.warn("control socket: acceptor still running {} s after close", CLOSE_WAIT_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // shutting down
        }
        // Closing the channel does not close the listening socket while the acceptor thread is inside
        // accept(): the kernel holds it until that thread has left the call, and until then it still takes
        // connections through the socket file. A daemon started next on this state directory would see a
        // stale socket answer and refuse to run, so closed means "refuses connections" only once the
        // acceptor has ended; likewise no request is served after close returns.
        awaitEnd(acceptor);
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("control socket: a request still runs {} s after close", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // best effort: a stale socket is detected and removed at the next start
        }
    }
}
