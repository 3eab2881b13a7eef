package net.sovereignbridge.app.systemd;

import java.io.IOException;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sd_notify protocol (systemd, sd_notify(3)): newline-separated VAR=value datagrams to the unix socket
 * named by $NOTIFY_SOCKET ("@name" = abstract namespace). Without $NOTIFY_SOCKET (not under systemd)
 * every call does nothing.
 *
 * <p>Watchdog: when $WATCHDOG_USEC is set (and $WATCHDOG_PID, if set, is ours), a thread sends
 * WATCHDOG=1 every half period, but only while the health check passes: a node that is alive but stuck
 * stops pinging and systemd restarts it.
 */
public final class SystemdNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

    private final String socket;
    private final long watchdogMicros;
    private ScheduledExecutorService watchdog;

    SystemdNotifier(Map<String, String> env, long pid) {
        this.socket = env.get("NOTIFY_SOCKET");
        long usec = 0;
        String w = env.get("WATCHDOG_USEC");
        String wpid = env.get("WATCHDOG_PID");
        if (w != null && (wpid == null || wpid.equals(Long.toString(pid)))) {
            try {
                usec = Long.parseLong(w.trim());
            } catch (NumberFormatException e) {
                log.warn("ignoring WATCHDOG_USEC='{}': not a number", w);
            }
        }
        this.watchdogMicros = usec;
    }

    public static SystemdNotifier fromEnvironment() {
        return new SystemdNotifier(System.getenv(), ProcessHandle.current().pid());
    }

    public boolean enabled() {
        return socket != null && !socket.isEmpty();
    }

    public long watchdogMicros() {
        return watchdogMicros;
    }

    /** Sends one notification; failures are logged, never thrown: systemd must not be able to stop the node. */
    public void notify(String state) {
        if (!enabled()) return;
        byte[] data = state.getBytes(StandardCharsets.UTF_8);
        try (AFUNIXDatagramSocket s = AFUNIXDatagramSocket.newInstance()) {
            AFUNIXSocketAddress address = socket.startsWith("@")
                    ? AFUNIXSocketAddress.inAbstractNamespace(socket.substring(1))
                    : AFUNIXSocketAddress.of(Path.of(socket));
            s.connect(address);
            s.send(new DatagramPacket(data, data.length));
        } catch (IOException | RuntimeException e) {
            log.warn("sd_notify to {} failed: {}", socket, e.getMessage());
        }
    }

    public void ready(String status) {
        notify("READY=1\nSTATUS=" + status + "\nMAINPID=" + ProcessHandle.current().pid());
    }

    public void status(String status) {
        notify("STATUS=" + status);
    }

    public void stopping() {
        notify("STOPPING=1\nSTATUS=stopping");
    }

    /** Starts the watchdog pings if systemd asked for them. */
    public void startWatchdog(BooleanSupplier healthy) {
        if (!enabled() || watchdogMicros <= 0 || watchdog != null) return;
        long periodMicros = Math.max(watchdogMicros / 2, 1000);
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "systemd-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleAtFixedRate(() -> {
            boolean ok;
            try {
                ok = healthy.getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            if (ok) {
                notify("WATCHDOG=1");
            } else {
                log.warn("health check failed: withholding the watchdog ping");
                notify("STATUS=unhealthy: withholding watchdog");
            }
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    @Override
    public void close() {
        if (watchdog != null) watchdog.shutdownNow();
    }
}
