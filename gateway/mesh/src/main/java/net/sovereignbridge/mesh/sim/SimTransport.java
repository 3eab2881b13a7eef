package net.sovereignbridge.mesh.sim;

import java.util.List;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;

/**
 * A node's port on a {@link SimMedium}: a real {@link Transport} whose wire is simulated, with the profile it
 * is given. An airtime budget in that profile is reported to routing, not enforced (the LoRa transport's
 * governor does that on a real radio).
 */
public final class SimTransport implements Transport {
    private final String id;
    private final String name;
    private final SimMedium medium;
    private final TransportProfile profile;
    private volatile TransportState state = TransportState.STOPPED;
    private volatile TransportListener listener;

    public SimTransport(String id, String name, SimMedium medium, TransportProfile profile) {
        this.id = id;
        this.name = name;
        this.medium = medium;
        this.profile = profile;
        medium.join(this);
    }

    public String name() {
        return name;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    @Override
    public TransportState state() {
        return state;
    }

    private volatile boolean broken;

    @Override
    public void start(TransportListener l) throws TransportException {
        listener = l;
        if (broken) {
            setState(TransportState.FAILED);
            throw new TransportException(id + ": simulated failure");
        }
        setState(TransportState.ACTIVE);
    }

    @Override
    public void stop() {
        setState(TransportState.STOPPED);
    }

    /** Simulates the medium failing under a running node (cable pulled, radio dead). */
    public void fail() {
        broken = true;
        setState(TransportState.FAILED);
    }

    /** Ends a simulated failure: the transport manager's next retry brings it back. */
    public void repair() {
        broken = false;
    }

    private void setState(TransportState s) {
        state = s;
        TransportListener l = listener;
        if (l != null) l.onStateChanged(this, s, "simulated");
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        if (state != TransportState.ACTIVE) throw new TransportException(id + " is " + state);
        if (frame.length > profile.mtu()) throw new TransportException(id + ": frame over mtu");
        medium.transmit(this, to, frame);
    }

    boolean receive(Endpoint from, byte[] frame, LinkQuality q) {
        TransportListener l = listener;
        if (state != TransportState.ACTIVE || l == null) return false;
        l.onFrame(this, from, frame, q);
        return true;
    }

    @Override
    public List<Neighbour> neighbours() {
        return medium.neighbours(name).stream()
                .map(n -> new Neighbour(new Endpoint(id, n), LinkQuality.UNKNOWN, java.time.Instant.now())).toList();
    }
}
