package net.sovereignbridge.mesh.frame;

import java.util.Objects;
import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * One mesh frame, before fragmentation. Wire layout (docs/protocol.md, "Mesh frame"):
 *
 * <pre>
 * 0      version (high nibble, 1) | type (low nibble)
 * 1      flags: 0x01 WANT_ACK, 0x02 NO_DESTINATION (broadcast form, destination omitted), 0x04 HOP_ACK
 *        (per hop: the node that sent this copy wants a link acknowledgement), rest reserved (0)
 * 2      hop limit (high nibble) | hop count (low nibble)
 * 3..18  destination address (absent when NO_DESTINATION)
 * ..+16  source address
 * ..+4   message id, big endian
 * ..      only with flag 0x08 REGION: length n (1..12), then n ASCII characters of a geohash: the region the
 *        destination is in, for geographic forwarding (docs/routing.md); authenticated like the header
 * ..     payload (to the end of the frame)
 * </pre>
 *
 * Hop limit and count and the HOP_ACK flag are the only fields a relay may change; everything else is
 * covered by the envelope's associated data or the signature.
 *
 * @param destination null for frames without a destination (announces, broadcasts)
 * @param region geohash of the destination's region, or null
 */
public record MeshFrame(
        FrameType type,
        int flags,
        int hopLimit,
        int hopCount,
        MeshAddress destination,
        MeshAddress source,
        int messageId,
        byte[] payload,
        String region) {
    public static final int VERSION = 1;
    public static final int FLAG_WANT_ACK = 0x01;
    public static final int FLAG_NO_DESTINATION = 0x02;
    public static final int FLAG_HOP_ACK = 0x04;
    public static final int FLAG_REGION = 0x08;
    static final int KNOWN_FLAGS = FLAG_WANT_ACK | FLAG_NO_DESTINATION | FLAG_HOP_ACK | FLAG_REGION;
    public static final int MAX_REGION_LENGTH = 12;
    public static final int MAX_HOPS = 15;
    /** Fixed part of an addressed frame: 3 bytes + two addresses + message id. */
    public static final int ADDRESSED_HEADER_LENGTH = 3 + 16 + 16 + 4;
    public static final int BROADCAST_HEADER_LENGTH = 3 + 16 + 4;

    public MeshFrame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(payload, "payload");
        if (type == FrameType.FRAGMENT) throw new IllegalArgumentException("FRAGMENT is a link-level type");
        if ((flags & ~KNOWN_FLAGS) != 0) throw new IllegalArgumentException("unknown flags " + flags);
        flags = destination == null ? flags | FLAG_NO_DESTINATION : flags & ~FLAG_NO_DESTINATION;
        if (region != null && (region.isEmpty() || region.length() > MAX_REGION_LENGTH
                || !region.chars().allMatch(c -> c < 128))) {
            throw new IllegalArgumentException("region must be 1.." + MAX_REGION_LENGTH + " ASCII characters");
        }
        flags = region == null ? flags & ~FLAG_REGION : flags | FLAG_REGION;
        if (hopLimit < 0 || hopLimit > MAX_HOPS || hopCount < 0 || hopCount > MAX_HOPS) {
            throw new IllegalArgumentException("hop limit and count must be 0.." + MAX_HOPS);
        }
    }

    /** A frame without a region (the common case). */
    public MeshFrame(FrameType type, int flags, int hopLimit, int hopCount, MeshAddress destination,
            MeshAddress source, int messageId, byte[] payload) {
        this(type, flags, hopLimit, hopCount, destination, source, messageId, payload, null);
    }

    public boolean hasDestination() {
        return destination != null;
    }

    public boolean wantsAck() {
        return (flags & FLAG_WANT_ACK) != 0;
    }

    public int headerLength() {
        return (destination == null ? BROADCAST_HEADER_LENGTH : ADDRESSED_HEADER_LENGTH)
                + (region == null ? 0 : 1 + region.length());
    }

    public int encodedLength() {
        return headerLength() + payload.length;
    }

    /** The same frame one hop further: count + 1. Callers check {@link #hopsLeft()} first. */
    public MeshFrame forwarded() {
        return new MeshFrame(type, flags, hopLimit, hopCount + 1, destination, source, messageId, payload, region);
    }

    public int hopsLeft() {
        return hopLimit - hopCount;
    }
}
