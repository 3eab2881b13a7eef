package net.sovereignbridge.mesh.link;

import java.util.concurrent.ExecutorService;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.sim.VirtualTime;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;

/**
 * A link layer over recording transports in virtual time, for the unit tests of the link layer and of the
 * parts above it: add transports, then {@link #start} with the receiver the test plays.
 */
public final class LinkFixture implements AutoCloseable {
    public final VirtualTime time = new VirtualTime();
    public final TransportManager manager = new TransportManager(1_000, 300_000, time.executor());
    public LinkLayer links;

    /** A node identity derived from one seed byte. */
    public static NodeIdentity identity(int seed) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) seed);
        return NodeIdentity.fromSeed(s);
    }

    public RecordingTransport add(String id, TransportProfile p) {
        RecordingTransport t = new RecordingTransport(id, p);
        manager.add(t);
        return t;
    }

    /** The link layer of {@code self} over the transports added so far, receiving on the virtual-time queue. */
    public LinkLayer start(MeshAddress self, LinkLayer.Receiver receiver) {
        return start(self, receiver, time.executor());
    }

    public LinkLayer start(MeshAddress self, LinkLayer.Receiver receiver, ExecutorService receiveThread) {
        links = new LinkLayer(self, manager, LinkLayer.Options.defaults(), time.clock(), time.executor(),
                receiveThread, 0);
        links.receiveWith(receiver);
        links.start();
        return links;
    }

    public Link link(String id) {
        return links.link(id).orElseThrow();
    }

    @Override
    public void close() {
        if (links != null) links.close();
    }
}
