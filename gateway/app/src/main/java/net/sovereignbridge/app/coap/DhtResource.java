package net.sovereignbridge.app.coap;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;

/**
 * {@code /dht/{key}}: GET looks a key up in the DHT the daemon runs (docs/dht.md). The key is the rest of the
 * path as text, with its leading '/', e.g. {@code /dht/sbridge/node/12D3KooW...} for the record key
 * {@code /sbridge/node/12D3KooW...}; binary keys are written {@code /dht/hex:<hex>}. Only records that pass
 * the DHT's validators (signed node contacts, signed profiles) are answered.
 *
 * <p>A lookup crosses the internet and may take seconds: the request is acknowledged at once (a separate
 * response, RFC 7252 5.2.2) and answered from a small pool, so CoAP's single protocol thread never waits.
 * At most {@link #WORKERS} lookups run and {@link #QUEUE} wait; beyond, 5.03 with Max-Age.
 */
final class DhtResource extends CoapResource {
    static final int WORKERS = 2;
    static final int QUEUE = 16;
    static final int MAX_KEY = 512;

    /** The daemon's DHT get: {@code dht-get} of the control channel ({ok, key, value, record} or {ok:false, error}). */
    interface Lookup {
        Map<String, Object> get(byte[] key);
    }

    private final Lookup lookup;
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "coap-dht");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());

    DhtResource(Lookup lookup) {
        super("dht");
        this.lookup = lookup;
        pool.allowCoreThreadTimeOut(true);
        getAttributes().setTitle("DHT records: GET /dht/{key}, e.g. /dht/sbridge/node/<PeerId>");
        getAttributes().addResourceType("sbridge.dht");
    }

    /** Every deeper path is this resource: the segments after {@code dht} form the key. */
    @Override
    public Resource getChild(String name) {
        return this;
    }

    @Override
    public void handleGET(CoapExchange ex) {
        List<String> path = ex.getRequestOptions().getUriPath();
        if (path.size() < 2) {
            Representation.error(ex, ResponseCode.BAD_REQUEST,
                    "GET /dht/{key}: the key is the rest of the path, e.g. /dht/sbridge/node/<PeerId>, or /dht/hex:<hex>");
            return;
        }
        byte[] key;
        try {
            key = key(String.join("/", path.subList(1, path.size())));
        } catch (IllegalArgumentException e) {
            Representation.error(ex, ResponseCode.BAD_REQUEST, "dht key: " + e.getMessage());
            return;
        }
        ex.accept(); // the lookup may take seconds: stop the client's retransmissions now, answer separately
        try {
            pool.execute(() -> answer(ex, key));
        } catch (RejectedExecutionException e) {
            Representation.overloaded(ex, "too many DHT lookups in progress; retry shortly", 5);
        }
    }

    static byte[] key(String rest) {
        byte[] key;
        if (rest.startsWith("hex:")) {
            try {
                key = HexFormat.of().parseHex(rest.substring(4));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + rest + "' is not hex after 'hex:'");
            }
        } else {
            for (int i = 0; i < rest.length(); i++) {
                char c = rest.charAt(i);
                if (c < 0x21 || c > 0x7E) throw new IllegalArgumentException("character " + (int) c + " at " + i
                        + " (text keys are printable ASCII; use hex:<hex> for others)");
            }
            key = ("/" + rest).getBytes(StandardCharsets.US_ASCII);
        }
        if (key.length == 0 || key.length > MAX_KEY) {
            throw new IllegalArgumentException("key of " + key.length + " bytes (1.." + MAX_KEY + ")");
        }
        return key;
    }

    private void answer(CoapExchange ex, byte[] key) {
        Map<String, Object> r;
        try {
            r = lookup.get(key);
        } catch (IllegalArgumentException e) {
            Representation.error(ex, ResponseCode.BAD_REQUEST, "dht: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            Representation.error(ex, ResponseCode.INTERNAL_SERVER_ERROR, "dht lookup failed: " + e.getMessage());
            return;
        }
        if (!Boolean.TRUE.equals(r.get("ok"))) {
            boolean notFound = Boolean.TRUE.equals(r.get("notFound"));
            Representation.error(ex, notFound ? ResponseCode.NOT_FOUND : ResponseCode.BAD_GATEWAY,
                    String.valueOf(r.get("error")));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", r.get("key"));
        body.put("value", r.get("value"));
        body.put("record", r.get("record"));
        Representation.respond(ex, ResponseCode.CONTENT, body);
    }

    void close() {
        pool.shutdownNow();
    }
}
