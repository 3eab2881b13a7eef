package net.sovereignbridge.mesh.link;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.HopAck;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.TransportProfile;

/**
 * Hop-by-hop reliability (docs/protocol.md "Hop acknowledgement", docs/routing.md "Reliability"): a unicast
 * hop on a link whose profile asks for hop ACKs is retransmitted until its neighbour acknowledges it, at most
 * {@link #RETRANSMISSIONS} times, then handed to the next candidate; a neighbour that leaves
 * {@link #SILENT_ROUNDS_UNTIL_GONE} rounds unanswered with nothing heard from it in between is reported lost.
 */
final class HopAcks {
    static final int RETRANSMISSIONS = 3;
    /**
     * A neighbour that leaves this many rounds of {@link #RETRANSMISSIONS} unicast hops unacknowledged, with
     * nothing heard from it in between, is taken for gone, so traffic routes around a failed link within
     * seconds instead of at its routes' expiry. Two rounds, because at 20 % loss one round of three fails now
     * and then on a good link (0.36^3, about 5 %), two in a row about 0.2 %.
     */
    static final int SILENT_ROUNDS_UNTIL_GONE = 2;

    private record Key(MeshAddress source, int messageId, int type, Endpoint to) {}

    private final LinkLayer links;
    private final ScheduledExecutorService timers;
    private final long waitMillis;
    private final Consumer<Endpoint> neighbourLost;
    private final Map<Key, Boolean> awaiting = new ConcurrentHashMap<>();
    private final Map<Endpoint, Integer> silentRounds = new ConcurrentHashMap<>();

    /** @param waitMillis the fixed part of the wait for a hop ACK; latency and time on air are added per link */
    HopAcks(LinkLayer links, ScheduledExecutorService timers, long waitMillis, Consumer<Endpoint> neighbourLost) {
        this.links = links;
        this.timers = timers;
        this.waitMillis = waitMillis;
        this.neighbourLost = neighbourLost;
    }

    void send(byte[] encoded, List<Endpoint> candidates, TrafficOrigin origin) {
        send(FrameCodec.withHopAck(encoded, true), candidates, 0, origin);
    }

    /** {@code flagged} carries HOP_ACK; everything after the first transmission runs on the timer thread. */
    private void send(byte[] flagged, List<Endpoint> candidates, int attempt, TrafficOrigin origin) {
        if (!links.running() || candidates.isEmpty()) return;
        Endpoint to = candidates.get(0);
        Link link = links.link(to.transportId()).orElse(null);
        if (link == null || !link.canUnicast()) {
            send(flagged, candidates.subList(1, candidates.size()), 0, origin);
            return;
        }
        TransportProfile p = link.profile();
        if (!p.hopAcks()) {
            // No acknowledgement to wait for: one transmission without the flag; the next candidate only if
            // the transport refused it.
            if (!links.sendOn(link, to, FrameCodec.withHopAck(flagged, false), origin)) {
                send(flagged, candidates.subList(1, candidates.size()), 0, origin);
            }
            return;
        }
        Key key = key(flagged, to);
        awaiting.put(key, Boolean.TRUE);
        links.sendOn(link, to, flagged, origin);
        long txMillis = flagged.length * 8L * 1000 / Math.max(1, p.nominalBitrate());
        long timeout = waitMillis + 4L * p.nominalLatencyMillis() + 2 * txMillis;
        try {
            timers.schedule(() -> {
                if (awaiting.remove(key) == null) return; // acknowledged
                if (attempt + 1 < RETRANSMISSIONS) {
                    send(flagged, candidates, attempt + 1, origin);
                } else {
                    unanswered(link, to);
                    if (candidates.size() > 1) send(flagged, candidates.subList(1, candidates.size()), 0, origin);
                }
            }, timeout, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            awaiting.remove(key); // shutting down
        }
    }

    /** A hop ACK arrived from {@code from}. */
    void acknowledged(Endpoint from, byte[] bytes) {
        Decoded<HopAck> ack = HopAck.decode(bytes);
        if (ack.isOk()) {
            awaiting.remove(new Key(ack.value().source(), ack.value().messageId(), ack.value().type(), from));
        }
    }

    /** Anything at all heard from {@code from}: it is alive, whatever its hop ACKs did. */
    void heard(Endpoint from) {
        if (!silentRounds.isEmpty()) silentRounds.remove(from);
    }

    private void unanswered(Link link, Endpoint to) {
        // Where airtime is scarce a missed hop ACK is weak evidence: frames collide on the shared channel and
        // duty-cycle waits delay answers past the timeout, so a live neighbour would be dropped and only come
        // back with its next announce (15 min on LoRa). Such links age by their neighbour timeout only.
        if (link.profile().airtimeGoverned()) return;
        int rounds = silentRounds.merge(to, 1, Integer::sum);
        if (rounds >= SILENT_ROUNDS_UNTIL_GONE) {
            silentRounds.remove(to);
            neighbourLost.accept(to);
        }
    }

    /** The acknowledged frame's identity, read from its encoded header (source, message id, type). */
    private static Key key(byte[] encoded, Endpoint to) {
        boolean addressed = (encoded[1] & MeshFrame.FLAG_NO_DESTINATION) == 0;
        int p = addressed ? 19 : 3;
        MeshAddress source = MeshAddress.of(encoded, p);
        int id = ((encoded[p + 16] & 0xFF) << 24) | ((encoded[p + 17] & 0xFF) << 16) | ((encoded[p + 18] & 0xFF) << 8)
                | (encoded[p + 19] & 0xFF);
        return new Key(source, id, encoded[0] & 0x0F, to);
    }
}
