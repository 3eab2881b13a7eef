package net.sovereignbridge.app.coap;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.app.services.Cbor;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * Content negotiation and error answers shared by the resources. JSON (content format 50) unless the
 * client asks for CBOR (60) with Accept, or posted CBOR without an Accept. Errors carry a one-line
 * diagnostic payload (text/plain, RFC 7252 5.5.2) naming the problem, never a stack trace.
 */
final class Representation {
    static final int JSON = MediaTypeRegistry.APPLICATION_JSON;
    static final int CBOR = MediaTypeRegistry.APPLICATION_CBOR;

    private Representation() {}

    /** The format to answer in, or -1 when the client accepts neither. */
    static int answerFormat(CoapExchange ex) {
        var opts = ex.getRequestOptions();
        if (opts.hasAccept()) {
            int a = opts.getAccept();
            return a == JSON || a == CBOR ? a : -1;
        }
        return opts.getContentFormat() == CBOR ? CBOR : JSON;
    }

    static void respond(CoapExchange ex, ResponseCode code, Map<String, Object> body) {
        int format = answerFormat(ex);
        if (format < 0) {
            error(ex, ResponseCode.NOT_ACCEPTABLE, "supported content formats: 50 (application/json), 60 (application/cbor)");
            return;
        }
        byte[] bytes = format == CBOR ? Cbor.encode(body) : Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.respond(code, bytes, format);
    }

    static void error(CoapExchange ex, ResponseCode code, String diagnostic) {
        Response r = new Response(code);
        r.setPayload(diagnostic);
        r.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        ex.respond(r);
    }

    /** 4.13 with Size1, the largest request entity this resource accepts (RFC 7959 4). */
    static void tooLarge(CoapExchange ex, String diagnostic, int size1) {
        Response r = new Response(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
        r.setPayload(diagnostic);
        r.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        r.getOptions().setSize1(size1);
        ex.respond(r);
    }

    static void overloaded(CoapExchange ex, String diagnostic, long retryAfterSeconds) {
        Response r = new Response(ResponseCode.SERVICE_UNAVAILABLE);
        r.setPayload(diagnostic);
        r.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        r.getOptions().setMaxAge(Math.max(1, retryAfterSeconds));
        ex.respond(r);
    }
}
