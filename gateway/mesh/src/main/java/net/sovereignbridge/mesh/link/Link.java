package net.sovereignbridge.mesh.link;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.Reassembler;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;

/**
 * One transport as the link layer sees it: what it can do (read from its {@link TransportProfile}, never from
 * its class or id), fragmentation of outgoing frames to its MTU, reassembly of incoming fragments, and when
 * each neighbour on it was last heard, against the transport's own neighbour timeout.
 *
 * <p>Reassembly runs on the node's one receive thread; sending may run on any thread.
 */
public final class Link {
    /** Drops are a peer's doing: rate-limited. */
    private static final RateLimitedLog log = RateLimitedLog.of(Link.class);

    private final Transport transport;
    private final TransportManager manager;
    private final int maxNeighbours;
    private final Reassembler reassembler = Reassembler.withDefaults();
    /** When each endpoint last sent us anything: a neighbour's periodic announces keep it fresh. */
    private final Map<Endpoint, Long> lastHeard = new ConcurrentHashMap<>();

    Link(Transport transport, TransportManager manager, int maxNeighbours) {
        this.transport = transport;
        this.manager = manager;
        this.maxNeighbours = maxNeighbours;
    }

    public String id() {
        return transport.id();
    }

    public TransportProfile profile() {
        return transport.profile();
    }

    /** The medium can transmit (not receive-only, not store-and-carry) and the transport is up. */
    public boolean canSend() {
        return transport.profile().canSend() && transport.state().canSend();
    }

    /** As {@link #canSend()}, and the medium can address one neighbour: unicast hops and hop ACKs go here. */
    public boolean canUnicast() {
        return canSend() && transport.profile().unicast();
    }

    /** True when a frame of {@code frameLength} bytes fits in at most 255 fragments of this link's MTU. */
    public boolean carries(int frameLength) {
        return frameLength <= Fragmenter.maxFrameLength(transport.profile().mtu());
    }

    /** The origin of frames heard here, kept when they are forwarded (INTERNET on the overlay). */
    public TrafficOrigin receivedOrigin() {
        return transport.receivedOrigin();
    }

    /**
     * True unless {@code neighbour} was heard before and has been silent for longer than this transport's
     * neighbour timeout (a LoRa neighbour that announces every 15 minutes stays alive for its hour).
     */
    public boolean alive(Endpoint neighbour, long nowMillis) {
        Long t = lastHeard.get(neighbour);
        return t == null || nowMillis - t <= transport.profile().neighbourTimeoutMillis();
    }

    /**
     * The node verified that {@code from} speaks for a mesh node (a fresh signed announce or an authentic message
     * came from it directly): on a transport whose neighbours need proof it becomes a neighbour now.
     */
    public void proven(Endpoint from, LinkQuality quality) {
        transport.neighbourProven(from, quality);
    }

    void heard(Endpoint from, long nowMillis) {
        if (lastHeard.size() >= maxNeighbours && !lastHeard.containsKey(from)) lastHeard.clear();
        lastHeard.put(from, nowMillis);
    }

    /** Splits {@code encoded} to the MTU under one fragment set id and hands the pieces to the transport. */
    boolean send(Endpoint to, byte[] encoded, TrafficOrigin origin, int fragmentSet) {
        boolean ok = true;
        for (byte[] piece : Fragmenter.split(encoded, transport.profile().mtu(), fragmentSet & 0xFFFF)) {
            ok &= manager.send(transport.id(), to, piece, origin);
        }
        return ok;
    }

    /** One link frame that is never fragmented (a hop ACK), as this node's own traffic. */
    boolean sendUnfragmented(Endpoint to, byte[] frame) {
        return manager.send(transport.id(), to, frame);
    }

    /** Ok(frame) once the fragment completed one, Ok(empty) while incomplete. */
    Decoded<Optional<byte[]>> reassemble(Endpoint from, byte[] fragment, long nowMillis) {
        long evicted = reassembler.evictedSets();
        long expired = reassembler.expiredSets();
        Decoded<Optional<byte[]>> result = reassembler.accept(from, fragment, nowMillis);
        // Sets given up are lost frames too: counted with the drops so the status shows them.
        for (long i = evicted; i < reassembler.evictedSets(); i++) count(DecodeError.FRAGMENT_SET_EVICTED);
        for (long i = expired; i < reassembler.expiredSets(); i++) count(DecodeError.FRAGMENT_SET_EXPIRED);
        return result;
    }

    /** Counts a refused frame under {@code reason}; the detail goes to the debug log only. */
    public void drop(Endpoint from, DecodeError reason, String detail) {
        count(reason);
        log.debug("link.drop", "dropped frame from {}: {} ({})", from, reason, detail);
    }

    /** Counts a frame not handled for {@code reason} without logging (duplicates are normal on a mesh). */
    public void count(DecodeError reason) {
        manager.counters(transport.id()).drop(reason);
    }

    @Override
    public String toString() {
        return transport.id();
    }
}
