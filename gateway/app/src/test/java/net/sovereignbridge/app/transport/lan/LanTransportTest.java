package net.sovereignbridge.app.transport.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.Test;

/** The LAN transport under the transport manager, on real UDP sockets on 127.0.0.1. */
class LanTransportTest {

    private static LanTransport.Options loopback(int port, List<InetSocketAddress> peers) {
        return new LanTransport.Options("127.0.0.1", port, "239.255.77.77", 4243, List.of(), peers, false);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    /** Records what the manager reports, with the time of each FAILED report. */
    private static final class Recorder implements TransportListener {
        final List<byte[]> frames = new CopyOnWriteArrayList<>();
        final List<Long> failedAtNanos = new CopyOnWriteArrayList<>();
        final List<TransportState> states = new CopyOnWriteArrayList<>();
        final List<String> neighbourEvents = new CopyOnWriteArrayList<>();

        @Override
        public void onFrame(Transport transport, Endpoint from, byte[] frame, LinkQuality quality) {
            frames.add(frame);
        }

        @Override
        public void onStateChanged(Transport transport, TransportState state, String reason) {
            states.add(state);
            if (state == TransportState.FAILED) failedAtNanos.add(System.nanoTime());
        }

        @Override
        public void onNeighbour(Transport transport, Neighbour neighbour, boolean up) {
            neighbourEvents.add((up ? "up " : "down ") + neighbour.endpoint().value());
        }
    }

    @Test
    void busyPortIsRetriedWithOneBackoffChainUntilItFrees() throws Exception {
        DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = squatter.getLocalPort();
        Recorder rec = new Recorder();
        try (TransportManager manager = new TransportManager(50, 200)) {
            manager.addListener(rec);
            manager.add(new LanTransport("lan", loopback(port, List.of())));
            manager.startAll();
            await("five failed starts", () -> rec.failedAtNanos.size() >= 5);
            assertTrue(manager.lastReason("lan").contains("cannot bind UDP 127.0.0.1:" + port), manager.lastReason("lan"));

            // The transport both reports FAILED and throws; one retry chain means each gap is at least the
            // backoff for that round (50, 100, 200, 200 ms). Two chains would put attempts microseconds apart.
            List<Long> failed = new ArrayList<>(rec.failedAtNanos);
            long[] backoff = {50, 100, 200, 200};
            for (int i = 0; i < 4; i++) {
                long gapMillis = (failed.get(i + 1) - failed.get(i)) / 1_000_000;
                assertTrue(gapMillis >= backoff[i] - 5, "attempt " + (i + 2) + " came " + gapMillis + " ms after the previous");
            }

            squatter.close();
            await("ACTIVE after the port freed", () -> manager.get("lan").state() == TransportState.ACTIVE);
            long attempts = manager.startAttempts("lan");
            assertEquals(rec.failedAtNanos.size() + 1, attempts, "every attempt but the last failed once");
            Thread.sleep(500);
            assertEquals(attempts, manager.startAttempts("lan"), "no stray retry after the transport came up");
        } finally {
            squatter.close();
        }
    }

    @Test
    void stoppingATransportCancelsItsRetries() throws Exception {
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                TransportManager manager = new TransportManager(50, 50)) {
            Recorder rec = new Recorder();
            manager.addListener(rec);
            manager.add(new LanTransport("lan", loopback(squatter.getLocalPort(), List.of())));
            manager.startAll();
            await("two failed starts", () -> rec.failedAtNanos.size() >= 2);
            manager.stop("lan");
            Thread.sleep(100); // an attempt that was already under way when stop came may finish
            long attempts = manager.startAttempts("lan");
            Thread.sleep(400); // eight backoff periods
            assertEquals(attempts, manager.startAttempts("lan"), "no retry after stop");
        }
    }

