package net.sovereignbridge.app.coap;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/** {@code /peers}: nodes whose signed announce this gateway has verified: address, name, did, neighbour. */
final class PeersResource extends CoapResource {
    private final Supplier<Map<String, Object>> status;

    PeersResource(Supplier<Map<String, Object>> status) {
        super("peers");
        this.status = status;
        getAttributes().setTitle("known peers");
        getAttributes().addResourceType("sbridge.peers");
        getAttributes().addContentType(Representation.JSON);
        getAttributes().addContentType(Representation.CBOR);
    }

    @Override
    public void handleGET(CoapExchange ex) {
        Object peers;
        try {
            peers = status.get().get("peers");
        } catch (RuntimeException e) {
            Representation.error(ex, ResponseCode.INTERNAL_SERVER_ERROR, "peer list not available");
            return;
        }
        Representation.respond(ex, ResponseCode.CONTENT, Map.of("peers", peers == null ? List.of() : peers));
    }
}
