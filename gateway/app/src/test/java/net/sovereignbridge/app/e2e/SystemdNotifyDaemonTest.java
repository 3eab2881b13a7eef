package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The real daemon under a stand-in for systemd: the test binds the unix datagram socket that systemd would
 * pass in $NOTIFY_SOCKET and reads what `sbridge run` sends, byte for byte (sd_notify(3) format).
 */
class SystemdNotifyDaemonTest {
    @TempDir
    Path dir;

    @Test
    void runSendsReadyWithStatusThenHealthGatedWatchdogPingsThenStopping() throws Exception {
        Path sock = dir.resolve("notify");
        try (AFUNIXDatagramSocket systemd = AFUNIXDatagramSocket.newInstance()) {
            systemd.bind(AFUNIXSocketAddress.of(sock));
            systemd.setSoTimeout(30_000);
            int discovery = Daemon.freeUdpPort();
            // WatchdogSec=2s: pings every second, each after a passing health probe.
            try (Daemon d = Daemon.start(dir.resolve("state"), Daemon.freeUdpPort(),
                    Daemon.loopbackConfig(dir, "notified", discovery, false),
                    Map.of("NOTIFY_SOCKET", sock.toString(), "WATCHDOG_USEC", "2000000"))) {
                String address = d.address();
                assertEquals("READY=1\nSTATUS=address " + address + ", 2/2 transports active, 0 peers known\nMAINPID="
                        + d.pid(), receive(systemd), "first notification");
                assertEquals("WATCHDOG=1", receive(systemd));
                assertEquals("WATCHDOG=1", receive(systemd));
                // The JVM exits with 128 + 15 after its shutdown hooks ran: the unit lists 143 in SuccessExitStatus.
                assertEquals(143, d.terminate(), "exit status after SIGTERM");
                String last = null;
                for (int i = 0; i < 5; i++) { // a ping may have been in flight when SIGTERM arrived
                    last = receive(systemd);
                    if (!last.equals("WATCHDOG=1")) break;
                }
                assertEquals("STOPPING=1\nSTATUS=stopping", last);
            }
        }
    }

    private static String receive(AFUNIXDatagramSocket s) throws Exception {
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no notification within 30 s");
        }
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }
}
