package net.sovereignbridge.app.services;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import net.sovereignbridge.mesh.store.Inbox;

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

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
