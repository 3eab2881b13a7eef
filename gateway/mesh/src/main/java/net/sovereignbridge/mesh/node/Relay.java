package net.sovereignbridge.mesh.node;

import java.sql.SQLException;
import java.time.Clock;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.custody.HeldOrigins;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.MeshFrame;
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
 */
final class Relay {
    private static final RateLimitedLog log = RateLimitedLog.of(Relay.class);

    private final Router router;
    private final FloodControl flood;
    private final CustodyQueue custody;
    private final HeldOrigins origins;
    private final Clock clock;
    private final long messageTtlMillis;

    Relay(Router router, CustodyQueue custody, HeldOrigins origins, Clock clock, long messageTtlMillis) {
        this.router = router;
        this.flood = router.flood();
        this.custody = custody;
        this.origins = origins;
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
        origins.remember(frame.source(), frame.messageId(), frame.type().code, origin);
        // A copy without the hop-ACK flag was broadcast: part of a flood, not a unicast hop (or a hop on a link
        // without hop ACKs): no greedy step from here, see Outbound.allowGeo.
        boolean flooded = (frame.flags() & MeshFrame.FLAG_HOP_ACK) == 0;
        if (router.forward(frame.destination(), onward, false, !flooded, origin) != null) return;
        flood.scheduleRebroadcast(frame.source(), frame.messageId(), frame.type().code, FloodControl.delayQuality(quality),
                () -> router.flood(onward, origin, l -> true));
        try {
            custody.accept(frame.destination(), frame.source(), frame.messageId(), frame.type().code, onward, false, 0,
                    clock.millis(), messageTtlMillis, MessageState.QUEUED);
        } catch (CustodyQueue.RefusedException e) {
            log.debug("relay.custody", "not holding a frame for {}: {}", frame.destination(), e.getMessage());
        }
    }
}
