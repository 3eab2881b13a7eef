package net.sovereignbridge.mesh.sim;

import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportBase;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;

/**
 * A node's port on a {@link SimMedium}: a real {@link Transport} whose wire is simulated, with the profile it
 * is given. Its neighbours are the ports it heard within the profile's neighbour timeout, on the medium's
 * (virtual) clock, as on any other transport. An airtime budget in that profile is reported to routing, not
 * enforced (the LoRa transport's governor does that on a real radio).
 */
public final class SimTransport extends TransportBase {
    private final String name;
    private final SimMedium medium;
    private volatile boolean broken;

    public SimTransport(String id, String name, SimMedium medium, TransportProfile profile) {
        super(id, profile, medium.clock(), DEFAULT_MAX_NEIGHBOURS);
        this.name = name;
        this.medium = medium;
        medium.join(this);
    }

    public String name() {
        return name;
    }

    @Override
    public void start(TransportListener l) throws TransportException {
        attach(l);
        if (broken) {
            setState(TransportState.FAILED, "simulated failure");
            throw new TransportException(id() + ": simulated failure");
        }
        setState(TransportState.ACTIVE, "simulated");
    }

    @Override
    public void stop() {
        if (state() == TransportState.STOPPED) return;
        setState(TransportState.STOPPED, "stopped");
    }

    /** Simulates the medium failing under a running node (cable pulled, radio dead). */
    public void fail() {
        broken = true;
        setState(TransportState.FAILED, "simulated failure");
    }

    /** Ends a simulated failure: the transport manager's next retry brings it back. */
    public void repair() {
        broken = false;
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        checkSend(to, frame);
        medium.transmit(this, to, frame);
        sent();
    }

    /** A frame from the medium; false when this port is not active (the medium counts it as not delivered). */
    boolean receive(Endpoint from, byte[] frame, LinkQuality q) {
        return deliver(from, frame, q);
    }
}
