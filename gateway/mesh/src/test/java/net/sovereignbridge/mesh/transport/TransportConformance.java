package net.sovereignbridge.mesh.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.sovereignbridge.mesh.frame.MeshFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Transport} must do, whatever its medium: a subclass per transport supplies a {@link Medium}
 * (the transport under test, not started, and one peer on the same medium that the test drives) and inherits
 * the tests. Start, stop and restart with their state events; the MTU; sending while down; a neighbour that
 * appears with its first frame, or on media where a sender's name is only a claim ({@link NeighbourRule#PROVEN}:
 * LAN) only once the node proved it, and goes when it falls silent (in virtual time where the medium's
 * liveness is a timeout); hostile input that neither crashes the transport, nor reaches the node, nor creates a
 * neighbour.
 *
 * <p>Frames the tests send start with the mesh frame version in their first byte's high nibble, as every link
 * frame does; their other bytes are arbitrary (a transport moves opaque bytes).
 */
public abstract class TransportConformance {
    /** The transport under test on its medium, with one peer the test drives. */
    protected interface Medium extends AutoCloseable {
        /** The transport under test; the suite starts and stops it. */
        Transport transport();

        /** The endpoint the transport sends to so that the peer receives (the broadcast endpoint on broadcast-only media). */
        Endpoint peer();

        /**
         * Makes the peer send one frame to the transport; returns the endpoint the transport names the peer by.
         * Where the medium's time is virtual, runs it until the frame is delivered.
         */
        Endpoint peerSends(byte[] frame) throws Exception;

        /** The next frame the peer received from the transport, or null when none arrives within the time. */
        byte[] peerReceives(Duration within) throws Exception;

        /**
         * Raw input on the medium, below the transport's own framing, that the transport must refuse: sent by a
         * stranger (a sender other than the peer). Each array is one unit of the medium (a datagram, a packet).
         */
        List<byte[]> hostileInputs();

        /** Makes a stranger put {@code raw} on the medium, addressed to the transport. */
        void strangerSends(byte[] raw) throws Exception;

        /**
         * Makes the peer stop being a neighbour the medium's way: silence past the profile's neighbour timeout
         * in virtual time, or the end of the connection on connection-oriented media.
         */
        void peerFallsSilent() throws Exception;

        /** How long a frame may take across the medium (wall time). */
        default Duration patience() {
            return Duration.ofSeconds(10);
        }

        /** Runs virtual time forward, where the medium has it, so that scheduled work happens; no-op otherwise. */
        default void settle() throws Exception {}

        @Override
        void close() throws Exception;
    }

    /** What the transport told its listener, in order. */
    protected static final class Events implements TransportListener {
        public final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        public final List<Endpoint> senders = new ArrayList<>();
        public final List<TransportState> states = new ArrayList<>();
        public final List<String> neighbourEvents = new ArrayList<>();

        @Override
        public void onFrame(Transport transport, Endpoint from, byte[] frame, LinkQuality quality) {
            synchronized (this) {
                senders.add(from);
            }
            frames.add(frame);
        }

        @Override
        public synchronized void onStateChanged(Transport transport, TransportState state, String reason) {
            assertNotNull(reason, "a state change has a reason (may be empty)");
            states.add(state);
        }

        @Override
        public synchronized void onNeighbour(Transport transport, Neighbour neighbour, boolean up) {
            neighbourEvents.add((up ? "up " : "down ") + neighbour.endpoint());
        }

        public synchronized TransportState lastState() {
            return states.isEmpty() ? null : states.get(states.size() - 1);
        }

        public synchronized List<String> neighbourEvents() {
            return List.copyOf(neighbourEvents);
        }
    }

    protected abstract Medium medium() throws Exception;

    protected Medium medium;
    protected Transport transport;
    protected Events events;

    @BeforeEach
    void openMedium() throws Exception {
        medium = medium();
        transport = medium.transport();
        events = new Events();
    }

    @AfterEach
    void closeMedium() throws Exception {
        try {
            transport.stop();
        } finally {
            medium.close();
        }
    }

    /** {@code length} bytes that pass as a link frame: the version nibble first, then a counting pattern. */
    protected static byte[] frame(int length, int seed) {
        byte[] f = new byte[length];
        for (int i = 1; i < length; i++) f[i] = (byte) (seed + i);
        f[0] = (byte) (MeshFrame.VERSION << 4 | (seed & 0x0F));
        return f;
    }

