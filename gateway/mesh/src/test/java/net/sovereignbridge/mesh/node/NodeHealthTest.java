package net.sovereignbridge.mesh.node;

import net.sovereignbridge.mesh.transport.PreferenceClass;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog's question (issue 8): is the node alive and working, not merely running? A driver that
 * hangs in send (an SPI transfer that never returns) blocks the node's timer thread during an announce;
 * the process is alive, yet the probe must say unhealthy, and healthy again once the driver returns.
 */
class NodeHealthTest {
    @TempDir
    Path dir;

    @Test
    void aTransportHangingInSendMakesTheNodeUnhealthyUntilItReturns() throws Exception {
        CountDownLatch sendEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HangingTransport hanging = new HangingTransport(sendEntered, release);
        TransportManager transports = new TransportManager();
        transports.add(hanging);
        try (Database db = Database.open(dir);
                Node node = new Node(NodeIdentity.generate(new SecureRandom()), db, transports,
                        Node.Options.defaults().withName("health"), Clock.systemUTC())) {
            assertFalse(node.healthy(1000), "a node that was never started is not healthy");
            hanging.hang = true;
            node.start(); // the transport goes ACTIVE and the timer thread announces on it at once
            assertTrue(sendEntered.await(10, TimeUnit.SECONDS), "the node did not announce on the new transport");
            assertFalse(node.healthy(1000), "timer thread stuck in a driver, yet the probe said healthy");
            hanging.hang = false;
            release.countDown();
            assertTrue(node.healthy(5000), "the driver returned: the node must be healthy again");
        }
    }

    /** A transport whose send blocks while {@code hang} is set, until {@code release} opens. */
    static final class HangingTransport implements Transport {
        volatile boolean hang;
        private final CountDownLatch entered;
        private final CountDownLatch release;
        private volatile TransportState state = TransportState.STOPPED;

        HangingTransport(CountDownLatch entered, CountDownLatch release) {
            this.entered = entered;
            this.release = release;
        }

        @Override public String id() { return "hang"; }
        @Override public TransportProfile profile() { return TransportProfile.of(TransportKind.BROADCAST, 255, PreferenceClass.LOCAL_RADIO).withBitrate(5000).withLatency(100).withCost(1); }
        @Override public TransportState state() { return state; }

        @Override
        public void start(TransportListener listener) {
            state = TransportState.ACTIVE;
            listener.onStateChanged(this, state, "test");
        }

        @Override public void stop() { state = TransportState.STOPPED; }

        @Override
        public void send(Endpoint to, byte[] frame) {
            if (!hang) return;
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override public List<Neighbour> neighbours() { return List.of(); }
    }
}
