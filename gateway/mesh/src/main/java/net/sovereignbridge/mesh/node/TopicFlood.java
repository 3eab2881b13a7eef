package net.sovereignbridge.mesh.node;

import java.time.Instant;
import java.util.Optional;
import net.sovereignbridge.mesh.envelope.ReplayGuard;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PublicIdentity;
import net.sovereignbridge.mesh.link.Link;
import net.sovereignbridge.mesh.link.Links;
import net.sovereignbridge.mesh.routing.FloodControl;
import net.sovereignbridge.mesh.routing.Router;
import net.sovereignbridge.mesh.topics.TopicBody;
import net.sovereignbridge.mesh.topics.TopicMessage;
import net.sovereignbridge.mesh.topics.Topics;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * Mesh topics on the air (docs/protocol.md, "Topic messages"): our own messages published as signed
 * BROADCAST frames flooded on every link that can send; others' verified, checked for age, replay and their
 * origin's rate, relayed once under flood control (as far as announces reach) and delivered to subscribers.
 */
final class TopicFlood {
    /** Topic messages older than this are not delivered or relayed: flooding has no store-and-forward. */
    static final long MAX_AGE_SECONDS = 600;

    private final NodeIdentity identity;
    private final PeerDirectory peers;
    private final ReplayGuard replay;
    private final Topics topics;
    private final Router router;
    private final FloodControl flood;
    private final Links links;
    private final NodeRuntime rt;
    private final int hopLimit;

    TopicFlood(NodeIdentity identity, PeerDirectory peers, ReplayGuard replay, Topics topics, Router router,
            Links links, NodeRuntime rt, int hopLimit) {
        this.identity = identity;
        this.peers = peers;
        this.replay = replay;
        this.topics = topics;
        this.router = router;
        this.flood = router.flood();
        this.links = links;
        this.rt = rt;
        this.hopLimit = hopLimit;
    }

    /** See {@link Node#publish}. */
    TopicMessage publish(String topic, byte[] message, TrafficOrigin origin, Topics.Listener except)
            throws SendException {
        if (!links.running()) throw new SendException(SendException.Reason.NOT_RUNNING, "node is not running");
        String problem = TopicBody.nameProblem(topic);
        if (problem != null) throw new SendException(SendException.Reason.INVALID, problem);
        if (message.length > TopicBody.MAX_MESSAGE) {
            throw new SendException(SendException.Reason.TOO_LARGE, "topic message of " + message.length
                    + " bytes (at most " + TopicBody.MAX_MESSAGE + ")");
        }
        if (!topics.admit(identity.address(), rt.clock().millis())) {
            throw new SendException(SendException.Reason.RATE_LIMITED, "topic rate of this node used up ("
                    + topics.limits().perMinute() + " per minute); retry in "
                    + Math.max(1, topics.retryAfterSeconds(identity.address())) + " s");
        }
        long now = rt.clock().instant().getEpochSecond();
        int id = rt.nextMessageId();
        MeshFrame frame = SignedFrames.sign(identity, FrameType.BROADCAST, null, id, hopLimit,
                new TopicBody(now, origin, topic, message).encode());
        flood.remember(identity.address(), id, FrameType.BROADCAST.code);
        replay.check(identity.address(), id, now, now);
        router.flood(FrameCodec.encode(frame), origin, l -> true);
        TopicMessage m = new TopicMessage(topic, identity.address(), id, Instant.ofEpochSecond(now),
                rt.clock().instant(), origin, 0, true, "local", message.clone());
        topics.deliver(m, except);
        return m;
    }

    /**
     * A topic frame: first copy only, from a known, verified sender, fresh, not replayed, within its origin's
     * rate; then relayed once (keeping its origin, or the more restricted one of the link it came in on) and
     * delivered if subscribed.
     */
    void receive(Link link, Endpoint from, MeshFrame frame, LinkQuality quality) {
        if (!flood.firstSighting(frame.source(), frame.messageId(), FrameType.BROADCAST.code, frame.hopCount())) {
            link.count(DecodeError.DUPLICATE);
            return;
        }
        Optional<PublicIdentity> key = peers.key(frame.source());
        if (key.isEmpty()) {
            link.drop(from, DecodeError.UNKNOWN_SENDER, "topic message from unknown " + frame.source());
            return;
        }
        Decoded<byte[]> signed = SignedFrames.verify(frame, key.get());
        if (signed instanceof Decoded.Error<byte[]> e) {
            link.drop(from, e.reason(), e.detail());
            return;
        }
        Decoded<TopicBody> decoded = TopicBody.decode(signed.value());
        if (decoded instanceof Decoded.Error<TopicBody> e) {
            link.drop(from, e.reason(), e.detail());
            return;
        }
        TopicBody body = decoded.value();
        long now = rt.clock().instant().getEpochSecond();
        if (body.unixSeconds() < now - MAX_AGE_SECONDS || body.unixSeconds() > now + 300) {
            link.drop(from, DecodeError.STALE, "topic message from " + frame.source() + " dated " + body.unixSeconds());
            return;
        }
        // The flood memory is short; the replay guard keeps a late copy from being relayed or delivered again.
        if (replay.check(frame.source(), frame.messageId(), body.unixSeconds(), now) != null) {
            link.count(DecodeError.DUPLICATE);
            return;
        }
        if (!topics.admit(frame.source(), rt.clock().millis())) {
            link.drop(from, DecodeError.RATE_LIMITED, "topic messages from " + frame.source());
            return;
        }
        // Same reach as announces (a receiver hop-limit hops away has heard the sender's key): relay while more
        // than one hop is left.
        if (frame.hopsLeft() > 1) {
            byte[] relayed = FrameCodec.encode(frame.forwarded());
            TrafficOrigin origin = body.origin().atLeast(link.receivedOrigin());
            flood.scheduleRebroadcast(frame.source(), frame.messageId(), FrameType.BROADCAST.code,
                    FloodControl.delayQuality(quality), () -> router.flood(relayed, origin, l -> true));
        }
        topics.deliver(new TopicMessage(body.topic(), frame.source(), frame.messageId(),
                Instant.ofEpochSecond(body.unixSeconds()), rt.clock().instant(), body.origin(), frame.hopCount(), false,
                link.id(), body.message()), null);
    }
}