    private void await(String what, BooleanSupplier ok) throws Exception {
        long end = System.nanoTime() + medium.patience().toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            medium.settle();
            Thread.sleep(5);
        }
    }

    private byte[] nextFrame() throws Exception {
        long end = System.nanoTime() + medium.patience().toNanos();
        while (System.nanoTime() < end) {
            medium.settle();
            byte[] f = events.frames.poll(20, TimeUnit.MILLISECONDS);
            if (f != null) return f;
        }
        return null;
    }

    private void assertCarriesBothWays(int seed) throws Exception {
        byte[] in = frame(40, seed);
        medium.peerSends(in);
        assertArrayEquals(in, nextFrame(), "the peer's frame arrives whole");
        byte[] out = frame(41, seed + 1);
        transport.send(medium.peer(), out);
        assertArrayEquals(out, medium.peerReceives(medium.patience()), "our frame reaches the peer whole");
    }

    @Test
    void startReportsActiveAndStopReportsStopped() throws Exception {
        assertEquals(TransportState.STOPPED, transport.state(), "a new transport is stopped");
        transport.start(events);
        await("ACTIVE", () -> transport.state() == TransportState.ACTIVE);
        assertEquals(TransportState.ACTIVE, events.lastState(), "the listener heard ACTIVE");
        assertFalse(events.states.contains(TransportState.FAILED), "no failure on the way: " + events.states);
        transport.stop();
        assertEquals(TransportState.STOPPED, transport.state());
        assertEquals(TransportState.STOPPED, events.lastState(), "the listener heard STOPPED");
        int heard = events.states.size();
        transport.stop();
        assertEquals(TransportState.STOPPED, transport.state(), "stop is idempotent");
        assertEquals(heard, events.states.size(), "a second stop reports nothing");
    }

    @Test
    void carriesFramesBothWaysAndAgainAfterARestart() throws Exception {
        transport.start(events);
        await("ACTIVE", () -> transport.state() == TransportState.ACTIVE);
        assertCarriesBothWays(1);
        transport.stop();
        transport.start(events);
        await("ACTIVE again", () -> transport.state() == TransportState.ACTIVE);
        assertCarriesBothWays(3);
    }

    @Test
    void sendingWhileDownIsRefused() throws Exception {
        assertThrows(TransportException.class, () -> transport.send(medium.peer(), frame(10, 0)), "before start");
        transport.start(events);
        await("ACTIVE", () -> transport.state() == TransportState.ACTIVE);
        transport.stop();
        assertThrows(TransportException.class, () -> transport.send(medium.peer(), frame(10, 0)), "after stop");
        assertNull(medium.peerReceives(Duration.ofMillis(200)), "nothing reached the peer");
    }

    @Test
    void theMtuIsEnforcedAndAWholeMtuFrameArrives() throws Exception {
        transport.start(events);
        await("ACTIVE", () -> transport.state() == TransportState.ACTIVE);
        int mtu = transport.profile().mtu();
        assertThrows(TransportException.class, () -> transport.send(medium.peer(), frame(mtu + 1, 5)), "mtu + 1");
        assertThrows(TransportException.class, () -> transport.send(medium.peer(), new byte[0]), "an empty frame");
        byte[] full = frame(mtu, 6);
        transport.send(medium.peer(), full);
        assertArrayEquals(full, medium.peerReceives(medium.patience()), "a frame of exactly the MTU arrives whole");
        assertEquals(TransportState.ACTIVE, transport.state(), "refusals leave the transport active");
    }

    /**
     * Makes the peer, which just sent a frame, a neighbour the transport's way: nothing more under FIRST_FRAME;
     * under PROVEN the node's proof, after checking that the frame alone made none.
     */
    private void peerBecomesNeighbour(Endpoint peer) throws Exception {
        if (transport.neighbourRule() == NeighbourRule.PROVEN) {
            medium.settle();
            assertTrue(transport.neighbours().isEmpty(), "a frame alone makes no neighbour: " + transport.neighbours());
            assertEquals(List.of(), events.neighbourEvents(), "and no event");
            transport.neighbourProven(peer, LinkQuality.UNKNOWN);
        }
        await("the peer as a neighbour", () -> transport.neighbours().stream().anyMatch(n -> n.endpoint().equals(peer)));
        // the event may come from another thread than the table's update (the overlay's identify)
        await("an up event", () -> events.neighbourEvents().contains("up " + peer));
    }

    @Test
    void aNeighbourAppearsWithItsFirstFrameOrItsProofAndGoesWhenSilent() throws Exception {
        transport.start(events);
        await("ACTIVE", () -> transport.state() == TransportState.ACTIVE);
        Endpoint peer = medium.peerSends(frame(20, 7));
        assertNotNull(nextFrame(), "the peer's frame arrives");
        peerBecomesNeighbour(peer);
        medium.peerSends(frame(20, 8));
        assertNotNull(nextFrame(), "the peer's second frame arrives");
        transport.neighbourProven(peer, LinkQuality.UNKNOWN);
        assertEquals(1, events.neighbourEvents().stream().filter(e -> e.equals("up " + peer)).count(),
                "a known neighbour is not announced again: " + events.neighbourEvents());

        medium.peerFallsSilent();
        await("the silent peer gone", () -> transport.neighbours().stream().noneMatch(n -> n.endpoint().equals(peer)));
        await("a down event", () -> events.neighbourEvents().contains("down " + peer));
    }

    @Test
    void hostileInputNeitherCrashesNorReachesTheNodeNorCreatesANeighbour() throws Exception {
        transport.start(events);
        await("ACTIVE", () -> transport.state() == TransportState.ACTIVE);
        List<byte[]> hostile = medium.hostileInputs();
        assertFalse(hostile.isEmpty(), "the medium names what it must refuse");
        for (byte[] raw : hostile) medium.strangerSends(raw);
        // A good frame from the peer after the garbage: when it arrives, the garbage has been handled.
        byte[] good = frame(30, 9);
        Endpoint peer = medium.peerSends(good);
        assertArrayEquals(good, nextFrame(), "the first frame the node gets is the peer's good one");
        medium.settle();
        assertTrue(events.frames.isEmpty(), "no garbage reached the node");
        assertEquals(TransportState.ACTIVE, transport.state(), "still active");
        peerBecomesNeighbour(peer);
        assertEquals(List.of(peer), transport.neighbours().stream().map(Neighbour::endpoint).toList(),
                "the peer is the only neighbour");
        assertEquals(List.of("up " + peer), events.neighbourEvents(), "no neighbour from garbage");
        assertCarriesBothWays(11);
    }
}
