package net.sovereignbridge.app.services;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * "Send this to that address", as a local device says it over CoAP or MQTT: a JSON object or CBOR map
 * {@code {to, text | data, ref?}}. {@code to} is a mesh address (32 hex digits); {@code text} is UTF-8
 * text; {@code data} is bytes (a CBOR byte string, or base64 in JSON); {@code ref} is an optional client
 * reference (at most 64 characters) echoed in the receipt so a device can match answers to requests.
 */
public record SendRequest(MeshAddress to, byte[] body, String ref) {
    /** Largest message body a local device may hand in (the mesh fragments it per transport MTU). */
    public static final int MAX_BODY = 4096;
    /**
     * Largest request payload (the JSON object or CBOR map): room for a {@link #MAX_BODY} message however it is
     * written (JSON escapes, base64 {@code data}) plus the other fields. CoAP answers a larger one with 4.13 and
     * Size1 = this.
     */
    public static final int MAX_PAYLOAD = MAX_BODY * 2 + 256;
    private static final Set<String> KEYS = Set.of("to", "text", "data", "ref");

    /** A parsed request, or why it was refused. */
    public sealed interface Parsed permits Ok, Rejected {}

    public record Ok(SendRequest request) implements Parsed {}

    public record Rejected(Problem problem, String detail) implements Parsed {}

    /** Problems a local device can cause; each service maps them to its own codes. */
    public enum Problem { MALFORMED, TOO_LARGE, UNSUPPORTED_FORMAT }

    public static Parsed fromJson(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) return payloadTooLarge(payload.length);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(payload)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return malformed("payload is not UTF-8 JSON");
        }
        Object v;
        try {
            v = net.sovereignbridge.app.cli.Json.parse(text);
        } catch (IllegalArgumentException e) {
            return malformed(e.getMessage());
        }
        return fromMap(v, false);
    }

    public static Parsed fromCbor(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) return payloadTooLarge(payload.length);
        Cbor.Result r = Cbor.decode(payload);
        if (r instanceof Cbor.Error e) return malformed(e.problem());
        return fromMap(((Cbor.Ok) r).value(), true);
    }

    private static Parsed fromMap(Object v, boolean cbor) {
        if (!(v instanceof Map<?, ?> m)) return malformed("expected an object with 'to' and 'text' or 'data'");
        for (Object k : m.keySet()) {
            if (!KEYS.contains(k)) return malformed("unknown field '" + k + "' (allowed: to, text, data, ref)");
        }
        if (!(m.get("to") instanceof String toText)) return malformed("field 'to' (a mesh address) is missing or not a string");
        MeshAddress to;
        try {
            to = MeshAddress.parse(toText);
        } catch (IllegalArgumentException e) {
            return malformed("field 'to': " + e.getMessage());
        }
        Object text = m.get("text");
        Object data = m.get("data");
        if ((text == null) == (data == null)) return malformed("exactly one of 'text' or 'data' is required");
        byte[] body;
        if (text != null) {
            if (!(text instanceof String s)) return malformed("field 'text' must be a string");
            body = s.getBytes(StandardCharsets.UTF_8);
        } else if (cbor && data instanceof byte[] bytes) {
            body = bytes;
        } else if (data instanceof String b64) {
            if (b64.length() > MAX_BODY * 4 / 3 + 8) return tooLarge(b64.length() * 3 / 4);
            try {
                body = Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                return malformed("field 'data' is not base64: " + e.getMessage());
            }
        } else {
            return malformed("field 'data' must be " + (cbor ? "a byte string or " : "") + "a base64 string");
        }
        if (body.length > MAX_BODY) return tooLarge(body.length);
        Object ref = m.get("ref");
        if (ref != null && !(ref instanceof String)) return malformed("field 'ref' must be a string");
        if (ref != null && ((String) ref).length() > 64) return malformed("field 'ref' is longer than 64 characters");
        return new Ok(new SendRequest(to, body, (String) ref));
    }

    private static Rejected malformed(String detail) {
        return new Rejected(Problem.MALFORMED, detail);
    }

    private static Rejected payloadTooLarge(int bytes) {
        return new Rejected(Problem.TOO_LARGE, "request of " + bytes + " bytes exceeds the limit of " + MAX_PAYLOAD
                + " bytes");
    }

    private static Rejected tooLarge(int bytes) {
        return new Rejected(Problem.TOO_LARGE, "message of " + bytes + " bytes exceeds the limit of " + MAX_BODY + " bytes");
    }
}
