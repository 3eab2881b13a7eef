package net.sovereignbridge.mesh.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.link.Link;
import net.sovereignbridge.mesh.link.Links;
import net.sovereignbridge.mesh.routing.AnnounceAirtime;
import net.sovereignbridge.mesh.routing.FloodControl;
import net.sovereignbridge.mesh.routing.Router;
import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.TransportKind;

/**
 * This node's announces (docs/routing.md, "Announces and the route table"): periodic on every link that can
 * send, at once on a link that came up, triggered soon after a new neighbour appeared, a unicast greeting to a
 * new neighbour on a duplex link, and the rebroadcast of others' announces. On links with an airtime budget
 * announces are sent at the long interval, get no greeting, and are booked against a share of the budget
 * ({@link AnnounceAirtime}): one that does not fit is not sent.
 */
public final class Announcer {
    /**
     * @param name announced with every announce (at most 32 bytes of UTF-8)
     * @param intervalMillis period on links without an airtime budget
     * @param airtimeIntervalMillis period on links with one (LoRa under a duty cycle, audio)
     * @param airtimeShare share (0..1] of a link's airtime budget that announces, own and relayed, may use
     */
    public record Options(String name, long intervalMillis, long airtimeIntervalMillis, double airtimeShare) {
        public static Options defaults() {
            return new Options("", 30_000, 900_000, AnnounceAirtime.DEFAULT_SHARE);
        }
    }


    private final NodeIdentity identity;
    private final Links links;
    private final Router router;
    private final FloodControl flood;
    private final NodeRuntime rt;
    private final Options options;
    private final int hopLimit;
    private final long floodDelayMillis;
    private final int maxPeers;
    private final AnnounceAirtime airtime;
    private final Map<String, Long> lastAnnounce = new ConcurrentHashMap<>();
    private final AnnounceReplies replies = new AnnounceReplies();
    private final Map<MeshAddress, Long> lastRelayed = new ConcurrentHashMap<>();
    private volatile long lastTriggered;

    Announcer(NodeIdentity identity, Links links, Router router, NodeRuntime rt, Options options, int hopLimit,
            long floodDelayMillis, int maxPeers) {
        this.identity = identity;
        this.links = links;
        this.router = router;
        this.flood = router.flood();
        this.rt = rt;
        this.options = options;
        this.hopLimit = hopLimit;
        this.floodDelayMillis = floodDelayMillis;
        this.maxPeers = maxPeers;
        this.airtime = new AnnounceAirtime(options.airtimeShare());
    }

    void start() {
        rt.timers().scheduleWithFixedDelay(this::announceDue, 1000, 1000, TimeUnit.MILLISECONDS);
    }

    /** Announces sent to one endpoint in reply (greetings, answers) and refused by {@link AnnounceReplies}. */
    public AnnounceReplies.Counters replies() {
        return replies.counters();
    }

    /** Announce airtime booked and refused per link. */
    public AnnounceAirtime airtime() {
        return airtime;
    }

    /** Broadcasts a signed announce on every link that can send, now; returns the announces' message ids. */
    public List<Integer> announce() {
        List<Integer> ids = new ArrayList<>();
        for (Link l : links.all()) {
            Integer id = announceTo(l, Endpoint.broadcast(l.id()));
            if (id != null) ids.add(id);
            lastAnnounce.put(l.id(), rt.clock().millis());
        }
        return ids;
    }

    /** At most one relayed announce per origin per this interval, so a chatty node cannot flood the mesh. */
    public long relayInterval() {
        return Math.min(Math.min(10_000, options.intervalMillis() / 2), 25 * floodDelayMillis);
    }

    /** Our signed announce with hop limit {@code hops}, for a bundle: it lets the importer open our messages. */
    MeshFrame signed(int hops) {
        return SignedFrames.sign(identity, FrameType.ANNOUNCE, null, rt.nextMessageId(), hops, body().encode());
    }

    /** A link came up: announce on it at once. */
    void linkUp(Link link) {
        rt.soon(() -> announceOn(link));
    }

    /**
     * A transport reports a new neighbour (an overlay peer that just connected, a LAN endpoint a verified announce
     * came from): on a duplex link without an airtime budget our announce goes to it at once, unicast, instead of
     * at the next periodic announce, within {@link AnnounceReplies}. A broadcast medium hears our periodic
     * announce anyway.
     */
    void greet(Link link, Endpoint to) {
        if (link.profile().kind() != TransportKind.DUPLEX || link.profile().airtimeGoverned()) return;
        if (!replies.tryTake(to, rt.clock().millis())) return;
        rt.soon(() -> announceTo(link, to));
    }

