package net.sovereignbridge.mesh.link;

import java.util.List;
import java.util.Optional;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * What the layers above (router, announcer, delivery, topics) may ask of the link layer: the node's links and
 * their capabilities, neighbour liveness, and the two ways to put an encoded mesh frame on the air (a unicast
 * hop, or one frame to an endpoint or a link's broadcast endpoint). Frames are fragmented to each link's MTU
 * here; callers never see fragments or hop ACKs.
 */
public interface Links {
    /** Every link, in no particular order. */
    List<Link> all();

    /** The link of transport {@code transportId}, if the node has one. */
    Optional<Link> link(String transportId);

    /** True while the node runs: nothing is sent before start or after close. */
    boolean running();

    /** A unicast hop to {@code hop} can carry a frame of {@code frameLength} bytes now. */
    default boolean usable(Endpoint hop, int frameLength) {
        return link(hop.transportId()).map(l -> l.canUnicast() && l.carries(frameLength)).orElse(false);
    }

    /** {@code neighbour} has not outlived its transport's neighbour timeout (see {@link Link#alive}). */
    default boolean alive(Endpoint neighbour, long nowMillis) {
        return link(neighbour.transportId()).map(l -> l.alive(neighbour, nowMillis)).orElse(false);
    }

    /**
     * Sends {@code encoded} as a unicast hop to the first of {@code candidates} that can take it. Where that
     * link asks for hop ACKs ({@code TransportProfile.hopAcks}) the frame carries the HOP_ACK flag and is
     * retransmitted while unacknowledged, then moved to the next candidate; elsewhere it goes once, without
     * the flag. Returns at once: retransmissions run on the timer thread.
     */
    void sendHop(byte[] encoded, List<Endpoint> candidates, TrafficOrigin origin);

    /** One frame to one endpoint (or a link's broadcast endpoint) as it is; false when the transport refused it. */
    boolean send(Endpoint to, byte[] encoded, TrafficOrigin origin);
}
