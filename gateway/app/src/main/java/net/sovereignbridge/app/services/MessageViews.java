package net.sovereignbridge.app.services;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.topics.TopicMessage;

/** How a delivered message looks to local devices (the same fields in JSON, CBOR and MQTT). */
public final class MessageViews {
    private MessageViews() {}

    /**
     * {@code id} (local, increasing), {@code from}, {@code messageId}, {@code sentAt}, {@code receivedAt},
     * {@code transport}, and {@code text} when the body is valid UTF-8; {@code data} always carries the
     * bytes (base64 in JSON, a byte string in CBOR when {@code rawBytes}).
     */
    public static Map<String, Object> message(Inbox.Message m, boolean rawBytes) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", m.id());
        j.put("from", m.source().toHex());
        j.put("messageId", Integer.toUnsignedLong(m.messageId()));
        j.put("sentAt", m.sentAt().toString());
        j.put("receivedAt", m.receivedAt().toString());
        j.put("transport", m.transport());
        String text = utf8(m.body());
        if (text != null) j.put("text", text);
        j.put("data", rawBytes ? m.body() : Base64.getEncoder().encodeToString(m.body()));
        return j;
    }

    /** Marks a topic message rendered by a gateway, so no bridge takes it for a device's publish (no loops). */
    public static final String TOPIC_MARKER = "mesh-topic";

    /**
     * A mesh topic message: {@code sbridge} = {@value #TOPIC_MARKER}, {@code topic}, {@code from},
     * {@code messageId}, {@code sentAt}, {@code receivedAt}, {@code hops}, {@code origin} (local, device,
     * internet), {@code text} when UTF-8, {@code data}.
     */
    public static Map<String, Object> topicMessage(TopicMessage m, boolean rawBytes) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("sbridge", TOPIC_MARKER);
        j.put("topic", m.topic());
        j.put("from", m.from().toHex());
        j.put("messageId", Integer.toUnsignedLong(m.messageId()));
        j.put("sentAt", m.sentAt().toString());
        j.put("receivedAt", m.receivedAt().toString());
        j.put("hops", m.hops());
        j.put("origin", m.origin().name().toLowerCase(java.util.Locale.ROOT));
        String text = utf8(m.body());
        if (text != null) j.put("text", text);
        j.put("data", rawBytes ? m.body() : Base64.getEncoder().encodeToString(m.body()));
        return j;
    }

    /** True when an MQTT payload is a gateway's rendering of a topic message (see {@link #topicMessage}). */
    public static boolean isTopicRendering(byte[] payload) {
        if (payload.length < 2 || payload[0] != '{' || payload.length > 8192) return false;
        try {
            Object marker = net.sovereignbridge.app.cli.Json.parseObject(new String(payload, StandardCharsets.UTF_8))
                    .get("sbridge");
            return TOPIC_MARKER.equals(marker);
        } catch (RuntimeException e) {
            return false; // not JSON: a device's own payload
        }
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
