package net.sovereignbridge.mesh.frame;

import java.util.Arrays;
import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * Link-level acknowledgement of one copy of a DATA or ACK frame that carried HOP_ACK, sent back to the
 * neighbour it came from (docs/protocol.md, "Hop acknowledgement"):
 *
 * <pre>
 * 0      0x1E (version 1, type E)
 * 1..16  source address of the acknowledged frame
 * 17..20 its message id
 * 21     its frame type
 * </pre>
 *
 * Not authenticated: a forged one can only make a neighbour stop retransmitting one hop early, which the
 * end-to-end ACK and its retries cover.
 */
public record HopAck(MeshAddress source, int messageId, int type) {
    public static final int TYPE_CODE = 0xE;
    public static final int LENGTH = 22;

    public static boolean is(byte[] linkFrame) {
        return linkFrame.length > 0 && (linkFrame[0] & 0x0F) == TYPE_CODE;
    }

    public byte[] encode() {
        byte[] out = new byte[LENGTH];
        out[0] = (byte) ((MeshFrame.VERSION << 4) | TYPE_CODE);
        source.copyTo(out, 1);
        out[17] = (byte) (messageId >>> 24);
        out[18] = (byte) (messageId >>> 16);
        out[19] = (byte) (messageId >>> 8);
        out[20] = (byte) messageId;
        out[21] = (byte) type;
        return out;
    }

    public static Decoded<HopAck> decode(byte[] in) {
        if (in.length != LENGTH) return Decoded.error(DecodeError.TRUNCATED, "hop ack of " + in.length + " bytes");
        if (((in[0] >>> 4) & 0x0F) != MeshFrame.VERSION) {
            return Decoded.error(DecodeError.UNKNOWN_VERSION, "hop ack version " + ((in[0] >>> 4) & 0x0F));
        }
        if ((in[0] & 0x0F) != TYPE_CODE) return Decoded.error(DecodeError.UNKNOWN_TYPE, "not a hop ack: type " + (in[0] & 0x0F));
        int id = ((in[17] & 0xFF) << 24) | ((in[18] & 0xFF) << 16) | ((in[19] & 0xFF) << 8) | (in[20] & 0xFF);
        return Decoded.ok(new HopAck(MeshAddress.of(Arrays.copyOfRange(in, 1, 17)), id, in[21] & 0xFF));
    }
}
