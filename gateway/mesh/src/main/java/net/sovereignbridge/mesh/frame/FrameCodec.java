package net.sovereignbridge.mesh.frame;

import net.sovereignbridge.mesh.identity.MeshAddress;

/** Encodes and decodes {@link MeshFrame}s; layout in {@link MeshFrame}. */
public final class FrameCodec {
    private FrameCodec() {}

    public static byte[] encode(MeshFrame f) {
        byte[] out = new byte[f.encodedLength()];
        int header = writeHeader(f, out, f.hopLimit(), f.hopCount());
        System.arraycopy(f.payload(), 0, out, header, f.payload().length);
        return out;
    }

    /**
     * The header as covered by signatures and associated data: hop fields zeroed because relays change
     * them.
     */
    public static byte[] authenticatedHeader(MeshFrame f) {
        byte[] out = new byte[f.headerLength()];
        writeHeader(f, out, 0, 0);
        out[1] &= (byte) ~MeshFrame.FLAG_HOP_ACK;
        return out;
    }

    /** Sets or clears the per-hop HOP_ACK flag on an encoded frame, in a copy. */
    public static byte[] withHopAck(byte[] encoded, boolean wanted) {
        byte[] out = encoded.clone();
        if (wanted) out[1] |= MeshFrame.FLAG_HOP_ACK;
        else out[1] &= (byte) ~MeshFrame.FLAG_HOP_ACK;
        return out;
    }

    /** The region (geohash) of an encoded frame, or null when it has none or the frame is malformed. */
    public static String region(byte[] encoded) {
        if (encoded.length < 3 || (encoded[1] & MeshFrame.FLAG_REGION) == 0) return null;
        boolean addressed = (encoded[1] & MeshFrame.FLAG_NO_DESTINATION) == 0;
        int p = addressed ? MeshFrame.ADDRESSED_HEADER_LENGTH : MeshFrame.BROADCAST_HEADER_LENGTH;
        if (p >= encoded.length) return null;
        int n = encoded[p] & 0xFF;
        if (n < 1 || n > MeshFrame.MAX_REGION_LENGTH || p + 1 + n > encoded.length) return null;
        String region = new String(encoded, p + 1, n, java.nio.charset.StandardCharsets.US_ASCII);
        return net.sovereignbridge.mesh.routing.Geohash.isValid(region) ? region : null;
    }

    /** True when an encoded frame asks its last hop for a link acknowledgement. */
    public static boolean wantsHopAck(byte[] encoded) {
        return encoded.length > 1 && (encoded[1] & MeshFrame.FLAG_HOP_ACK) != 0;
    }

    private static int writeHeader(MeshFrame f, byte[] out, int hopLimit, int hopCount) {
        out[0] = (byte) ((MeshFrame.VERSION << 4) | f.type().code);
        out[1] = (byte) f.flags();
        out[2] = (byte) ((hopLimit << 4) | hopCount);
        int p = 3;
        if (f.destination() != null) {
            f.destination().copyTo(out, p);
            p += MeshAddress.LENGTH;
        }
        f.source().copyTo(out, p);
        p += MeshAddress.LENGTH;
        out[p++] = (byte) (f.messageId() >>> 24);
        out[p++] = (byte) (f.messageId() >>> 16);
        out[p++] = (byte) (f.messageId() >>> 8);
        out[p++] = (byte) f.messageId();
        if (f.region() != null) {
            out[p++] = (byte) f.region().length();
            for (int i = 0; i < f.region().length(); i++) out[p++] = (byte) f.region().charAt(i);
        }
        return p;
    }

    public static Decoded<MeshFrame> decode(byte[] in) {
        if (in.length < 3) return Decoded.error(DecodeError.TRUNCATED, in.length + " bytes, need at least 3");
        int version = (in[0] >>> 4) & 0x0F;
        if (version != MeshFrame.VERSION) {
            return Decoded.error(DecodeError.UNKNOWN_VERSION, "frame version " + version);
        }
        FrameType type = FrameType.fromCode(in[0] & 0x0F);
        if (type == null || type == FrameType.FRAGMENT) {
            return Decoded.error(DecodeError.UNKNOWN_TYPE, "frame type " + (in[0] & 0x0F));
        }
        int flags = in[1] & 0xFF;
        if ((flags & ~MeshFrame.KNOWN_FLAGS) != 0) {
            return Decoded.error(DecodeError.BAD_FLAGS, String.format("reserved flag bits set: 0x%02x", flags));
        }
        int hopLimit = (in[2] >>> 4) & 0x0F;
        int hopCount = in[2] & 0x0F;
        if (hopCount > hopLimit) {
            return Decoded.error(DecodeError.BAD_HOPS, "hop count " + hopCount + " exceeds limit " + hopLimit);
        }
        boolean addressed = (flags & MeshFrame.FLAG_NO_DESTINATION) == 0;
        int headerLength = addressed ? MeshFrame.ADDRESSED_HEADER_LENGTH : MeshFrame.BROADCAST_HEADER_LENGTH;
        if (in.length < headerLength) {
            return Decoded.error(DecodeError.TRUNCATED, in.length + " bytes, header needs " + headerLength);
        }
        int p = 3;
        MeshAddress destination = null;
        if (addressed) {
            destination = MeshAddress.of(in, p);
            p += MeshAddress.LENGTH;
        }
        MeshAddress source = MeshAddress.of(in, p);
        p += MeshAddress.LENGTH;
        int messageId = ((in[p] & 0xFF) << 24) | ((in[p + 1] & 0xFF) << 16) | ((in[p + 2] & 0xFF) << 8) | (in[p + 3] & 0xFF);
        p += 4;
        String region = null;
        if ((flags & MeshFrame.FLAG_REGION) != 0) {
            if (p >= in.length) return Decoded.error(DecodeError.TRUNCATED, "region length missing at " + p);
            int n = in[p++] & 0xFF;
            if (n < 1 || n > MeshFrame.MAX_REGION_LENGTH) {
                return Decoded.error(DecodeError.MALFORMED_PAYLOAD, "region of " + n + " characters (1.."
                        + MeshFrame.MAX_REGION_LENGTH + ")");
            }
            if (p + n > in.length) return Decoded.error(DecodeError.TRUNCATED, "region overruns the frame");
            region = new String(in, p, n, java.nio.charset.StandardCharsets.US_ASCII);
            if (!net.sovereignbridge.mesh.routing.Geohash.isValid(region)) {
                return Decoded.error(DecodeError.MALFORMED_PAYLOAD, "region is not a geohash: '" + region + "'");
            }
            p += n;
        }
        byte[] payload = java.util.Arrays.copyOfRange(in, p, in.length);
        return Decoded.ok(new MeshFrame(type, flags & (MeshFrame.FLAG_WANT_ACK | MeshFrame.FLAG_HOP_ACK), hopLimit,
                hopCount, destination, source, messageId, payload, region));
    }
}
