package net.sovereignbridge.mesh.node;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.identity.PublicIdentity;

/**
 * The signed body of an ANNOUNCE frame (docs/protocol.md, "Announce"):
 *
 * <pre>
 * 0..31  Ed25519 public key (hashes to the frame's source address)
 * 32..35 timestamp, u32 BE seconds: a receiver keeps the newest and ignores older announces
 * 36..   TLV entries: type u8, length u8, value; unknown types are skipped so later versions can add them
 *        1 = node name (UTF-8, at most 32 bytes)
 *        2 = position: a geohash, 1..12 ASCII characters (docs/routing.md, "Geographic routing")
 * </pre>
 */
public record AnnounceBody(PublicIdentity identity, long unixSeconds, String name, byte[] extensions) {
    public static final int TLV_NAME = 1;
    public static final int MAX_NAME_BYTES = 32;
    public static final int TLV_POSITION = 2;

    /** The TLV bytes announcing {@code geohash} as the node's position, for {@code extensions}. */
    public static byte[] positionExtension(String geohash) {
        if (!net.sovereignbridge.mesh.routing.Geohash.isValid(geohash)) {
            throw new IllegalArgumentException("not a geohash: '" + geohash + "'");
        }
        byte[] out = new byte[2 + geohash.length()];
        out[0] = TLV_POSITION;
        out[1] = (byte) geohash.length();
        for (int i = 0; i < geohash.length(); i++) out[2 + i] = (byte) geohash.charAt(i);
        return out;
    }

    /** The announced position (geohash), or null when there is none or it is not a valid geohash. */
    public String position() {
        int p = 0;
        while (p + 2 <= extensions.length) {
            int type = extensions[p] & 0xFF;
            int len = extensions[p + 1] & 0xFF;
            if (p + 2 + len > extensions.length) return null;
            if (type == TLV_POSITION) {
                String g = new String(extensions, p + 2, len, StandardCharsets.US_ASCII);
                return net.sovereignbridge.mesh.routing.Geohash.isValid(g) ? g : null;
            }
            p += 2 + len;
        }
        return null;
    }

    public AnnounceBody {
        extensions = extensions == null ? new byte[0] : extensions;
        name = name == null ? "" : name;
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(identity.publicKey());
        out.write((int) (unixSeconds >>> 24));
        out.write((int) (unixSeconds >>> 16));
        out.write((int) (unixSeconds >>> 8));
        out.write((int) unixSeconds);
        byte[] nameBytes = truncatedName(name);
        if (nameBytes.length > 0) {
            out.write(TLV_NAME);
            out.write(nameBytes.length);
            out.writeBytes(nameBytes);
        }
        out.writeBytes(extensions);
        return out.toByteArray();
    }

    public static Decoded<AnnounceBody> decode(byte[] body) {
        if (body.length < 36) return Decoded.error(DecodeError.TRUNCATED, "announce body of " + body.length + " bytes");
        PublicIdentity identity = PublicIdentity.of(Arrays.copyOf(body, 32));
        long ts = ((body[32] & 0xFFL) << 24) | ((body[33] & 0xFFL) << 16) | ((body[34] & 0xFFL) << 8) | (body[35] & 0xFFL);
        String name = "";
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        int p = 36;
        while (p < body.length) {
            if (p + 2 > body.length) return Decoded.error(DecodeError.MALFORMED_PAYLOAD, "truncated TLV at " + p);
            int type = body[p] & 0xFF;
            int len = body[p + 1] & 0xFF;
            if (p + 2 + len > body.length) {
                return Decoded.error(DecodeError.MALFORMED_PAYLOAD, "TLV " + type + " overruns the body");
            }
            String utf8 = type == TLV_NAME && len <= MAX_NAME_BYTES ? strictUtf8(body, p + 2, len) : null;
            if (utf8 != null) {
                name = utf8;
            } else {
                // An over-long name or one that is not UTF-8 is kept as an opaque extension, so it re-encodes as it came.
                other.write(body, p, 2 + len);
            }
            p += 2 + len;
        }
        return Decoded.ok(new AnnounceBody(identity, ts, name, other.toByteArray()));
    }

    /** The text, or null when the bytes are not valid UTF-8 (replacement characters would change the name). */
    private static String strictUtf8(byte[] b, int offset, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b, offset, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] truncatedName(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_NAME_BYTES) return b;
        // Cut at a character boundary so the name stays valid UTF-8.
        int end = MAX_NAME_BYTES;
        while (end > 0 && (b[end] & 0xC0) == 0x80) end--;
        return Arrays.copyOf(b, end);
    }
}
