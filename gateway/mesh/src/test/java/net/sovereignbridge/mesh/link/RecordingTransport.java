package net.sovereignbridge.mesh.link;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.HopAck;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;

/**
 * A transport for the parts' unit tests: it keeps every frame handed to it (with endpoint and origin), refuses
 * what a real one refuses (not active, over the MTU, a medium that cannot send), and lets the test play the
 * neighbours: frames in, neighbour reports, state changes.
 */
public final class RecordingTransport implements Transport {
    public record Sent(Endpoint to, byte[] frame, TrafficOrigin origin) {
        /** The mesh frame sent, when it was one whole frame (not a fragment or a hop ACK). */
        public MeshFrame decoded() {
            Decoded<MeshFrame> d = FrameCodec.decode(frame);
            return d.isOk() ? d.value() : null;
        }

        public boolean isHopAck() {
            return HopAck.is(frame);
        }

        public boolean isFragment() {
            return Fragmenter.isFragment(frame);
        }
    }

    private final String id;
    private final TransportProfile profile;
    private volatile TransportState state = TransportState.STOPPED;
    private volatile TransportListener listener;
    public final List<Sent> sent = new CopyOnWriteArrayList<>();

    public RecordingTransport(String id, TransportProfile profile) {
        this.id = id;
        this.profile = profile;
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

    @Override
    public void start(TransportListener l) {
        listener = l;
        setState(TransportState.ACTIVE);
    }

    @Override
    public void stop() {
        setState(TransportState.STOPPED);
    }

    public void setState(TransportState s) {
        state = s;
        TransportListener l = listener;
        if (l != null) l.onStateChanged(this, s, "test");
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        send(to, frame, TrafficOrigin.LOCAL);
    }

    @Override
    public void send(Endpoint to, byte[] frame, TrafficOrigin origin) throws TransportException {
        if (!profile.canSend()) throw new TransportException(id + ": a " + profile.kind() + " medium does not send");
        if (state != TransportState.ACTIVE) throw new TransportException(id + " is " + state);
        if (frame.length > profile.mtu()) throw new TransportException(id + ": frame over mtu");
        sent.add(new Sent(to, frame.clone(), origin));
    }

    /** A neighbour's frame arrives. */
    public void receive(Endpoint from, byte[] frame, LinkQuality quality) {
        listener.onFrame(this, from, frame, quality);
    }

    public void receive(Endpoint from, byte[] frame) {
        receive(from, frame, LinkQuality.UNKNOWN);
    }

    /** The medium reports a new neighbour. */
    public void neighbourUp(Endpoint e) {
        listener.onNeighbour(this, new Neighbour(e, LinkQuality.UNKNOWN, java.time.Instant.EPOCH), true);
    }

    /** Whole mesh frames sent, in order (fragments and hop ACKs left out). */
    public List<MeshFrame> frames() {
        return sent.stream().map(Sent::decoded).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public List<Neighbour> neighbours() {
        return List.of();
    }
}
