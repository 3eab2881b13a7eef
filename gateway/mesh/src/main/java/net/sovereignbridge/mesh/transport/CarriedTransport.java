package net.sovereignbridge.mesh.transport;

import java.util.List;

/**
 * The store-and-carry medium: frames that arrive in a bundle file. It never sends (bundles are written
 * by export) and never becomes ACTIVE, so routing never picks it; it exists so carried frames enter the
 * node through the same receive path, counters and checks as any other.
 */
public final class CarriedTransport implements Transport {
    public static final String ID = "bundle";
    private final TransportProfile profile = TransportProfile.of(TransportKind.STORE_AND_CARRY, 65_536,
            PreferenceClass.GLOBAL).withBitrate(1).withLatency(86_400_000);
    private volatile TransportListener listener;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    @Override
    public TransportState state() {
        return TransportState.STOPPED;
    }

    @Override
    public void start(TransportListener l) {
        listener = l;
    }

    @Override
    public void stop() {}

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        throw new TransportException("bundle: frames leave by export, not by send");
    }

    /** Hands one carried frame to the node. */
    public void deliver(byte[] frame, String origin) {
        TransportListener l = listener;
        if (l != null) l.onFrame(this, new Endpoint(ID, origin), frame, LinkQuality.UNKNOWN);
    }

    @Override
    public List<Neighbour> neighbours() {
        return List.of();
    }
}
