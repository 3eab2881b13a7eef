package net.sovereignbridge.drivers.satellite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Iterator;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.PGPKeyPairGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPairGeneratorProvider;

/**
 * The receiver's own OpenPGP key: the kind gpg's {@code future-default} makes (a v4 Ed25519 primary key that
 * certifies and signs, a Curve25519 ECDH subkey that encrypts), so that anyone with gpg can encrypt to it.
 * Stored without passphrase: the file's 0600 mode protects it, as it does the node identity.
 */
public final class OpenPgpKeys {
    private OpenPgpKeys() {}

    public static PGPSecretKeyRing generate(String userId, SecureRandom random, Date created) throws PGPException {
        PGPKeyPairGenerator gen = new BcPGPKeyPairGeneratorProvider().setSecureRandom(random).get(PublicKeyPacket.VERSION_4, created);
        PGPKeyPair primary = gen.generateLegacyEd25519KeyPair();
        PGPKeyPair encryption = gen.generateLegacyX25519KeyPair();
        PGPSignatureSubpacketGenerator primaryAttrs = new PGPSignatureSubpacketGenerator();
        primaryAttrs.setKeyFlags(true, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        primaryAttrs.setPreferredSymmetricAlgorithms(false, new int[] {SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128});
        primaryAttrs.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA256});
        primaryAttrs.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        PGPSignatureSubpacketGenerator subAttrs = new PGPSignatureSubpacketGenerator();
        subAttrs.setKeyFlags(true, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
        PGPDigestCalculator sha1 = new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1);
        PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId, sha1,
                primaryAttrs.generate(), null,
                new BcPGPContentSignerBuilder(primary.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512), null);
        rings.addSubKey(encryption, subAttrs.generate(), null);
        return rings.generateSecretKeyRing();
    }

    public static PGPPublicKeyRing publicRing(PGPSecretKeyRing secret) {
        java.util.List<PGPPublicKey> keys = new java.util.ArrayList<>();
        secret.getPublicKeys().forEachRemaining(keys::add);
        return new PGPPublicKeyRing(keys);
    }

    /** ASCII armor, as {@code gpg --armor --export} writes it. */
    public static byte[] armor(byte[] binary) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream a = ArmoredOutputStream.builder().clearHeaders().build(out)) {
            a.write(binary);
        }
        return out.toByteArray();
    }

    /** The first key of the collection that may encrypt: the recipient key of {@code satellite prepare}. */
    public static PGPPublicKey encryptionKey(PGPPublicKeyRingCollection keys) throws PGPException {
        for (Iterator<PGPPublicKeyRing> rings = keys.getKeyRings(); rings.hasNext(); ) {
            for (Iterator<PGPPublicKey> it = rings.next().getPublicKeys(); it.hasNext(); ) {
                PGPPublicKey k = it.next();
                if (k.isEncryptionKey() && !k.hasRevocation() && !k.isMasterKey()) return k;
            }
        }
        for (Iterator<PGPPublicKeyRing> rings = keys.getKeyRings(); rings.hasNext(); ) {
            PGPPublicKey k = rings.next().getPublicKey();
            if (k.isEncryptionKey()) return k;
        }
        throw new PGPException("no key that may encrypt in the given OpenPGP public key(s)");
    }
}
