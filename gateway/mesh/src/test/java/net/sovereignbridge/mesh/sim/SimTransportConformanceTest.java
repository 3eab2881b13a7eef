package net.sovereignbridge.mesh.sim;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportConformance;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;

/** The simulator's transport against the conformance suite, in virtual time; the peer is another port on the medium. */
class SimTransportConformanceTest extends TransportConformance {
    static final long TIMEOUT_MS = 60_000;

    @Override
    protected Medium medium() throws Exception {
        VirtualTime time = new VirtualTime();
        SimMedium air = new SimMedium(time.executor(), time.clock(), 7, 0, 5, 1_000_000);
        TransportProfile profile = TransportProfile.of(TransportKind.DUPLEX, 255, PreferenceClass.LOCAL_FAST)
                .withNeighbourTimeout(TIMEOUT_MS);
        SimTransport a = new SimTransport("sim", "a", air, profile);
        SimTransport b = new SimTransport("sim", "b", air, profile);
        // A stranger whose port allows larger frames than ours: what it sends may exceed our MTU.
        SimTransport x = new SimTransport("sim", "x", air, profile);
        SimTransport bigX = new SimTransport("sim", "y", air,
                TransportProfile.of(TransportKind.DUPLEX, 1024, PreferenceClass.LOCAL_FAST));
        air.link("a", "b");
        air.link("a", "x");
        air.link("a", "y");
        LinkedBlockingQueue<byte[]> atPeer = new LinkedBlockingQueue<>();
        TransportListener peerListener = new TransportListener() {
            @Override
            public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality q) {
                atPeer.add(frame);
            }

            @Override
            public void onStateChanged(Transport t, TransportState s, String reason) {}
        };
        b.start(peerListener);
        x.start(peerListener);
        bigX.start(peerListener);
        return new Medium() {
            @Override
            public Transport transport() {
                return a;
            }

            @Override
            public Endpoint peer() {
                return new Endpoint("sim", "b");
            }

            @Override
            public Endpoint peerSends(byte[] frame) throws Exception {
                b.send(new Endpoint("sim", "a"), frame);
                time.runFor(100);
                return new Endpoint("sim", "b");
            }

            @Override
            public byte[] peerReceives(Duration within) {
                time.runFor(within.toMillis());
                return atPeer.poll();
            }

            @Override
            public List<byte[]> hostileInputs() {
                return List.of(new byte[0], new byte[256], new byte[1024]);
            }

            @Override
            public void strangerSends(byte[] raw) {
                // below the stranger's own send checks: straight onto the medium
                air.transmit(raw.length > 255 ? bigX : x, new Endpoint("sim", "a"), raw);
                time.runFor(100);
            }

            @Override
            public void peerFallsSilent() {
                time.runFor(TIMEOUT_MS + 1_000);
            }

            @Override
            public void settle() {
                time.runFor(10);
            }

            @Override
            public void close() {
                time.executor().shutdownNow();
            }
        };
    }
}
