package net.sovereignbridge.mesh.node;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.PublicIdentity;
import net.sovereignbridge.mesh.link.Link;
import net.sovereignbridge.mesh.routing.FloodControl;
import net.sovereignbridge.mesh.routing.RouteTable;
import net.sovereignbridge.mesh.routing.Router;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What received announces teach (docs/routing.md, "Announces and the route table"): the first copy of an
 * announce is verified, then teaches the origin's key (PeerDirectory), a route through the neighbour it came
 * from, the origin's position and, heard directly, a direct neighbour; it is answered (a newcomer on a duplex
 * link), relayed once and releases what custody holds for its origin. Every further copy that is byte for
 * byte the verified announce adds the route through the neighbour that relayed it, without a second
 * signature check.
 */
final class RouteLearning {
    private static final Logger log = LoggerFactory.getLogger(RouteLearning.class);

    /**
     * The newest verified announce of each origin: id, digest of its signed bytes, timestamp, position, and
     * the ids of every announce of that second (an origin announces on each of its links in the same second).
     */
    private record Verified(int messageId, byte[] digest, long announcedAt, String position, int[] idsThisSecond) {
        boolean seen(int id) {
            for (int i : idsThisSecond) if (i == id) return true;
            return false;
        }
    }

    /** Announce ids remembered per origin and second; an origin has one per link. */
    private static final int IDS_PER_SECOND = 16;

    private final PeerDirectory peers;
    private final Router router;
    private final FloodControl flood;
    private final Announcer announcer;
    private final Clock clock;
    private final int maxPeers;
    private final Consumer<MeshAddress> routeAppeared;
    private final Map<MeshAddress, Verified> verified = new ConcurrentHashMap<>();

    /** @param routeAppeared told of every origin whose announce arrived: what waits for it may leave now */
    RouteLearning(PeerDirectory peers, Router router, Announcer announcer, Clock clock, int maxPeers,
            Consumer<MeshAddress> routeAppeared) {
        this.peers = peers;
        this.router = router;
        this.flood = router.flood();
        this.announcer = announcer;
        this.clock = clock;
        this.maxPeers = maxPeers;
        this.routeAppeared = routeAppeared;
    }

    void onAnnounce(Link link, Endpoint from, MeshFrame frame, LinkQuality quality) throws SQLException {
        if (!flood.firstSighting(frame.source(), frame.messageId(), FrameType.ANNOUNCE.code, frame.hopCount(),
                FloodControl.copyQuality(quality))) {
            link.count(DecodeError.DUPLICATE);
            learnFromCopy(link, from, frame, quality);
            return;
        }
        Decoded<PublicIdentity> key = SignedFrames.verifyAnnounce(frame);
        if (key instanceof Decoded.Error<PublicIdentity> e) {
            link.drop(from, e.reason(), e.detail());
            return;
        }
        Decoded<AnnounceBody> body = AnnounceBody.decode(SignedFrames.verify(frame, key.value()).value());
        if (body instanceof Decoded.Error<AnnounceBody> e) {
            link.drop(from, e.reason(), e.detail());
            return;
        }
        long now = clock.millis();
        long announced = body.value().unixSeconds();
        if (announced > clock.instant().getEpochSecond() + 300) {
            link.drop(from, DecodeError.STALE, "announce from the future");
            return;
        }
        // An announce is news once: older than the newest we verified from its origin, or of the same second
        // and already seen, it is a replay (anyone can resend a captured announce from another address after
        // flood control forgot it) and teaches nothing: no route, no neighbour, no answer, no relay.
        Verified last = verified.get(frame.source());
        long newestKnown = peers.get(frame.source()).map(PeerDirectory.Peer::announcedAt).orElse(Long.MIN_VALUE);
        if (announced < newestKnown || (last != null && (announced < last.announcedAt()
                || (announced == last.announcedAt() && last.seen(frame.messageId()))))) {
            link.drop(from, DecodeError.REPLAY, "announce of " + announced + " from " + frame.source()
                    + " is not newer than the one verified");
            return;
        }
        boolean isNew = peers.get(frame.source()).isEmpty();
        if (peers.learn(key.value(), body.value().name(), announced, now)) {
            log.debug("learned {} ({}) via {}", frame.source(), body.value().name(), from);
        }
        learnRoute(link, from, frame, quality, announced, now);
        if (verified.size() >= maxPeers) verified.clear();
        String position = body.value().position();
        verified.put(frame.source(), new Verified(frame.messageId(), digest(frame), announced, position,
                idsOfSecond(last, announced, frame.messageId())));
        if (position != null) router.geo().learn(frame.source(), position, frame.hopCount() == 0 ? from : null, now);
        if (frame.hopCount() == 0) {
            link.proven(from, quality);
            router.neighbours().heard(frame.source(), from, now);
            if (isNew) announcer.answer(link, from);
            if (isNew) announcer.announceSoon();
        }
        announcer.relay(frame, quality, now);
        routeAppeared.accept(frame.source());
    }

    private static int[] idsOfSecond(Verified last, long announced, int id) {
        if (last == null || last.announcedAt() != announced) return new int[] {id};
        int[] before = last.idsThisSecond();
        if (before.length >= IDS_PER_SECOND) return before; // more links than that: later ones are not remembered
        int[] ids = java.util.Arrays.copyOf(before, before.length + 1);
        ids[before.length] = id;
        return ids;
    }

    /**
     * A further copy of an announce already verified: every neighbour that relays it is a path to its origin.
     * The copy must be byte for byte the verified announce apart from the hop fields (same digest), which a
     * relay can change anyway. Routes then track every live neighbour, not just the one whose copy came first.
     *
     * <p>A copy is a replay by definition: it proves nothing about the address it came from. So it teaches a
     * route only through an endpoint that has proven itself (a node was heard directly there with a fresh
     * authenticated frame), and a copy that claims to come from its origin directly (hop count 0) teaches
     * nothing: the first copy did, and a second one from another address is someone resending it.
     */
    private void learnFromCopy(Link link, Endpoint from, MeshFrame frame, LinkQuality quality) {
        if (frame.hopCount() == 0) return;
        Verified v = verified.get(frame.source());
        if (v == null || v.messageId() != frame.messageId()) return;
        if (!Arrays.equals(v.digest(), digest(frame))) return;
        if (!router.neighbours().isNeighbour(from)) return;
        learnRoute(link, from, frame, quality, v.announcedAt(), clock.millis());
    }

    private void learnRoute(Link link, Endpoint from, MeshFrame frame, LinkQuality quality, long announced, long now) {
        router.routes().learn(frame.source(), from, frame.hopCount() + 1, link.profile().preference(),
                RouteTable.linkCost(link.profile(), quality.lossRatio()), announced, now);
    }

    /** SHA-256 (first 16 bytes) of what the announce's signature covers: header without hop fields, payload. */
    private static byte[] digest(MeshFrame frame) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(FrameCodec.authenticatedHeader(frame));
            md.update(frame.payload());
            return Arrays.copyOf(md.digest(), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
