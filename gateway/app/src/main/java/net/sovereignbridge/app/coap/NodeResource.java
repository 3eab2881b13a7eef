package net.sovereignbridge.app.coap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/** {@code /node}: who this gateway is and how it is connected (the same facts as {@code sbridge status}). */
final class NodeResource extends CoapResource {
    /** Anyone may ask: a failing status prints a few lines a minute. */
    private static final RateLimitedLog log = RateLimitedLog.of(NodeResource.class);
    private final Supplier<Map<String, Object>> status;
    private final Supplier<Map<String, Object>> extra;

    NodeResource(Supplier<Map<String, Object>> status, Supplier<Map<String, Object>> extra) {
        super("node");
        this.status = status;
        this.extra = extra;
        getAttributes().setTitle("gateway status");
        getAttributes().addResourceType("sbridge.node");
        getAttributes().addContentType(Representation.JSON);
        getAttributes().addContentType(Representation.CBOR);
    }

    @Override
    public void handleGET(CoapExchange ex) {
        Map<String, Object> s;
        try {
            s = status.get();
        } catch (RuntimeException e) {
            log.warn("coap.node", "/node: status failed: {}", e.toString());
            Representation.error(ex, ResponseCode.INTERNAL_SERVER_ERROR, "status not available");
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : List.of("address", "did", "peerId", "name", "transports")) out.put(k, s.get(k));
        List<Object> neighbours = new ArrayList<>();
        if (s.get("peers") instanceof List<?> peers) {
            for (Object p : peers) {
                if (p instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("neighbour"))) neighbours.add(m.get("address"));
            }
            out.put("peers", peers.size());
        }
        out.put("neighbours", neighbours);
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("inbox", s.get("inbox"));
        out.put("queue", queue);
        out.putAll(extra.get());
        Representation.respond(ex, ResponseCode.CONTENT, out);
    }
}
