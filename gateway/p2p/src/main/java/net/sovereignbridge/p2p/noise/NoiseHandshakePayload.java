package net.sovereignbridge.p2p.noise;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoReader;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * libp2p's Noise handshake payload (protobuf NoiseHandshakePayload): field 1 identity_key (the
 * libp2p PublicKey protobuf), field 2 identity_sig (Ed25519 signature over
 * "noise-libp2p-static-key:" + the sender's Noise static X25519 key), field 4 extensions
 * (NoiseExtensions: 1 webtransport_certhashes, ignored; 2 stream_muxers, the muxer protocol ids for
 * inlined muxer negotiation, libp2p specs connections/inlined-muxer-negotiation.md).
 * Only Ed25519 identities are accepted.
 */
public final class NoiseHandshakePayload {
    static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);
    /** Upper bound on a payload we parse (an Ed25519 payload is about 110 bytes; extensions add a few). */
    public static final int MAX_LENGTH = 4096;

    private NoiseHandshakePayload() {}

    /** At most this many stream muxer ids are read from a remote's extensions. */
    public static final int MAX_MUXERS = 16;

    /** What a verified payload says: the remote identity key and the muxers it offers (empty: none). */
    public record Verified(byte[] identityKey, List<String> streamMuxers) {}

    public static byte[] encode(NodeIdentity identity, byte[] noiseStaticPublic) {
        return encode(identity, noiseStaticPublic, List.of());
    }

    /** With {@code streamMuxers} non-empty, an extensions field offering them (inlined negotiation). */
    public static byte[] encode(NodeIdentity identity, byte[] noiseStaticPublic, List<String> streamMuxers) {
        byte[] key = PeerId.publicKeyProtobuf(identity.publicIdentity().publicKey());
        byte[] sig = identity.sign(signedBytes(noiseStaticPublic));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, 1, key);
        field(out, 2, sig);
        if (!streamMuxers.isEmpty()) {
            ByteArrayOutputStream ext = new ByteArrayOutputStream();
            for (String m : streamMuxers) field(ext, 2, m.getBytes(StandardCharsets.UTF_8));
            field(out, 4, ext.toByteArray());
        }
        return out.toByteArray();
    }

    /**
     * Checks the payload against the remote Noise static key and returns the remote Ed25519 identity
     * key. When {@code expectedPeerId} is given (we dialled a /p2p address), a different PeerId fails.
     */
    public static byte[] verify(byte[] payload, byte[] remoteNoiseStatic, byte[] expectedPeerId) throws NoiseException {
        return verifyPayload(payload, remoteNoiseStatic, expectedPeerId).identityKey();
    }

    /** As {@link #verify}, also returning the stream muxers the remote offers in its extensions. */
    public static Verified verifyPayload(byte[] payload, byte[] remoteNoiseStatic, byte[] expectedPeerId) throws NoiseException {
        if (payload.length > MAX_LENGTH) throw new NoiseException("handshake payload too long");
        byte[] key = null;
        byte[] sig = null;
        byte[] extensions = null;
        int pos = 0;
        while (pos < payload.length) {
            UnsignedVarint.Decoded tag = UnsignedVarint.decode(payload, pos);
            if (tag == null) throw new NoiseException("bad protobuf tag");
            pos += tag.length();
            int wire = (int) (tag.value() & 7);
            long field = tag.value() >>> 3;
            if (wire == 0) {
                UnsignedVarint.Decoded v = UnsignedVarint.decode(payload, pos);
                if (v == null) throw new NoiseException("bad varint field");
                pos += v.length();
            } else if (wire == 2) {
                UnsignedVarint.Decoded len = UnsignedVarint.decode(payload, pos);
                if (len == null || len.value() > payload.length - pos - len.length()) throw new NoiseException("bad length");
                pos += len.length();
                byte[] value = Arrays.copyOfRange(payload, pos, pos + (int) len.value());
                pos += value.length;
                if (field == 1) key = value;
                if (field == 2) sig = value;
                if (field == 4) extensions = value;
            } else {
                throw new NoiseException("unsupported protobuf wire type " + wire);
            }
        }
        if (key == null || sig == null) throw new NoiseException("payload lacks identity key or signature");
        byte[] ed = ed25519FromProtobuf(key);
        if (sig.length != 64 || !Ed25519.verify(sig, 0, ed, 0, signedBytes(remoteNoiseStatic), 0,
                SIGNATURE_PREFIX.length + remoteNoiseStatic.length)) {
            throw new NoiseException("identity signature over the Noise static key does not verify");
        }
        if (expectedPeerId != null && !Arrays.equals(expectedPeerId, PeerId.toBytes(ed))) {
            throw new NoiseException("remote PeerId does not match the dialled one");
        }
        return new Verified(ed, extensions == null ? List.of() : streamMuxers(extensions));
    }

    private static List<String> streamMuxers(byte[] extensions) throws NoiseException {
        List<String> out = new ArrayList<>();
        ProtoReader r = new ProtoReader("Noise extensions", extensions);
        try {
            while (r.next()) {
                if (r.field() == 2 && r.wireType() == 2) {
                    if (out.size() == MAX_MUXERS) throw new NoiseException("more than " + MAX_MUXERS + " stream muxers offered");
                    out.add(r.string(256));
                } else {
                    r.skip();
                }
            }
        } catch (ProtoException e) {
            throw new NoiseException(e.getMessage());
        }
        return List.copyOf(out);
    }

    private static byte[] ed25519FromProtobuf(byte[] key) throws NoiseException {
        // PublicKey{Type=Ed25519 (field 1 varint 1), Data (field 2, 32 bytes)} = 08 01 12 20 <32>
        if (key.length != 36 || key[0] != 0x08 || key[1] != 0x01 || key[2] != 0x12 || key[3] != 0x20) {
            throw new NoiseException("identity key is not an Ed25519 PublicKey");
        }
        return Arrays.copyOfRange(key, 4, 36);
    }

    private static byte[] signedBytes(byte[] noiseStatic) {
        byte[] m = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + noiseStatic.length);
        System.arraycopy(noiseStatic, 0, m, SIGNATURE_PREFIX.length, noiseStatic.length);
        return m;
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] value) {
        UnsignedVarint.write((long) number << 3 | 2, out);
        UnsignedVarint.write(value.length, out);
        out.writeBytes(value);
    }
}
