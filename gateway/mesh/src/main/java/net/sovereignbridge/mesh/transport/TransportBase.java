package net.sovereignbridge.mesh.transport;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.frame.DecodeError;

/**
 * What every transport does the same way: its state with the reason for the last change (each change is an
 * event to the listener), the listener itself, delivery of received frames, a few counters, and the
 * {@link NeighbourTable} driven by the transport's {@link TransportProfile#neighbourTimeoutMillis()}.
 * A subclass moves bytes on its medium and calls {@link #deliver}, {@link #rejected}, {@link #sent} and
 * {@link #setState}; it checks outgoing frames with {@link #checkSend}.
 *
 * <p>Who becomes a neighbour is the subclass's choice of {@link NeighbourRule}: with {@code FIRST_FRAME} the
 * sender of any well-formed frame (a radio, where anyone in range is a neighbour; a connection whose peer the
 * handshake proved); with {@code PROVEN} only an endpoint the node vouched for through
 * {@link #neighbourProven} (LAN, where a datagram's source address is a claim anyone can make).
 *
 * <p>Neighbours expire lazily (on every {@link #neighbours()} call and on deliveries) and whenever the
 * subclass calls {@link #expireNeighbours()} from a thread of its own; so a transport that has no threads
 * (the simulator's) still reports a silent neighbour gone, in virtual time.
 */
public abstract class TransportBase implements Transport {
    /** Neighbours one transport remembers at most. */
    public static final int DEFAULT_MAX_NEIGHBOURS = 4096;

    private final String id;
    private final TransportProfile profile;
    private final NeighbourTable neighbours;
    private final NeighbourRule neighbourRule;
    private volatile TransportState state = TransportState.STOPPED;
    private volatile String stateReason = "";
    private volatile TransportListener listener;
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();

    protected TransportBase(String id, TransportProfile profile, Clock clock, int maxNeighbours) {
        this(id, profile, clock, maxNeighbours, NeighbourRule.FIRST_FRAME);
    }

    protected TransportBase(String id, TransportProfile profile, Clock clock, int maxNeighbours, NeighbourRule rule) {
        this.neighbourRule = Objects.requireNonNull(rule, "rule");
        this.id = Objects.requireNonNull(id, "id");
        this.profile = Objects.requireNonNull(profile, "profile");
        this.neighbours = new NeighbourTable(Objects.requireNonNull(clock, "clock"), profile.neighbourTimeoutMillis(),
                maxNeighbours);
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final TransportProfile profile() {
        return profile;
    }

    @Override
    public final TransportState state() {
        return state;
    }

    /** Why the transport entered its current state ("" when there is nothing to say). */
    public final String stateReason() {
        return stateReason;
    }

    /** Keeps the listener that {@link #setState} and {@link #deliver} report to; call first in start(). */
    protected final void attach(TransportListener l) {
        this.listener = Objects.requireNonNull(l, "listener");
    }

    protected final TransportListener listener() {
        return listener;
    }

    /** Enters {@code s} and tells the listener; stopping forgets the neighbours (without events). */
    protected final void setState(TransportState s, String reason) {
        state = s;
        stateReason = reason == null ? "" : reason;
        if (s == TransportState.STOPPED) neighbours.clear();
        TransportListener l = listener;
        if (l != null) l.onStateChanged(this, s, stateReason);
    }

    /**
     * Throws unless the transport is active, {@code to} is one of its endpoints and {@code frame} holds 1 to MTU
     * bytes: the checks every {@link Transport#send} makes before touching the medium.
     */
    protected final void checkSend(Endpoint to, byte[] frame) throws TransportException {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(frame, "frame");
        if (!state.canSend()) throw new TransportException(id + ": not active (" + state + ")");
        if (!to.transportId().equals(id)) throw new TransportException(id + ": endpoint " + to + " is not ours");
        if (frame.length == 0 || frame.length > profile.mtu()) {
            throw new TransportException(id + ": frame of " + frame.length + " bytes (MTU " + profile.mtu() + ")");
        }
    }

    @Override
    public final NeighbourRule neighbourRule() {
        return neighbourRule;
    }

    /**
     * Hands a well-formed frame to the listener. Under {@code FIRST_FRAME} its sender becomes (or stays) a
     * neighbour, announced to the listener when new; under {@code PROVEN} a neighbour's frame keeps it alive and
     * anyone else's makes no entry. Returns false (frame not delivered) while the transport is not active, and for
     * a frame no sender on this medium could have sent (empty, or over the MTU: counted as rejected, no neighbour).
     */
    protected final boolean deliver(Endpoint from, byte[] frame, LinkQuality quality) {
        TransportListener l = listener;
        if (!state.canSend() || l == null) return false;
        if (frame.length == 0 || frame.length > profile.mtu()) {
            rejected(frame.length == 0 ? DecodeError.TRUNCATED : DecodeError.OVERSIZE);
            return false;
        }
        framesReceived.incrementAndGet();
        Neighbour fresh = null;
        if (neighbourRule == NeighbourRule.FIRST_FRAME) fresh = neighbours.heard(from, quality);
        else neighbours.refresh(from, quality);
        reportGone(neighbours.expireIfDue());
        if (fresh != null) l.onNeighbour(this, fresh, true);
        l.onFrame(this, from, frame, quality);
        return true;
    }

    /**
     * Under {@code PROVEN}: {@code endpoint} becomes a neighbour (announced to the listener when new) or stays
     * one. Under {@code FIRST_FRAME} its frame made it one already: nothing to do. Ignored while not active.
     */
    @Override
    public final void neighbourProven(Endpoint endpoint, LinkQuality quality) {
        TransportListener l = listener;
        if (neighbourRule != NeighbourRule.PROVEN || !state.canSend() || l == null) return;
        if (!endpoint.transportId().equals(id) || endpoint.isBroadcast()) return;
        Neighbour fresh = neighbours.add(endpoint, quality);
        if (fresh != null) l.onNeighbour(this, fresh, true);
    }

    /** Counts input that was not ours to deliver (a foreign packet, garbage): no neighbour, no frame. */
    protected final void rejected() {
        rejected.incrementAndGet();
    }

    /** Counts input that cannot be a link frame, and tells the listener why (it counts drops by reason). */
    protected final void rejected(DecodeError reason) {
        rejected.incrementAndGet();
        TransportListener l = listener;
        if (l != null) l.onRejected(this, reason);
    }

    /** Counts a frame that went onto the medium. */
    protected final void sent() {
        framesSent.incrementAndGet();
    }

    /** Counts a frame the medium refused after it was accepted. */
    protected final void sendFailed() {
        sendFailures.incrementAndGet();
    }

    /** Reports neighbours silent past the timeout as gone; returns how many went. */
    public final int expireNeighbours() {
        return reportGone(neighbours.expire());
    }

    private int reportGone(List<Neighbour> gone) {
        TransportListener l = listener;
        if (l != null) for (Neighbour n : gone) l.onNeighbour(this, n, false);
        return gone.size();
    }

    @Override
    public final List<Neighbour> neighbours() {
        expireNeighbours();
        return neighbours.snapshot();
    }

    /** Frames on the medium, frames delivered, input rejected before delivery, frames the medium refused. */
    public record Counters(long framesSent, long framesReceived, long rejected, long sendFailures) {}

    public final Counters counters() {
        return new Counters(framesSent.get(), framesReceived.get(), rejected.get(), sendFailures.get());
    }
}
