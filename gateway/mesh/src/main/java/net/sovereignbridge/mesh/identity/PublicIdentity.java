package net.sovereignbridge.mesh.identity;

import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** A node's (or user's) Ed25519 public key and every name derived from it. */
public final class PublicIdentity {
    public static final int KEY_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;

    private final byte[] publicKey;
    private final MeshAddress address;

    private PublicIdentity(byte[] publicKey) {
        this.publicKey = publicKey;
        this.address = MeshAddress.fromPublicKey(publicKey);
    }

    public static PublicIdentity of(byte[] ed25519PublicKey) {
        if (ed25519PublicKey.length != KEY_LENGTH) {
            throw new IdentifierFormatException("Ed25519 public key must be 32 bytes, got " + ed25519PublicKey.length);
        }
        return new PublicIdentity(ed25519PublicKey.clone());
    }

    public static PublicIdentity fromDid(String did) {
        return new PublicIdentity(DidKey.decode(did));
    }

    public static PublicIdentity fromPeerId(String peerId) {
        return new PublicIdentity(PeerId.decode(peerId));
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public MeshAddress address() {
        return address;
    }

    public String did() {
        return DidKey.encode(publicKey);
    }

    public String peerId() {
        return PeerId.encode(publicKey);
    }

    /** Verifies an Ed25519 signature; false for a wrong length or an invalid point, never an exception. */
    public boolean verify(byte[] message, byte[] signature) {
        return verify(message, 0, message.length, signature);
    }

    public boolean verify(byte[] message, int offset, int length, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_LENGTH) return false;
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.update(message, offset, length);
            return verifier.verifySignature(signature);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicIdentity other && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return address.toHex();
    }
}
