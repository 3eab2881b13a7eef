package net.sovereignbridge.app.coap;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.app.services.SendRequest;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.EmptyMessage;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.stack.AbstractLayer;
import org.eclipse.californium.core.observe.ObserveRelation;

/**
 * The gate every request passes before Californium keeps any state for it: it sits below the block-wise
 * layer (which reassembles Block1 uploads and would otherwise store a transfer for anyone, for any path)
 * and above reliability. In order:
 * <ol>
 *   <li>any message from a source marks that source's observe relations as alive (idle ones may be
 *   replaced when the server is full);</li>
 *   <li>Proxy-Uri / Proxy-Scheme: 5.05 Proxying Not Supported (RFC 7252 5.7.2);</li>
 *   <li>a single-datagram request payload over {@link SendRequest#MAX_PAYLOAD}: 4.13 with Size1;</li>
 *   <li>resources that act as the gateway ({@link #actsAsGateway}) need a trusted {@link CoapPeer}: 4.01
 *   otherwise;</li>
 *   <li>a new Block1 upload needs a slot in {@link #uploads} (5.03 with Max-Age otherwise);</li>
 *   <li>an Observe registration needs room in {@link #observers}; without it the request is served as a
 *   plain GET (RFC 7641 4.1: the server may decline to add an observer; the answer then has no Observe).</li>
 * </ol>
 */
final class AdmissionLayer extends AbstractLayer {
    /** An unfinished Block1 upload: one per source and target URI (as Californium keys its status). */
    record Upload(InetSocketAddress source, String uri) {}

    private final CoapSettings.PlainAccess access;
    private final PeerBudget<ObserveRelation> observers;
    private final PeerBudget<Upload> uploads;
    private final long uploadIdleSeconds;
    private final AtomicLong unauthorized;

    AdmissionLayer(CoapSettings.PlainAccess access, PeerBudget<ObserveRelation> observers, PeerBudget<Upload> uploads,
            long uploadIdleNanos, AtomicLong unauthorized) {
        this.access = access;
        this.observers = observers;
        this.uploads = uploads;
        this.uploadIdleSeconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(uploadIdleNanos));
        this.unauthorized = unauthorized;
    }

    /**
     * {@code /msg} (send as the gateway, read its inbox), {@code /receipts} (whom it sent to) and publishing on
     * {@code /topics/{name}} (signed by the gateway). Everything else is public: {@code /node}, {@code /peers},
     * {@code /.well-known/core}, reading topics, {@code /dht}.
     */
    static boolean actsAsGateway(Request r) {
        List<String> path = r.getOptions().getUriPath();
        if (path.isEmpty()) return false;
        String first = path.get(0);
        if (first.equals("msg") || first.equals("receipts")) return true;
        return first.equals("topics") && path.size() > 1 && r.getCode() != Code.GET;
    }

    /** Resources that accept Observe (the others answer a registration as a plain GET, holding nothing). */
    private static boolean observable(Request r) {
        List<String> path = r.getOptions().getUriPath();
        if (path.isEmpty()) return false;
        String first = path.get(0);
        return (path.size() == 1 && (first.equals("msg") || first.equals("receipts")))
                || (path.size() == 2 && first.equals("topics"));
    }

    @Override
    public void receiveEmptyMessage(Exchange exchange, EmptyMessage message) {
        touchObservers(message.getSourceContext().getPeerAddress());
        super.receiveEmptyMessage(exchange, message);
    }

    @Override
    public void receiveRequest(Exchange exchange, Request request) {
        InetSocketAddress source = request.getSourceContext().getPeerAddress();
        touchObservers(source);
        var options = request.getOptions();
        if (options.hasProxyUri() || options.hasProxyScheme()) {
            refuse(exchange, request, ResponseCode.PROXY_NOT_SUPPORTED, "this gateway is not a proxy", -1, -1);
            return;
        }
        BlockOption block1 = options.getBlock1();
        if (block1 == null && request.getPayloadSize() > SendRequest.MAX_PAYLOAD) {
            refuse(exchange, request, ResponseCode.REQUEST_ENTITY_TOO_LARGE, "request payload of "
                    + request.getPayloadSize() + " bytes; at most " + SendRequest.MAX_PAYLOAD, -1, SendRequest.MAX_PAYLOAD);
            return;
        }
        CoapPeer peer = null;
        Upload upload = block1 == null ? null : new Upload(source, options.getUriString());
        if (upload != null && uploads.contains(upload)) {
            // a block of an upload already admitted: the slot remembers who holds it
            uploads.touch(upload);
        } else {
            if (actsAsGateway(request)) {
                peer = CoapPeer.of(request, access);
                if (!peer.trusted()) {
                    unauthorized.incrementAndGet();
                    refuse(exchange, request, ResponseCode.UNAUTHORIZED, "/" + options.getUriPathString()
                            + " acts as the gateway: use coaps (a configured PSK identity or raw public key) or run"
                            + " the client as the gateway's user (coap.plain-access, docs/services.md)", -1, -1);
                    return;
                }
            }
            if (upload != null) {
                if (block1.getNum() != 0) {
                    // a block of an upload we never admitted: Californium has no status and answers 4.08
                    super.receiveRequest(exchange, request);
                    return;
                }
                if (peer == null) peer = CoapPeer.of(request, access);
                if (!uploads.makeRoom(peer.name())) {
                    refuse(exchange, request, ResponseCode.SERVICE_UNAVAILABLE,
                            "too many unfinished block-wise uploads; retry later", uploadIdleSeconds, -1);
                    return;
                }
                uploads.add(upload, peer.name());
            }
        }
        if (request.isObserve() && observable(request) && !isReregistration(source, request)) {
            if (peer == null) peer = CoapPeer.of(request, access);
            if (!observers.makeRoom(peer.name())) options.removeObserve();
        }
        super.receiveRequest(exchange, request);
    }

    @Override
    public void sendResponse(Exchange exchange, Response response) {
        Request request = exchange.getCurrentRequest();
        if (request != null && request.getOptions().hasBlock1() && response.getCode() != ResponseCode.CONTINUE) {
            // the upload ended: assembled and answered, or refused by the block-wise layer (4.08, 4.13)
            uploads.release(new Upload(request.getSourceContext().getPeerAddress(), request.getOptions().getUriString()));
        }
        super.sendResponse(exchange, response);
    }

    private boolean isReregistration(InetSocketAddress source, Request request) {
        return observers.anyMatch(r -> r.getSource().equals(source)
                && r.getExchange().getRequest().getToken().equals(request.getToken()));
    }

    private void touchObservers(InetSocketAddress source) {
        if (source != null && observers.size() > 0) observers.touchWhere(r -> source.equals(r.getSource()));
    }

    private void refuse(Exchange exchange, Request request, ResponseCode code, String diagnostic, long maxAge,
            int size1) {
        Response r = new Response(code, true);
        r.setDestinationContext(request.getSourceContext());
        r.setPayload(diagnostic);
        r.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        if (maxAge > 0) r.getOptions().setMaxAge(maxAge);
        if (size1 > 0) r.getOptions().setSize1(size1);
        if (request.getOptions().hasBlock1()) r.getOptions().setBlock1(request.getOptions().getBlock1());
        super.sendResponse(exchange, r); // straight down: no upload slot to release
    }
}