    /**
     * A newcomer announced itself directly to us: on a duplex link it gets our announce at once, so both sides
     * know each other without waiting for the next period (radio links wait: their airtime is budgeted); within
     * {@link AnnounceReplies}, which also keeps a newcomer that was just greeted from getting a second copy.
     */
    void answer(Link link, Endpoint newcomer) {
        if (link.profile().kind() != TransportKind.DUPLEX) return;
        if (replies.tryTake(newcomer, rt.clock().millis())) announceTo(link, newcomer);
    }

    /**
     * A new neighbour appeared: announce again on every link without an airtime budget soon (once per relay
     * interval), so nodes beyond it learn about us now rather than at the next periodic announce.
     */
    void announceSoon() {
        long now = rt.clock().millis();
        if (now - lastTriggered < relayInterval()) return;
        lastTriggered = now;
        long delay = floodDelayMillis + (long) (rt.random().nextDouble() * 4 * floodDelayMillis);
        try {
            rt.timers().schedule(() -> {
                for (Link l : links.all()) {
                    if (!l.profile().airtimeGoverned()) announceOn(l);
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException ignored) {
            // shutting down
        }
    }

    /** Rebroadcasts a verified announce once under flood control, rate-limited per origin, within the airtime share. */
    void relay(MeshFrame frame, LinkQuality quality, long now) {
        if (frame.hopsLeft() <= 1) return;
        Long last = lastRelayed.get(frame.source());
        if (last != null && now - last < relayInterval()) return;
        lastRelayed.put(frame.source(), now);
        if (lastRelayed.size() > maxPeers) lastRelayed.clear();
        byte[] relayed = FrameCodec.encode(frame.forwarded());
        flood.scheduleRebroadcast(frame.source(), frame.messageId(), FrameType.ANNOUNCE.code,
                FloodControl.delayQuality(quality),
                () -> router.flood(relayed, TrafficOrigin.LOCAL, l -> fits(l, relayed.length)));
    }

    private void announceDue() {
        long now = rt.clock().millis();
        for (Link l : links.all()) {
            long interval = l.profile().airtimeGoverned() ? options.airtimeIntervalMillis() : options.intervalMillis();
            Long last = lastAnnounce.get(l.id());
            if (last == null || now - last >= interval) announceOn(l);
        }
    }

    private void announceOn(Link link) {
        announceTo(link, Endpoint.broadcast(link.id()));
        lastAnnounce.put(link.id(), rt.clock().millis());
    }

    /** Our announce to one endpoint or a link's broadcast; null when the link cannot take it or the share is used up. */
    private Integer announceTo(Link link, Endpoint to) {
        if (to.isBroadcast() ? !link.canSend() : !link.canUnicast()) return null;
        byte[] bodyBytes = body().encode();
        // Booked before signing: an announce the airtime share refuses costs no signature.
        if (!fits(link, MeshFrame.BROADCAST_HEADER_LENGTH + bodyBytes.length + SignedFrames.SIGNATURE_LENGTH)) {
            return null;
        }
        int id = rt.nextMessageId();
        MeshFrame frame = SignedFrames.sign(identity, FrameType.ANNOUNCE, null, id, hopLimit, bodyBytes);
        flood.remember(identity.address(), id, FrameType.ANNOUNCE.code);
        links.send(to, FrameCodec.encode(frame), TrafficOrigin.LOCAL);
        return id;
    }

    private AnnounceBody body() {
        String p = router.position().orElse(null);
        return new AnnounceBody(identity.publicIdentity(), rt.clock().instant().getEpochSecond(), options.name(),
                p == null ? null : AnnounceBody.positionExtension(p));
    }

    /** True (and the airtime booked) when an announce frame of {@code length} bytes fits its share on {@code link}. */
    private boolean fits(Link link, int length) {
        Optional<AirtimeBudget> governed = link.profile().airtime();
        if (governed.isEmpty()) return true;
        AirtimeBudget b = governed.get();
        int mtu = link.profile().mtu();
        int chunk = mtu - Fragmenter.HEADER_LENGTH;
        long nanos = 0;
        for (int left = length; left > 0; ) {
            // One frame if it fits the MTU, else fragments of header + chunk (the last one shorter).
            int piece = length <= mtu ? length : Fragmenter.HEADER_LENGTH + Math.min(chunk, left);
            left -= length <= mtu ? length : Math.min(chunk, left);
            nanos += b.airtimeNanos(piece);
        }
        return airtime.tryTake(link.id(), nanos, b.hourlyBudgetNanos(), rt.clock().millis());
    }
}
