package net.sovereignbridge.app.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The no-setup broker: Mosquitto on 127.0.0.1. If something already accepts MQTT connections on the port
 * (the images run Mosquitto as a system service) it is used as is; otherwise the gateway starts
 * {@code mosquitto} itself, bound to loopback only, without persistence, and stops it on close.
 *
 * <p>Why not an in-JVM broker: Moquette 0.17 (the one Maven Central serves here) pulls in Netty,
 * H2 MVStore, Jackson-databind 2.8, Bugsnag, Librato metrics and a Log4j 1 binding that collides with our
 * SLF4J 2; Mosquitto costs about 1 MB of RAM. See docs/decisions.md.
 *
 * <p>The child runs under {@code sh}, which waits on standard input: if the JVM dies without closing us
 * (SIGKILL, OOM), the pipe closes and the shell kills Mosquitto, so no orphan broker keeps the port.
 */
public final class LoopbackBroker implements AutoCloseable {
    private final int port;
    private final Process process;

    private LoopbackBroker(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** True when this gateway started the broker (false: an existing one is used). */
    public boolean owned() {
        return process != null;
    }

    /**
     * Finds or starts the loopback broker.
     *
     * @throws IOException when none listens and Mosquitto is not installed or does not come up
     */
    public static LoopbackBroker ensure(int port, Path workDir) throws IOException {
        if (listening(port)) return new LoopbackBroker(port, null);
        Path exe = mosquitto().orElseThrow(() -> new IOException(
                "no MQTT broker on 127.0.0.1:" + port + " and mosquitto is not installed (apt-get install mosquitto, "
                        + "or set mqtt.broker)"));
        Files.createDirectories(workDir);
        Path conf = workDir.resolve("mosquitto-loopback.conf");
        Files.writeString(conf, "# written by sbridge: loopback-only broker for local devices\n"
                + "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n"
                + "log_type error\nlog_type warning\n");
        Process p = new ProcessBuilder(List.of("sh", "-c",
                "\"$0\" -c \"$1\" & pid=$!; trap 'kill $pid 2>/dev/null' EXIT TERM; read _; kill $pid 2>/dev/null; wait $pid",
                exe.toString(), conf.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(workDir.resolve("mosquitto-loopback.log").toFile())
                .start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (listening(port)) return new LoopbackBroker(port, p);
            if (!p.isAlive()) break;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop(p);
        String log = Files.exists(workDir.resolve("mosquitto-loopback.log"))
                ? Files.readString(workDir.resolve("mosquitto-loopback.log")).strip() : "";
        throw new IOException("mosquitto did not start on 127.0.0.1:" + port + (log.isEmpty() ? "" : ": " + log));
    }

    static java.util.Optional<Path> mosquitto() {
        for (String dir : List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, "mosquitto");
            if (Files.isExecutable(p)) return java.util.Optional.of(p);
        }
        return java.util.Optional.empty();
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void stop(Process p) {
        try {
            p.getOutputStream().close(); // the shell's "read" returns and it kills mosquitto
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!p.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null) stop(process);
    }
}
