package net.sovereignbridge.mesh.topics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * The body of a topic message, carried in a signed BROADCAST frame (docs/protocol.md, "Topic messages"):
 *
 * <pre>
 * 0      4  timestamp, seconds since 1970 (u32)
 * 4      1  flags: bits 0-1 traffic origin (0 local, 1 device, 2 internet); other bits 0
 * 5      1  topic name length n, 1..64
 * 6      n  topic name, ASCII [A-Za-z0-9._-]
 * 6+n    .. message, 0..512 bytes
 * </pre>
 *
 * <p>The origin travels with the message (under the signature, so relays cannot lower it) because every relay
 * must know whether the message counts against its radio's internet share.
 */
public record TopicBody(long unixSeconds, TrafficOrigin origin, String topic, byte[] message) {
    public static final int MAX_NAME = 64;
    public static final int MAX_MESSAGE = 512;
    static final int ORIGIN_MASK = 0x03;

    public TopicBody {
        String problem = nameProblem(topic);
        if (problem != null) throw new IllegalArgumentException(problem);
        if (message.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("topic message of " + message.length + " bytes (at most " + MAX_MESSAGE + ")");
        }
    }

    /** Null when {@code name} is a valid topic name, else what is wrong with it. */
    public static String nameProblem(String name) {
        if (name == null || name.isEmpty()) return "topic name is empty";
        if (name.length() > MAX_NAME) return "topic name of " + name.length() + " characters (at most " + MAX_NAME + ")";
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            if (!ok) return "topic name has '" + c + "' at " + i + " (allowed: A-Z a-z 0-9 . _ -)";
        }
        return null;
    }

    public byte[] encode() {
        byte[] name = topic.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(6 + name.length + message.length);
        b.putInt((int) unixSeconds).put((byte) origin.code()).put((byte) name.length).put(name).put(message);
        return b.array();
    }

    /** Never throws: hostile bytes give a typed error. */
    public static Decoded<TopicBody> decode(byte[] body) {
        if (body.length < 7) return Decoded.error(DecodeError.TRUNCATED, "topic body of " + body.length + " bytes");
        long ts = ByteBuffer.wrap(body).getInt() & 0xFFFFFFFFL;
        int flags = body[4] & 0xFF;
        if ((flags & ~ORIGIN_MASK) != 0) {
            return Decoded.error(DecodeError.MALFORMED_PAYLOAD, "topic flags " + Integer.toHexString(flags));
        }
        int n = body[5] & 0xFF;
        if (n == 0 || n > MAX_NAME) return Decoded.error(DecodeError.MALFORMED_PAYLOAD, "topic name length " + n);
        if (body.length < 6 + n) return Decoded.error(DecodeError.TRUNCATED, "topic name runs past the body");
        String name = new String(body, 6, n, StandardCharsets.US_ASCII);
        String problem = nameProblem(name);
        if (problem != null || !Arrays.equals(name.getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(body, 6, 6 + n))) {
            return Decoded.error(DecodeError.MALFORMED_PAYLOAD, problem != null ? problem : "topic name is not ASCII");
        }
        int len = body.length - 6 - n;
        if (len > MAX_MESSAGE) return Decoded.error(DecodeError.OVERSIZE, "topic message of " + len + " bytes");
        return Decoded.ok(new TopicBody(ts, TrafficOrigin.ofCode(flags & ORIGIN_MASK), name,
                Arrays.copyOfRange(body, 6 + n, body.length)));
    }
}
