package net.sovereignbridge.mesh.node;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.envelope.Envelope;
import net.sovereignbridge.mesh.envelope.ReplayGuard;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.PublicIdentity;
import net.sovereignbridge.mesh.link.Link;
import net.sovereignbridge.mesh.link.Links;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import net.sovereignbridge.mesh.routing.Geohash;
import net.sovereignbridge.mesh.routing.Router;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end delivery (docs/routing.md, "Reliability" and "Store-and-forward custody"): our own messages are
 * sealed, committed to custody before {@link #send} returns, handed to the router and retried with backoff
 * until the recipient's authenticated ACK arrives or their time to live runs out; frames held for others are
 * retried until a route takes them. Messages for us are opened, replay-checked, acknowledged and stored in
 * the inbox before listeners hear of them.
 */
public final class Delivery {
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);
    /** Custody updates fail per frame when the disk is full: rate-limited. */
    private static final RateLimitedLog storeLog = RateLimitedLog.of(Delivery.class);

    /**
     * @param retryBaseMillis first retry of an unacknowledged message; doubles per attempt, with jitter
     * @param retryMaxMillis ceiling of the retry interval
     * @param messageTtlMillis how long an accepted message (ours, or one held for others) is kept for delivery
     * @param custody the budgets of custody: our own messages (beyond them {@link #send} refuses) apart from
     *     frames held for others
     */
    public record Options(long retryBaseMillis, long retryMaxMillis, long messageTtlMillis, CustodyQueue.Limits custody) {
        public static Options defaults() {
            return new Options(3_000, 300_000, 7 * 86_400_000L, CustodyQueue.Limits.defaults());
        }
    }

    private final Envelope envelope;
    private final MeshAddress self;
    private final ReplayGuard replay;
    private final PeerDirectory peers;
    private final Inbox inbox;
    private final CustodyQueue custody;
    private final Router router;
    private final Links links;
    private final NodeRuntime rt;
    private final Options options;
    private final int hopLimit;
    private final List<Consumer<Inbox.Message>> deliveryListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<StateChange>> stateListeners = new CopyOnWriteArrayList<>();

    Delivery(Envelope envelope, ReplayGuard replay, PeerDirectory peers, Inbox inbox, CustodyQueue custody,
            Router router, Links links, NodeRuntime rt, Options options, int hopLimit) {
        this.envelope = envelope;
        this.self = envelope.identity().address();
        this.replay = replay;
        this.peers = peers;
        this.inbox = inbox;
        this.custody = custody;
        this.router = router;
        this.links = links;
        this.rt = rt;
        this.options = options;
        this.hopLimit = hopLimit;
    }

    void start() {
        long tick = Math.max(20, Math.min(500, options.retryBaseMillis() / 4));
        rt.timers().scheduleWithFixedDelay(this::retryDue, tick, tick, TimeUnit.MILLISECONDS);
    }

    void addDeliveryListener(Consumer<Inbox.Message> listener) {
        deliveryListeners.add(listener);
    }

    void addStateListener(Consumer<StateChange> listener) {
        stateListeners.add(listener);
    }

    /** See {@link Node#send}. */
    SendResult send(MeshAddress destination, byte[] payload, SendOptions how) throws SendException {
        String region = how.region();
        if (region != null && !Geohash.isValid(region)) {
            throw new SendException(SendException.Reason.SEND_FAILED, "region '" + region
                    + "' is not a geohash (1..12 characters of 0-9 b-h j k m n p-z)");
        }
        if (region == null) region = router.geo().positionOf(destination).orElse(null);
        if (!links.running()) throw new SendException(SendException.Reason.NOT_RUNNING, "node is not running");
        PublicIdentity recipient = peers.key(destination).orElseThrow(() -> new SendException(
                SendException.Reason.UNKNOWN_DESTINATION,
                "unknown destination " + destination + ": no announce heard from it yet, so its key is unknown"));
        int id = rt.nextMessageId();
        MeshFrame frame = envelope.seal(FrameType.DATA, recipient, id, rt.clock().instant().getEpochSecond(),
                MeshFrame.FLAG_WANT_ACK, hopLimit, payload, region);
        byte[] encoded = FrameCodec.encode(frame);
        // Every link counts, bundles too: a message may leave by export (store and carry).
        int largest = links.all().stream().mapToInt(l -> Fragmenter.maxFrameLength(l.profile().mtu())).max().orElse(0);
        if (encoded.length > largest) {
            throw new SendException(SendException.Reason.TOO_LARGE, "message of " + payload.length
                    + " bytes is too large for every transport (largest frame " + largest + " bytes)");
        }
        long now = rt.clock().millis();
        CustodyQueue.Entry entry;
        try {
            entry = custody.acceptOwn(destination, self, id, FrameType.DATA.code, encoded, 0, now,
                    options.messageTtlMillis(), MessageState.QUEUED, how.origin()).orElseThrow();
        } catch (CustodyQueue.RefusedException e) {
            throw new SendException(SendException.Reason.QUEUE_FULL, e.getMessage());
        } catch (SQLException e) {
            throw new SendException(SendException.Reason.SEND_FAILED, "cannot store the message: " + Database.describe(e));
        }
        router.flood().remember(self, id, FrameType.DATA.code);
        String via = attempt(entry, true);
        return new SendResult(id, destination, via == null ? MessageState.QUEUED : MessageState.SENT, via);
    }

    /** A route or neighbour for {@code destination} may have appeared: send what waits for it now. */
    void releaseHeldFor(MeshAddress destination) {
        try {
            for (CustodyQueue.Entry e : custody.pendingFor(destination, rt.clock().millis())) {
                if (e.own() && e.state() == MessageState.SENT && e.nextAttemptAt() > rt.clock().millis() + 1000) {
                    attempt(e, false);
                } else if (!e.own() || e.state() == MessageState.QUEUED) {
                    attempt(e, false);
                }
            }
        } catch (SQLException e) {
            log.warn("releasing held messages for {} failed: {}", destination, e.getMessage());
        }
    }

    /** As {@link #releaseHeldFor}, on the timer thread (an overlay-bridge lookup answers on any thread). */
    void releaseSoon(MeshAddress destination) {
        if (links.running()) rt.soon(() -> releaseHeldFor(destination));
    }

    /** A DATA frame addressed to us. */
    void onData(Link link, Endpoint from, MeshFrame frame) throws SQLException {
        Optional<PublicIdentity> sender = peers.key(frame.source());
        if (sender.isEmpty()) {
            link.drop(from, DecodeError.UNKNOWN_SENDER, "no key for " + frame.source());
            return;
        }
        Decoded<Envelope.Opened> opened = envelope.open(frame, sender.get());
        if (opened instanceof Decoded.Error<Envelope.Opened> e) {
            link.drop(from, e.reason(), e.detail());
            return;
        }
        Envelope.Opened message = opened.value();
        DecodeError replayed = replay.peek(frame.source(), frame.messageId(), message.unixSeconds(),
                rt.clock().instant().getEpochSecond());
        if (replayed == DecodeError.STALE) {
            link.drop(from, replayed, "message " + Integer.toUnsignedString(frame.messageId()));
            return;
        }
        if (replayed == DecodeError.REPLAY) {
            // Only stored messages are remembered: a repeat is acknowledged again (our first ACK may have been
            // lost) but delivered only once.
            if (frame.wantsAck()) sendAck(sender.get(), frame.messageId(), message.unixSeconds());
            link.count(DecodeError.DUPLICATE);
            return;
        }
        // The end-to-end ACK tells the sender it may forget the message, so it goes only after the inbox write
        // committed. A write that fails (disk full) throws before the ACK and before the replay guard remembers
        // the message: the sender keeps it in custody and retries, and the retry is stored once there is room.
        // The inbox's own uniqueness (source, id, sent time) keeps a message from being stored twice.
        Inbox.Message stored = inbox.add(frame.source(), frame.messageId(), Instant.ofEpochSecond(message.unixSeconds()),
                rt.clock().instant(), link.id(), message.plaintext());
        replay.record(frame.source(), frame.messageId(), message.unixSeconds());
        // Only a fresh message says its sender is on this endpoint: a replayed one may come from anyone who
        // captured it, and learning from it would route our traffic for the sender through the replayer.
        if (frame.hopCount() == 0) {
            link.proven(from, LinkQuality.UNKNOWN);
            router.neighbours().heard(frame.source(), from, rt.clock().millis());
        }
        if (frame.wantsAck()) sendAck(sender.get(), frame.messageId(), message.unixSeconds());
        if (stored != null) deliveryListeners.forEach(l -> l.accept(stored));
    }

    /** An ACK frame addressed to us: only the destination of the acknowledged message can have sealed it. */
    void onAck(Link link, Endpoint from, MeshFrame frame) throws SQLException {
        Optional<PublicIdentity> sender = peers.key(frame.source());
        if (sender.isEmpty()) {
            link.drop(from, DecodeError.UNKNOWN_SENDER, "ACK from unknown " + frame.source());
            return;
        }
        Decoded<Envelope.Opened> opened = envelope.open(frame, sender.get());
        if (opened instanceof Decoded.Error<Envelope.Opened> e) {
            link.drop(from, e.reason(), e.detail());
            return;
        }
        byte[] body = opened.value().plaintext();
        if (body.length != 8) {
            link.drop(from, DecodeError.MALFORMED_PAYLOAD, "ACK body of " + body.length + " bytes");
            return;
        }
        int acked = ByteBuffer.wrap(body).getInt();
        Optional<CustodyQueue.Entry> mine = custody.ownMessage(self, acked);
        if (mine.isEmpty() || !mine.get().destination().equals(frame.source())) {
            link.drop(from, DecodeError.MALFORMED_PAYLOAD, "ACK for a message we did not send to " + frame.source());
            return;
        }
        if (custody.markDelivered(self, acked, rt.clock().millis())) {
            fireState(acked, frame.source(), MessageState.DELIVERED);
        }
    }

    /** ACK plaintext: the acknowledged message id (4) and its timestamp (4), sealed back to its sender. */
    private void sendAck(PublicIdentity to, int messageId, long unixSeconds) {
        byte[] body = new byte[8];
        ByteBuffer.wrap(body).putInt(messageId).putInt((int) unixSeconds);
        int id = rt.nextMessageId();
        MeshFrame ack = envelope.seal(FrameType.ACK, to, id, rt.clock().instant().getEpochSecond(), 0, hopLimit, body,
                router.geo().positionOf(to.address()).orElse(null));
        router.flood().remember(self, id, FrameType.ACK.code);
        router.forward(to.address(), FrameCodec.encode(ack), true, true, TrafficOrigin.LOCAL);
    }

    /**
     * One delivery attempt of a frame in custody. Returns where it went, or null when no tier could take it
     * (it stays QUEUED). Own messages are rescheduled with backoff either way; frames held for others are
     * released once handed to a route.
     */
    private String attempt(CustodyQueue.Entry e, boolean allowFlood) {
        long now = rt.clock().millis();
        // Frames held for others were taken in from a flood: only a route releases them, no greedy step.
        String via = router.forward(e.destination(), e.frame(), allowFlood, e.own(), e.trafficOrigin());
        try {
            if (e.own()) {
                MessageState state = via != null || e.state() == MessageState.SENT ? MessageState.SENT : MessageState.QUEUED;
                boolean stillPending = custody.recordAttempt(e.id(), state, now + backoff(e.attempts()), now);
                // An ACK may have arrived meanwhile: then the message is DELIVERED and no SENT may follow.
                if (stillPending && state != e.state()) fireState(e.messageId(), e.destination(), state);
            } else if (via != null && !via.startsWith("flood")) {
                custody.release(e.id());
            } else {
                custody.reschedule(e.id(), now + backoff(e.attempts() + 2));
            }
        } catch (SQLException ex) {
            storeLog.error("delivery.custody", "custody update failed: {}", Database.describe(ex));
        }
        return via;
    }

    /** Exponential backoff with +-25 % jitter, so many senders do not retry in step. */
    private long backoff(int attempts) {
        double base = Math.min(options.retryMaxMillis(), options.retryBaseMillis() * Math.pow(2, Math.min(attempts, 20)));
        return (long) (base * (0.75 + 0.5 * rt.random().nextDouble()));
    }

    private void retryDue() {
        if (!links.running()) return;
        try {
            long now = rt.clock().millis();
            custody.expire(now);
            for (CustodyQueue.Entry e : custody.due(now, 256)) {
                // Flood again only on every fourth attempt: an offline destination must not cost a flood per retry.
                attempt(e, e.attempts() % 4 == 0);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("retry pass failed: {}", e.getMessage());
        }
    }

    private void fireState(int messageId, MeshAddress destination, MessageState state) {
        StateChange c = new StateChange(messageId, destination, state);
        stateListeners.forEach(l -> l.accept(c));
    }
}
