package net.sovereignbridge.mesh.envelope;

import java.util.Arrays;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PublicIdentity;

/**
 * Signed-only frames (ANNOUNCE, BROADCAST): readable by everyone, forgeable by no one.
 *
 * <p>Payload: body || Ed25519 signature (64) over (header with hop fields zeroed || body). ANNOUNCE
 * bodies start with the sender's 32-byte Ed25519 public key, which must hash to the frame's source
 * address, so one frame teaches a receiver the key it needs to open that node's envelopes. Other signed
 * frames are verified with a key the receiver already learned from an announce.
 */
public final class SignedFrames {
    public static final int SIGNATURE_LENGTH = 64;

    private SignedFrames() {}

    /** Builds a signed frame; {@code destination} may be null (broadcast form). */
    public static MeshFrame sign(NodeIdentity signer, FrameType type, MeshAddress destination, int messageId,
            int hopLimit, byte[] body) {
        MeshFrame unsigned = new MeshFrame(type, 0, hopLimit, 0, destination, signer.address(), messageId, body);
        byte[] signature = signer.sign(signedBytes(unsigned, body, body.length));
        byte[] payload = Arrays.copyOf(body, body.length + SIGNATURE_LENGTH);
        System.arraycopy(signature, 0, payload, body.length, SIGNATURE_LENGTH);
        return new MeshFrame(type, 0, hopLimit, 0, destination, signer.address(), messageId, payload);
    }

    /** Verifies a signed frame against a known key and returns its body. */
    public static Decoded<byte[]> verify(MeshFrame frame, PublicIdentity signer) {
        if (!signer.address().equals(frame.source())) {
            return Decoded.error(DecodeError.ADDRESS_MISMATCH, "signer key does not match source " + frame.source());
        }
        byte[] payload = frame.payload();
        if (payload.length < SIGNATURE_LENGTH) {
            return Decoded.error(DecodeError.TRUNCATED, "signed payload of " + payload.length + " bytes");
        }
        int bodyLength = payload.length - SIGNATURE_LENGTH;
        byte[] signature = Arrays.copyOfRange(payload, bodyLength, payload.length);
        if (!signer.verify(signedBytes(frame, payload, bodyLength), signature)) {
            return Decoded.error(DecodeError.BAD_SIGNATURE, "bad signature from " + frame.source());
        }
        return Decoded.ok(Arrays.copyOf(payload, bodyLength));
    }

    /** Verifies an ANNOUNCE with the key it carries; returns that key. */
    public static Decoded<PublicIdentity> verifyAnnounce(MeshFrame frame) {
        if (frame.type() != FrameType.ANNOUNCE) {
            return Decoded.error(DecodeError.UNKNOWN_TYPE, "not an announce: " + frame.type());
        }
        if (frame.payload().length < PublicIdentity.KEY_LENGTH + SIGNATURE_LENGTH) {
            return Decoded.error(DecodeError.TRUNCATED, "announce of " + frame.payload().length + " bytes");
        }
        PublicIdentity key = PublicIdentity.of(Arrays.copyOf(frame.payload(), PublicIdentity.KEY_LENGTH));
        Decoded<byte[]> body = verify(frame, key);
        return body.map(b -> key);
    }

    private static byte[] signedBytes(MeshFrame frame, byte[] body, int bodyLength) {
        byte[] header = FrameCodec.authenticatedHeader(frame);
        byte[] out = Arrays.copyOf(header, header.length + bodyLength);
        System.arraycopy(body, 0, out, header.length, bodyLength);
        return out;
    }
}
