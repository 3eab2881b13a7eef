package net.sovereignbridge.mesh.sim;

import java.util.List;
import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;

/**
 * A node's port on a {@link SimMedium}: a real {@link Transport} whose wire is simulated. On a profile with
 * regulated airtime it reports a duty-cycle budget (1 % unless given) and airtime = bits / bit rate, as a
 * radio transport does; it does not enforce the budget itself (the LoRa transport's governor does that).
 */
public final class SimTransport implements Transport, AirtimeBudget {
    private final String id;
    private final String name;
    private final SimMedium medium;
    private final TransportProfile profile;
    private volatile TransportState state = TransportState.STOPPED;
    private volatile TransportListener listener;

    private final double dutyCycle;

    public SimTransport(String id, String name, SimMedium medium, TransportProfile profile) {
        this(id, name, medium, profile, 0.01);
    }

    public SimTransport(String id, String name, SimMedium medium, TransportProfile profile, double dutyCycle) {
        this.dutyCycle = dutyCycle;
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
    public TransportKind kind() {
        return TransportKind.DUPLEX;
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
    public long airtimeNanos(int frameBytes) {
        return frameBytes * 8L * 1_000_000_000L / profile.nominalBitrate();
    }

    @Override
    public long hourlyBudgetNanos() {
        return profile.regulatedAirtime() ? (long) (3_600_000_000_000L * dutyCycle) : Long.MAX_VALUE;
    }

    @Override
    public List<Neighbour> neighbours() {
        return medium.neighbours(name).stream()
                .map(n -> new Neighbour(new Endpoint(id, n), LinkQuality.UNKNOWN, java.time.Instant.now())).toList();
    }
}
