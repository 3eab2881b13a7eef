package net.sovereignbridge.app.coap;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.services.LocalSender;
import net.sovereignbridge.app.services.MessageViews;
import net.sovereignbridge.app.services.ReceiptTracker;
import net.sovereignbridge.app.services.SendRequest;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.store.Inbox;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code /msg}: POST a message into the mesh, GET the inbox, Observe to hear of each delivery.
 *
 * <p>GET takes {@code ?after=ID&limit=N} (ID from a previous answer, N up to 100, default 20) and answers
 * {@code {"messages":[...]}} oldest first. An Observe registration answers, and is then notified with,
 * the newest delivered message; a client that may have missed some (notifications are eventually
 * consistent, RFC 7641 4.5) catches up with GET {@code ?after=}.
 */
final class MessagesResource extends CoapResource {
    /** A client can ask as often as it likes: a failing inbox prints a few lines a minute. */
    private static final RateLimitedLog log = RateLimitedLog.of(MessagesResource.class);
    private final Node node;
    private final LocalSender sender;
    private final ReceiptsResource receipts;
    private final ReceiptTracker tracker;
    private volatile Inbox.Message latest;

    MessagesResource(Node node, LocalSender sender, ReceiptsResource receipts) {
        super("msg");
        this.node = node;
        this.sender = sender;
        this.receipts = receipts;
        this.tracker = new ReceiptTracker(node, receipts::add);
        setObservable(true);
        setObserveType(Type.CON); // a sensor's notification should survive a lost datagram
        getAttributes().setTitle("send (POST) and receive (GET, Observe) mesh messages");
        getAttributes().addResourceType("sbridge.msg");
        getAttributes().addContentType(Representation.JSON);
        getAttributes().addContentType(Representation.CBOR);
        getAttributes().setObservable();
    }

    ReceiptsResource receipts() {
        return receipts;
    }

    void delivered(Inbox.Message m) {
        latest = m;
        changed();
    }

    @Override
    public void handleGET(CoapExchange ex) {
        try {
            List<Object> out = new ArrayList<>();
            boolean cbor = Representation.answerFormat(ex) == Representation.CBOR;
            if (ex.getRequestOptions().hasObserve()) {
                Inbox.Message m = latest; // since this start; older ones through GET ?after=
                if (m != null) out.add(MessageViews.message(m, cbor));
            } else {
                long after;
                int limit;
                try {
                    after = query(ex, "after", 0, 0, Long.MAX_VALUE);
                    limit = (int) query(ex, "limit", 20, 1, 100);
                } catch (IllegalArgumentException e) {
                    Representation.error(ex, ResponseCode.BAD_OPTION, e.getMessage());
                    return;
                }
                for (Inbox.Message m : node.inbox().list(after, limit)) out.add(MessageViews.message(m, cbor));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("messages", out);
            Representation.respond(ex, ResponseCode.CONTENT, body);
        } catch (SQLException e) {
            log.warn("coap.inbox", "/msg GET: inbox query failed: {}", e.getMessage());
            Representation.error(ex, ResponseCode.INTERNAL_SERVER_ERROR, "inbox not available");
        }
    }

    private static long query(CoapExchange ex, String name, long def, long min, long max) {
        String v = ex.getQueryParameter(name);
        if (v == null) return def;
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) throw new IllegalArgumentException("query '" + name + "' must be in " + min + ".." + max);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("query '" + name + "' is not a number");
        }
    }

    @Override
    public void handlePOST(CoapExchange ex) {
        int format = ex.getRequestOptions().getContentFormat();
        byte[] payload = ex.getRequestPayload();
        SendRequest.Parsed parsed;
        if (format == Representation.CBOR) {
            parsed = SendRequest.fromCbor(payload);
        } else if (format == Representation.JSON || format == -1) {
            parsed = SendRequest.fromJson(payload);
        } else {
            Representation.error(ex, ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                    "content format " + format + " is not accepted; use 50 (application/json) or 60 (application/cbor)");
            return;
        }
        if (parsed instanceof SendRequest.Rejected r) {
            if (r.problem() == SendRequest.Problem.TOO_LARGE) {
                // Size1: the payload limit when the payload itself is over it, else the message limit
                Representation.tooLarge(ex, r.detail(),
                        payload.length > SendRequest.MAX_PAYLOAD ? SendRequest.MAX_PAYLOAD : SendRequest.MAX_BODY);
            } else {
                Representation.error(ex, ResponseCode.BAD_REQUEST, r.detail());
            }
            return;
        }
        LocalSender.Receipt receipt = sender.send(((SendRequest.Ok) parsed).request(), LocalSender.Origin.COAP);
        if (receipt.ok()) {
            receipts.add(receipt);
            tracker.track(receipt);
            Representation.respond(ex, ResponseCode.CREATED, receipt.toMap());
            return;
        }
        switch (receipt.failure()) {
            case UNKNOWN_ADDRESS, NO_ROUTE -> Representation.error(ex, ResponseCode.NOT_FOUND, receipt.error());
            case TOO_LARGE -> Representation.tooLarge(ex, receipt.error(), SendRequest.MAX_BODY);
            case MALFORMED -> Representation.error(ex, ResponseCode.BAD_REQUEST, receipt.error());
            case BUSY, FAILED -> Representation.overloaded(ex, receipt.error(), receipt.retryAfterSeconds());
        }
    }
}
