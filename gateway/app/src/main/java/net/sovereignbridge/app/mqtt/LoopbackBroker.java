package net.sovereignbridge.app.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import net.sovereignbridge.app.services.LoopbackSockets;

/**
 * The no-setup broker: Mosquitto on 127.0.0.1. If something already accepts MQTT connections on the port
 * (the images run Mosquitto as a system service) it is used as is, provided the listening socket belongs to
 * this gateway's user, root or the {@code mosquitto} system user: any other local user could have opened it
 * to receive the inbox and the gateway's messages. Otherwise the gateway starts {@code mosquitto} itself,
 * bound to loopback only, without persistence, and stops it on close.
 *
 * <p>The broker it starts admits only accounts with a password ({@link BrokerAccounts}: the gateway's own,
 * and {@code mqtt.device-accounts}), and holds up to {@link #MAX_QUEUED_MESSAGES} QoS 1 messages (at most
 * {@link #MAX_QUEUED_BYTES}) per client, so a device's burst waits for the bridge instead of being dropped
 * after the broker acknowledged it; what it still drops, it counts in {@code $SYS/broker/publish/messages/dropped},
 * which the bridge watches ({@link #SYS_INTERVAL_SECONDS}).
 *
 * <p>Why not an in-JVM broker: Moquette 0.17 (the one Maven Central serves here) pulls in Netty,
 * H2 MVStore, Jackson-databind 2.8, Bugsnag, Librato metrics and a Log4j 1 binding that collides with our
 * SLF4J 2; Mosquitto costs about 1 MB of RAM. See docs/decisions.md.
 *
 * <p>The child runs under {@code sh}, which waits on standard input: if the JVM dies without closing us
 * (SIGKILL, OOM), the pipe closes and the shell kills Mosquitto, so no orphan broker keeps the port.
 */
public final class LoopbackBroker implements AutoCloseable {
    /** Per client; Mosquitto's default of 1000 lost most of a 2000-message burst while the bridge caught up. */
    static final int MAX_QUEUED_MESSAGES = 100_000;
    static final long MAX_QUEUED_BYTES = 16L * 1024 * 1024;
    static final int SYS_INTERVAL_SECONDS = 2;
    private final int port;
    private final Process process;
    private final BrokerAccounts accounts;

    private LoopbackBroker(int port, Process process, BrokerAccounts accounts) {
        this.port = port;
        this.process = process;
        this.accounts = accounts;
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** True when this gateway started the broker (false: an existing one is used). */
    public boolean owned() {
        return process != null;
    }

    /** The gateway's account on a broker it started ({@link BrokerAccounts#USER}), or null for an existing one. */
    public String username() {
        return accounts == null ? null : BrokerAccounts.USER;
    }

    public String password() {
        return accounts == null ? null : accounts.password();
    }

    /**
     * Finds or starts the loopback broker.
     *
     * @param deviceAccounts a Mosquitto password file of device accounts for a broker we start, or null
     * @throws IOException when none listens and Mosquitto is not installed or does not come up, or when the
     *     port is held by another local user
     */
    public static LoopbackBroker ensure(int port, Path workDir, Path deviceAccounts) throws IOException {
        if (listening(port)) {
            Set<Integer> owners = LoopbackSockets.tcpListenerOwners(port);
            if (!owners.isEmpty() && !owners.stream().allMatch(LoopbackBroker::trustedBrokerUser)) {
                throw new IOException("127.0.0.1:" + port + " is held by uid " + owners + ", not by this gateway's user,"
                        + " root or mosquitto: refusing to hand it the inbox (stop that process or set"
                        + " mqtt.embedded-port)");
            }
            return new LoopbackBroker(port, null, null);
        }
        Path exe = mosquitto().orElseThrow(() -> new IOException(
                "no MQTT broker on 127.0.0.1:" + port + " and mosquitto is not installed (apt-get install mosquitto, "
                        + "or set mqtt.broker)"));
        BrokerAccounts accounts = BrokerAccounts.prepare(workDir, deviceAccounts);
        Path conf = workDir.resolve("mosquitto-loopback.conf");
        // As root Mosquitto would switch to the mosquitto user, which cannot read our 0600 password file:
        // it runs as whoever runs the gateway.
        String user = LoopbackSockets.selfUid() == 0 ? "user root\n" : "";
        Files.writeString(conf, "# written by sbridge at each start: loopback-only broker for local devices"
                + " (docs/services.md)\n"
                + "listener " + port + " 127.0.0.1\nallow_anonymous false\npassword_file "
                + accounts.passwordFile() + "\n" + user + "persistence false\n"
                + "max_queued_messages " + MAX_QUEUED_MESSAGES + "\nmax_queued_bytes " + MAX_QUEUED_BYTES + "\n"
                + "sys_interval " + SYS_INTERVAL_SECONDS + "\n"
                + "log_dest stderr\nlog_type error\nlog_type warning\n");
        ProcessBuilder launch = new ProcessBuilder(List.of("sh", "-c",
                "\"$0\" -c \"$1\" & pid=$!; trap 'kill $pid 2>/dev/null' EXIT TERM; read _; kill $pid 2>/dev/null; wait $pid",
                exe.toString(), conf.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(workDir.resolve("mosquitto-loopback.log").toFile());
        // systemd's notify and socket-activation variables belong to the gateway: Debian's Mosquitto would
        // otherwise tell systemd READY=1 on the gateway's behalf, before the gateway is ready.
        for (String v : List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID",
                "LISTEN_FDNAMES")) {
            launch.environment().remove(v);
        }
        Process p = launch.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (listening(port)) return new LoopbackBroker(port, p, accounts);
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

    /** The gateway's own user, root, or the system user Debian's mosquitto service runs as. */
    private static boolean trustedBrokerUser(int uid) {
        return LoopbackSockets.isOwnerOrRoot(uid) || uid == systemUid("mosquitto");
    }

    /** The uid of a system account from /etc/passwd, or -2 when there is none. */
    static int systemUid(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[0].equals(name)) return Integer.parseInt(f[2]);
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return -2;
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
