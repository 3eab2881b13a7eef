package net.sovereignbridge.app.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** Plays systemd's side: a real unix datagram socket that receives what the daemon sends. */
class SystemdNotifierTest {
    @TempDir
    Path dir;

    @Test
    void readyStatusAndWatchdogReachTheSocket() throws Exception {
        Path sock = dir.resolve("notify");
        try (AFUNIXDatagramSocket systemd = AFUNIXDatagramSocket.newInstance()) {
            systemd.bind(AFUNIXSocketAddress.of(sock));
            systemd.setSoTimeout(5000);
            AtomicBoolean healthy = new AtomicBoolean(true);
            try (SystemdNotifier n = new SystemdNotifier(Map.of("NOTIFY_SOCKET", sock.toString(),
                    "WATCHDOG_USEC", "200000", "WATCHDOG_PID", "42"), 42)) {
                assertTrue(n.enabled());
                assertEquals(200_000, n.watchdogMicros());
                n.ready("2 transports active");
                String ready = receive(systemd);
                assertEquals("READY=1\nSTATUS=2 transports active\nMAINPID=" + ProcessHandle.current().pid(), ready);
                n.startWatchdog(healthy::get);
                assertEquals("WATCHDOG=1", receive(systemd));
                assertEquals("WATCHDOG=1", receive(systemd));
                healthy.set(false);
                List<String> after = new ArrayList<>();
                for (int i = 0; i < 4; i++) after.add(receive(systemd));
                assertTrue(after.contains("STATUS=unhealthy: withholding watchdog"), after.toString());
                assertEquals("STATUS=unhealthy: withholding watchdog", after.get(3), "no ping while unhealthy");
            }
        }
    }

    @Test
    void watchdogForAnotherPidIsIgnoredAndNoSocketMeansNoOp() {
        SystemdNotifier other = new SystemdNotifier(Map.of("NOTIFY_SOCKET", "/nonexistent", "WATCHDOG_USEC", "1000",
                "WATCHDOG_PID", "7"), 8);
        assertEquals(0, other.watchdogMicros());
        SystemdNotifier none = new SystemdNotifier(Map.of(), 1);
        assertFalse(none.enabled());
        none.ready("x"); // must not throw
        other.ready("x"); // socket missing: logged, not thrown
    }

    private static String receive(AFUNIXDatagramSocket s) throws Exception {
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no notification within 5 s");
        }
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }
}
