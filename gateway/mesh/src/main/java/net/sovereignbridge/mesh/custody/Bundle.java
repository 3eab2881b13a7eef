package net.sovereignbridge.mesh.custody;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PublicIdentity;

/**
 * A store-and-carry bundle: held frames written to a file that someone carries to another gateway
 * (docs/routing.md, "Bundles").
 *
 * <pre>
 * 0      4   ASCII "SBB1"
 * 4      32  exporter's Ed25519 public key
 * 36     8   created, milliseconds since 1970
 * 44     4   frame count n (at most 100 000)
 * 48     ..  n times: length u32 (at most 65 536), encoded mesh frame
 * end-64 64  Ed25519 signature of the exporter over every byte before it
 * </pre>
 *
 * Every frame inside is already sealed end to end to its own recipient, so a carrier can read only the
 * addresses. The signature makes the file one unit: a changed byte anywhere rejects it whole.
 */
public record Bundle(PublicIdentity exporter, long createdMillis, List<byte[]> frames) {
    private static final byte[] MAGIC = "SBB1".getBytes(StandardCharsets.US_ASCII);
    public static final int MAX_FRAMES = 100_000;
    public static final int MAX_FRAME = 65_536;
    /** Header and signature of a bundle without frames. */
    public static final int MIN_LENGTH = 48 + 64;

    /**
     * What an import did with a verified bundle: frames that decode as mesh frames go to the receive path
     * (which still authenticates each), the rest are counted and the first one's reason kept.
     */
    public record ImportReport(int frames, int accepted, int rejected, String firstRejection) {}

    public byte[] sign(NodeIdentity signer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.writeBytes(signer.publicIdentity().publicKey());
        out.writeBytes(ByteBuffer.allocate(12).putLong(createdMillis).putInt(frames.size()).array());
        for (byte[] f : frames) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(f.length).array());
            out.writeBytes(f);
        }
        byte[] body = out.toByteArray();
        out.writeBytes(signer.sign(body));
        return out.toByteArray();
    }

    /** Verifies and parses a bundle file; any inconsistency or a bad signature rejects it whole. */
    public static Decoded<Bundle> read(byte[] file) {
        if (file.length < 4 || !Arrays.equals(file, 0, 4, MAGIC, 0, 4)) {
            return Decoded.error(DecodeError.MALFORMED_PAYLOAD, "not a bundle file (no SBB1 header)");
        }
        if (file.length < MIN_LENGTH) {
            return Decoded.error(DecodeError.TRUNCATED, "bundle file truncated: " + file.length
                    + " bytes, even an empty bundle has " + MIN_LENGTH);
        }
        PublicIdentity exporter = PublicIdentity.of(Arrays.copyOfRange(file, 4, 36));
        int bodyLength = file.length - 64;
        if (!exporter.verify(file, 0, bodyLength, Arrays.copyOfRange(file, bodyLength, file.length))) {
            return Decoded.error(DecodeError.BAD_SIGNATURE, "bundle signature does not verify: rejected whole");
        }
        ByteBuffer b = ByteBuffer.wrap(file, 36, bodyLength - 36);
        long created = b.getLong();
        int count = b.getInt();
        if (count < 0 || count > MAX_FRAMES) return Decoded.error(DecodeError.OVERSIZE, count + " frames");
        List<byte[]> frames = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            if (b.remaining() < 4) return Decoded.error(DecodeError.TRUNCATED, "frame " + i + " missing");
            int len = b.getInt();
            if (len < 0 || len > MAX_FRAME || len > b.remaining()) {
                return Decoded.error(DecodeError.TRUNCATED, "frame " + i + " of " + len + " bytes");
            }
            byte[] f = new byte[len];
            b.get(f);
            frames.add(f);
        }
        if (b.remaining() != 0) return Decoded.error(DecodeError.MALFORMED_PAYLOAD, "trailing bytes");
        return Decoded.ok(new Bundle(exporter, created, frames));
    }
}
