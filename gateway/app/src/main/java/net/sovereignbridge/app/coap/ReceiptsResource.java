package net.sovereignbridge.app.coap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.services.LocalSender;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code /receipts}: the receipts of messages POSTed to {@code /msg}, including later states (delivered,
 * expired, failed). GET answers the last {@link #KEEP}, newest last; Observe notifies each new one.
 */
final class ReceiptsResource extends CoapResource {
    static final int KEEP = 32;
    private final Deque<Map<String, Object>> recent = new ArrayDeque<>();
    private volatile Map<String, Object> latest;

    ReceiptsResource() {
        super("receipts");
        setObservable(true);
        setObserveType(Type.CON);
        getAttributes().setTitle("receipts of messages sent through /msg");
        getAttributes().addResourceType("sbridge.receipts");
        getAttributes().addContentType(Representation.JSON);
        getAttributes().addContentType(Representation.CBOR);
        getAttributes().setObservable();
    }

    void add(LocalSender.Receipt r) {
        Map<String, Object> m = r.toMap();
        synchronized (recent) {
            recent.addLast(m);
            if (recent.size() > KEEP) recent.removeFirst();
        }
        latest = m;
        changed();
    }

    @Override
    public void handleGET(CoapExchange ex) {
        List<Object> out = new ArrayList<>();
        if (ex.getRequestOptions().hasObserve()) {
            if (latest != null) out.add(latest);
        } else {
            synchronized (recent) {
                out.addAll(recent);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receipts", out);
        Representation.respond(ex, ResponseCode.CONTENT, body);
    }
}
