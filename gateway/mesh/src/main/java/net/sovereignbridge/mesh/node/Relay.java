package net.sovereignbridge.mesh.node;

import java.sql.SQLException;
import java.time.Clock;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.link.Link;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import net.sovereignbridge.mesh.routing.FloodControl;
import net.sovereignbridge.mesh.routing.Router;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * DATA and ACK frames for someone else: forwarded along a route once, else flooded once under flood control
 * and held in custody until a route appears (docs/routing.md, "Tiers"). Each frame is handled once however
 * many copies arrive; forwarded frames keep the origin of the link they came in on.
 *
 * <p>A relay cannot open what it holds for others, and anyone on a medium can forge such frames, so custody
 * for others has budgets of its own (docs/routing.md, "Custody budgets"): per neighbour, per origin, for
 * origins whose key we never heard. What they refuse, or what gives way, is counted and logged; the frame's
 * origin still has its own copy and retries it.
 */
final class Relay {
    private static final RateLimitedLog log = RateLimitedLog.of(Relay.class);

    private final Router router;
    private final FloodControl flood;
    private final CustodyQueue custody;
    private final PeerDirectory peers;
    private final Clock clock;
    private final long messageTtlMillis;

    Relay(Router router, CustodyQueue custody, PeerDirectory peers, Clock clock, long messageTtlMillis) {
        this.router = router;
        this.flood = router.flood();
        this.custody = custody;
        this.peers = peers;
        this.clock = clock;
        this.messageTtlMillis = messageTtlMillis;
    }

    void relay(Link link, Endpoint from, MeshFrame frame, LinkQuality quality) throws SQLException {
        if (frame.destination() == null) {
            link.drop(from, DecodeError.NOT_FOR_US, frame.type() + " without destination");
            return;
        }
        if (!flood.firstSighting(frame.source(), frame.messageId(), frame.type().code, frame.hopCount(),
                FloodControl.copyQuality(quality))) {
            link.count(DecodeError.DUPLICATE);
            return;
        }
        if (frame.hopsLeft() <= 0) {
            link.drop(from, DecodeError.HOP_LIMIT, "from " + frame.source() + " for " + frame.destination());
            return;
        }
        byte[] onward = FrameCodec.encode(frame.forwarded());
        TrafficOrigin origin = link.receivedOrigin();
        // A copy without the hop-ACK flag was broadcast: part of a flood, not a unicast hop (or a hop on a link
        // without hop ACKs): no greedy step from here, see Outbound.allowGeo.
        boolean flooded = (frame.flags() & MeshFrame.FLAG_HOP_ACK) == 0;
        if (router.forward(frame.destination(), onward, false, !flooded, origin) != null) return;
        flood.scheduleRebroadcast(frame.source(), frame.messageId(), frame.type().code, FloodControl.delayQuality(quality),
                () -> router.flood(onward, origin, l -> true));
        String neighbour = neighbourOf(from);
        boolean originKnown = peers.key(frame.source()).isPresent();
        try {
            custody.acceptRelayed(frame.destination(), frame.source(), frame.messageId(), frame.type().code, onward,
                    clock.millis(), messageTtlMillis, neighbour, originKnown, origin)
                    .flatMap(CustodyQueue.Held::displaced)
                    .ifPresent(d -> log.info("relay.custody-displaced", "custody for others full: dropped a held frame "
                            + "of unknown origin {} for {} (from {}) to hold one of known origin {} for {}", d.source(),
                            d.destination(), d.neighbour(), frame.source(), frame.destination()));
        } catch (CustodyQueue.RefusedException e) {
            // Counted by reason in custody's counters (sbridge status, custody.refused); the frame was flooded on.
            log.warn("relay.custody-refused", "not holding a frame of {} for {} from {}: {}", frame.source(),
                    frame.destination(), neighbour, e.getMessage());
        }
    }

    /**
     * Whom a relayed frame counts against: the endpoint it came from once a node proved itself there with a fresh,
     * authenticated frame; every other sender on the transport shares one allowance, since a stranger can send
     * from as many ports or addresses as it likes.
     */
    String neighbourOf(Endpoint from) {
        return router.neighbours().isNeighbour(from) ? from.toString() : from.transportId() + ":(unproven senders)";
    }

    /** The key of {@code origin} became known: its held frames no longer count as of an unknown origin. */
    void originKnown(MeshAddress origin) {
        try {
            custody.markOriginKnown(origin);
        } catch (SQLException e) {
            log.warn("relay.custody-store", "custody update failed: {}", e.getMessage());
        }
    }
}
