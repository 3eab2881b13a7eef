package net.sovereignbridge.mesh.identity;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A node's Ed25519 key pair. The private half never leaves this object except through
 * {@link #privateSeed()}, which exists for the key file and for key agreement; toString never shows it.
 */
public final class NodeIdentity {
    public static final int SEED_LENGTH = 32;

    private final Ed25519PrivateKeyParameters privateKey;
    private final PublicIdentity publicIdentity;

    private NodeIdentity(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicIdentity = PublicIdentity.of(privateKey.generatePublicKey().getEncoded());
    }

    public static NodeIdentity generate(SecureRandom random) {
        return new NodeIdentity(new Ed25519PrivateKeyParameters(random));
    }

    public static NodeIdentity fromSeed(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("Ed25519 seed must be 32 bytes, got " + seed.length);
        }
        return new NodeIdentity(new Ed25519PrivateKeyParameters(seed, 0));
    }

    public PublicIdentity publicIdentity() {
        return publicIdentity;
    }

    public MeshAddress address() {
        return publicIdentity.address();
    }

    public byte[] sign(byte[] message) {
        return sign(message, 0, message.length);
    }

    public byte[] sign(byte[] message, int offset, int length) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, offset, length);
        return signer.generateSignature();
    }

    /** The 32-byte RFC 8032 private key (seed). Callers must not log or persist it outside the key file. */
    public byte[] privateSeed() {
        return privateKey.getEncoded();
    }

    @Override
    public String toString() {
        return "NodeIdentity[" + publicIdentity.address() + "]";
    }
}
