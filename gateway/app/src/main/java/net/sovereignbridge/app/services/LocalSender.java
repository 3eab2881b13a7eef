package net.sovereignbridge.app.services;

import java.util.LinkedHashMap;
import java.util.Map;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendException;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import net.sovereignbridge.mesh.node.StateChange;
import net.sovereignbridge.mesh.topics.TopicMessage;
import net.sovereignbridge.mesh.topics.Topics;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * The one path from a local device into the mesh, shared by CoAP and MQTT: the ingress cap, then
 * {@link Node#send} (or {@link Node#publish} for topics) with origin {@link TrafficOrigin#DEVICE}, so radio
 * transports count it against their internet share; and a {@link Receipt} either way.
 */
public final class LocalSender {
    /** Which local service a message came in through; named in receipts and counted separately. */
    public enum Origin { COAP, MQTT }

    private final Node node;
    private final IngressGovernor governor;

    public LocalSender(Node node, IngressGovernor governor) {
        this.node = node;
        this.governor = governor;
    }

    /**
     * What happened to a request. {@code state} is the node's {@link MessageState} in lower case (queued:
     * held for a route; sent: handed to a link; later delivered, expired or failed), or "rejected" when the
     * node refused it. State changes after the first are published as further receipts with the same
     * {@code messageId} (see {@link #stateReceipt}).
     */
    public record Receipt(String ref, String to, Long messageId, String state, String via,
            Failure failure, String error, long retryAfterSeconds) {
        public boolean ok() {
            return failure == null;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (ref != null) m.put("ref", ref);
            if (to != null) m.put("to", to);
            if (messageId != null) m.put("messageId", messageId);
            m.put("state", state);
            if (via != null) m.put("via", via);
            if (failure != null) {
                m.put("reason", failure.name());
                m.put("error", error);
            }
            if (retryAfterSeconds > 0) m.put("retryAfter", retryAfterSeconds);
            return m;
        }
    }

    /**
     * Why a send was refused; services map these to their own codes (CoAP 4.00, 4.04, 4.13, 5.03, ...).
     * BUSY: the ingress cap or the node's custody queue is full.
     */
    public enum Failure { MALFORMED, TOO_LARGE, UNKNOWN_ADDRESS, NO_ROUTE, BUSY, FAILED }

    public static Receipt rejected(String ref, Failure failure, String error) {
        return new Receipt(ref, null, null, "rejected", null, failure, error, 0);
    }

    public static Receipt rejected(SendRequest.Rejected r) {
        return rejected(null, r.problem() == SendRequest.Problem.TOO_LARGE ? Failure.TOO_LARGE : Failure.MALFORMED,
                r.detail());
    }

    public static String state(MessageState s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A later receipt for a message whose state changed (delivered, expired, failed, sent after queued). */
    public static Receipt stateReceipt(String ref, StateChange c) {
        return new Receipt(ref, c.destination().toHex(), Integer.toUnsignedLong(c.messageId()), state(c.state()), null,
                null, null, 0);
    }

    public Receipt send(SendRequest request, Origin origin) {
        String to = request.to().toHex();
        long wait = governor.tryAcquire();
        if (wait > 0) {
            return new Receipt(request.ref(), to, null, "rejected", null, Failure.BUSY,
                    "local ingress limit reached for " + origin.name().toLowerCase() + "; retry in " + wait + " s", wait);
        }
        try {
            SendResult sent = node.send(request.to(), request.body(), SendOptions.defaults().withOrigin(TrafficOrigin.DEVICE));
            return new Receipt(request.ref(), to, Integer.toUnsignedLong(sent.messageId()), state(sent.state()),
                    sent.via(), null, null, 0);
        } catch (SendException e) {
            Failure f = switch (e.reason()) {
                case UNKNOWN_DESTINATION -> Failure.UNKNOWN_ADDRESS;
                case NO_ROUTE -> Failure.NO_ROUTE;
                case TOO_LARGE -> Failure.TOO_LARGE;
                case QUEUE_FULL, RATE_LIMITED -> Failure.BUSY;
                case INVALID -> Failure.MALFORMED;
                case SEND_FAILED, NOT_RUNNING -> Failure.FAILED;
            };
            return new Receipt(request.ref(), to, null, "rejected", null, f, e.getMessage(),
                    f == Failure.FAILED || f == Failure.BUSY ? 30 : 0);
        }
    }

    /** What a topic publish gave: the message as published, or why not. */
    public record Published(TopicMessage message, Failure failure, String error, long retryAfterSeconds) {
        public boolean ok() {
            return failure == null;
        }
    }

    /**
     * Publishes a device's message on a mesh topic through the ingress cap; {@code except} (the injecting
     * bridge, may be null) is not told of it, so it is not echoed back where it came from.
     */
    public Published publish(String topic, byte[] body, Origin origin, Topics.Listener except) {
        long wait = governor.tryAcquire();
        if (wait > 0) {
            return new Published(null, Failure.BUSY, "local ingress limit reached for " + origin.name().toLowerCase()
                    + "; retry in " + wait + " s", wait);
        }
        try {
            return new Published(node.publish(topic, body, TrafficOrigin.DEVICE, except), null, null, 0);
        } catch (SendException e) {
            Failure f = switch (e.reason()) {
                case INVALID -> Failure.MALFORMED;
                case TOO_LARGE -> Failure.TOO_LARGE;
                case RATE_LIMITED, QUEUE_FULL -> Failure.BUSY;
                default -> Failure.FAILED;
            };
            long retry = f == Failure.BUSY ? Math.max(1, node.topics().retryAfterSeconds(node.address())) : 0;
            return new Published(null, f, e.getMessage(), retry);
        }
    }
}