    /** {@code n} bytes that pass the transport's link-frame check (mesh frame version in the first byte). */
    private static byte[] linkFrame(int n) {
        byte[] f = new byte[n];
        f[0] = (byte) (net.sovereignbridge.mesh.frame.MeshFrame.VERSION << 4);
        return f;
    }

    @Test
    void aStoppedTransportStartsAgainWhenTheOperatorAsks() throws Exception {
        DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = squatter.getLocalPort();
        try (TransportManager manager = new TransportManager(50, 50)) {
            Recorder rec = new Recorder();
            manager.addListener(rec);
            manager.add(new LanTransport("lan", loopback(port, List.of())));
            manager.startAll();
            await("a failed start", () -> rec.failedAtNanos.size() >= 1);
            manager.stop("lan");
            Thread.sleep(100); // an attempt that was already under way when stop came may finish
            long attempts = manager.startAttempts("lan");
            squatter.close(); // the cause is fixed
            manager.start("lan");
            assertEquals(TransportState.ACTIVE, manager.get("lan").state());
            assertEquals(attempts + 1, manager.startAttempts("lan"));
            assertEquals("", manager.lastReason("lan"));
        } finally {
            squatter.close();
        }
        assertThrows(IllegalArgumentException.class, () -> new TransportManager().start("nothing"));
    }

    @Test
    void countsTrafficAndReportsNeighboursComingAndGoing() throws Exception {
        Recorder recA = new Recorder();
        Recorder recB = new Recorder();
        try (TransportManager a = new TransportManager(); TransportManager b = new TransportManager()) {
            LanTransport lanB = new LanTransport("lan", loopback(0, List.of()), 300);
            b.addListener(recB);
            b.add(lanB);
            b.startAll();
            InetSocketAddress bAddress = lanB.localAddress();
            LanTransport lanA = new LanTransport("lan", loopback(0, List.of(bAddress)), 300);
            a.addListener(recA);
            a.add(lanA);
            a.startAll();
            assertEquals(TransportState.ACTIVE, lanA.state());
            assertEquals(TransportState.ACTIVE, lanB.state());

            Endpoint toB = new Endpoint("lan", "127.0.0.1:" + bAddress.getPort());
            for (int i = 0; i < 3; i++) assertTrue(a.send("lan", toB, linkFrame(100)));
            assertTrue(a.send("lan", Endpoint.broadcast("lan"), linkFrame(40)), "broadcast reaches the static peer");
            assertFalse(a.send("lan", toB, new byte[LanTransport.MTU + 1]), "over the MTU");
            await("four frames at b", () -> recB.frames.size() == 4);

            assertEquals(4, a.counters("lan").framesOut.get());
            assertEquals(340, a.counters("lan").bytesOut.get());
            assertEquals(1, a.counters("lan").sendFailures.get());
            assertEquals(4, b.counters("lan").framesIn.get());
            assertEquals(340, b.counters("lan").bytesIn.get());

            String aEndpoint = "127.0.0.1:" + lanA.localAddress().getPort();
            // A source address is a claim: datagrams alone make no neighbour, the node's proof does.
            assertEquals(List.of(), recB.neighbourEvents, "no neighbour from four datagrams");
            assertTrue(lanB.neighbours().isEmpty());
            lanB.neighbourProven(new Endpoint("lan", aEndpoint), LinkQuality.UNKNOWN);
            lanB.neighbourProven(new Endpoint("lan", aEndpoint), LinkQuality.UNKNOWN);
            assertEquals(List.of("up " + aEndpoint), recB.neighbourEvents, "one up event for two proofs");
            assertEquals(1, lanB.neighbours().size());
            await("neighbour down after 300 ms of silence", () -> recB.neighbourEvents.size() == 2);
            assertEquals("down " + aEndpoint, recB.neighbourEvents.get(1));
            assertTrue(lanB.neighbours().isEmpty());
            assertTrue(recA.neighbourEvents.isEmpty(), "a heard nothing");
        }
    }
}
