package net.sovereignbridge.mesh.envelope;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PublicIdentity;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Sender-authenticated end-to-end encryption of frame payloads (docs/protocol.md, "Envelope").
 *
 * <p>Construction: ss = X25519(sender static, recipient static); the direction key is
 * HKDF-SHA256(ikm = ss, salt = "sbridge/envelope/v1", info = sender Ed25519 key || recipient Ed25519 key).
 * Each payload is ChaCha20-Poly1305 under that key with nonce = type || 0 0 0 || message id || timestamp,
 * and the frame header (hop fields zeroed) plus the timestamp as associated data. Only the holder of the
 * sender's or the recipient's private key can produce a valid tag, so a frame that opens was sent by the
 * claimed source (deniably, as with NaCl's crypto_box). Both static keys are bound in through the DH and
 * the HKDF info. There is no per-message ephemeral key: it would cost 32 bytes of a 255-byte radio frame
 * and break the 64-byte overhead budget; the price is no forward secrecy per message (docs/decisions.md).
 *
 * <p>Nonce uniqueness: message ids come from a per-node counter that starts at a random value, and the
 * timestamp is in the nonce, so a (key, nonce) pair repeats only after 2^32 messages within one second.
 *
 * <p>Sealed payload layout: timestamp u32 BE (seconds since 1970) || ciphertext || 16-byte tag.
 */
public final class Envelope {
    public static final int TIMESTAMP_LENGTH = 4;
    public static final int TAG_LENGTH = 16;
    public static final int OVERHEAD = TIMESTAMP_LENGTH + TAG_LENGTH;
    private static final byte[] SALT = "sbridge/envelope/v1".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_CACHE_SIZE = 1024;

    private final NodeIdentity self;
    private final byte[] selfPublic;
    private final byte[] x25519Private;
    private final Map<KeyId, byte[]> directionKeys = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<KeyId, byte[]> eldest) {
            return size() > KEY_CACHE_SIZE;
        }
    };

    public Envelope(NodeIdentity self) {
        this.self = self;
        this.selfPublic = self.publicIdentity().publicKey();
        byte[] seed = self.privateSeed();
        this.x25519Private = KeyConversion.x25519PrivateKey(seed);
        Arrays.fill(seed, (byte) 0);
    }

    public NodeIdentity identity() {
        return self;
    }

    /**
     * Builds a sealed frame of {@code type} (DATA or ACK) from this node to {@code recipient}.
     *
     * @param unixSeconds the sender's clock; the recipient checks it against its replay window
     */
    public MeshFrame seal(FrameType type, PublicIdentity recipient, int messageId, long unixSeconds, int flags,
            int hopLimit, byte[] plaintext) {
        return seal(type, recipient, messageId, unixSeconds, flags, hopLimit, plaintext, null);
    }

    /** As above, with the geohash {@code region} of the recipient in the (authenticated) header, or null. */
    public MeshFrame seal(FrameType type, PublicIdentity recipient, int messageId, long unixSeconds, int flags,
            int hopLimit, byte[] plaintext, String region) {
        MeshFrame header = new MeshFrame(type, flags, hopLimit, 0, recipient.address(), self.address(), messageId,
                new byte[0], region);
        byte[] payload = new byte[TIMESTAMP_LENGTH + plaintext.length + TAG_LENGTH];
        writeTimestamp(payload, unixSeconds);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(true, parameters(directionKey(true, recipient), header, unixSeconds));
        int n = aead.processBytes(plaintext, 0, plaintext.length, payload, TIMESTAMP_LENGTH);
        try {
            aead.doFinal(payload, TIMESTAMP_LENGTH + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail", e);
        }
        return new MeshFrame(type, flags, hopLimit, 0, recipient.address(), self.address(), messageId, payload,
                region);
    }

    /** Opens a sealed frame addressed to this node from {@code sender}, whose key the caller looked up by source. */
    public Decoded<Opened> open(MeshFrame frame, PublicIdentity sender) {
        if (!self.address().equals(frame.destination())) {
            return Decoded.error(DecodeError.NOT_FOR_US, "frame for " + frame.destination());
        }
        if (!sender.address().equals(frame.source())) {
            return Decoded.error(DecodeError.ADDRESS_MISMATCH, "sender key does not match source " + frame.source());
        }
        byte[] payload = frame.payload();
        if (payload.length < OVERHEAD) {
            return Decoded.error(DecodeError.TRUNCATED, "sealed payload of " + payload.length + " bytes");
        }
        long unixSeconds = readTimestamp(payload);
        byte[] plaintext = new byte[payload.length - OVERHEAD];
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(false, parameters(directionKey(false, sender), frame, unixSeconds));
        int n = aead.processBytes(payload, TIMESTAMP_LENGTH, payload.length - TIMESTAMP_LENGTH, plaintext, 0);
        try {
            aead.doFinal(plaintext, n);
        } catch (InvalidCipherTextException e) {
            return Decoded.error(DecodeError.DECRYPT_FAILED, "authentication tag mismatch from " + frame.source());
        }
        return Decoded.ok(new Opened(frame.source(), frame.messageId(), unixSeconds, plaintext));
    }

    /** A payload that opened: proven to come from {@code source}. */
    public record Opened(MeshAddress source, int messageId, long unixSeconds, byte[] plaintext) {}

    private AEADParameters parameters(byte[] key, MeshFrame header, long unixSeconds) {
        byte[] nonce = new byte[12];
        nonce[0] = (byte) header.type().code;
        int id = header.messageId();
        nonce[4] = (byte) (id >>> 24);
        nonce[5] = (byte) (id >>> 16);
        nonce[6] = (byte) (id >>> 8);
        nonce[7] = (byte) id;
        nonce[8] = (byte) (unixSeconds >>> 24);
        nonce[9] = (byte) (unixSeconds >>> 16);
        nonce[10] = (byte) (unixSeconds >>> 8);
        nonce[11] = (byte) unixSeconds;
        byte[] headerBytes = FrameCodec.authenticatedHeader(header);
        byte[] aad = Arrays.copyOf(headerBytes, headerBytes.length + TIMESTAMP_LENGTH);
        System.arraycopy(nonce, 8, aad, headerBytes.length, TIMESTAMP_LENGTH);
        return new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, nonce, aad);
    }

    private byte[] directionKey(boolean outgoing, PublicIdentity peer) {
        KeyId id = new KeyId(peer.address(), outgoing);
        synchronized (directionKeys) {
            byte[] cached = directionKeys.get(id);
            if (cached != null) return cached;
        }
        byte[] peerPublic = peer.publicKey();
        byte[] shared = new byte[32];
        X25519.scalarMult(x25519Private, 0, KeyConversion.x25519PublicKey(peerPublic), 0, shared, 0);
        boolean allZero = true;
        for (byte b : shared) allZero &= b == 0;
        byte[] info = new byte[64];
        System.arraycopy(outgoing ? selfPublic : peerPublic, 0, info, 0, 32);
        System.arraycopy(outgoing ? peerPublic : selfPublic, 0, info, 32, 32);
        byte[] key = new byte[32];
        if (allZero) {
            // A low-order peer key gives a predictable secret; a random key makes every tag fail instead.
            new java.security.SecureRandom().nextBytes(key);
        } else {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(shared, SALT, info));
            hkdf.generateBytes(key, 0, key.length);
        }
        Arrays.fill(shared, (byte) 0);
        synchronized (directionKeys) {
            directionKeys.put(id, key);
        }
        return key;
    }

    private static void writeTimestamp(byte[] out, long unixSeconds) {
        out[0] = (byte) (unixSeconds >>> 24);
        out[1] = (byte) (unixSeconds >>> 16);
        out[2] = (byte) (unixSeconds >>> 8);
        out[3] = (byte) unixSeconds;
    }

    private static long readTimestamp(byte[] in) {
        return ((in[0] & 0xFFL) << 24) | ((in[1] & 0xFFL) << 16) | ((in[2] & 0xFFL) << 8) | (in[3] & 0xFFL);
    }

    /** Direction matters: A->B and B->A use different keys, so their nonces can never collide. */
    private record KeyId(MeshAddress peer, boolean outgoing) {}
}
