package net.sovereignbridge.drivers.satellite;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPOnePassSignature;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/**
 * Decrypts API messages encrypted to one of our OpenPGP secret keys (as gpg writes them: public-key
 * encrypted, integrity-protected, usually compressed, optionally signed). A message for another key is
 * {@link Outcome#NOT_FOR_US}, not an error: every gateway on the footprint hears every message.
 */
public final class OpenPgpReceiver {
    public enum Outcome { DECRYPTED, NOT_FOR_US }
    public enum Signature { UNSIGNED, VALID, BAD, UNKNOWN_SIGNER }

    public record Result(Outcome outcome, byte[] plaintext, Signature signature, long signerKeyId) {}

    private final PGPSecretKeyRingCollection secretKeys;
    private final PGPPublicKeyRingCollection trustedSigners;
    private final long maxPlaintextBytes;

    public OpenPgpReceiver(PGPSecretKeyRingCollection secretKeys, PGPPublicKeyRingCollection trustedSigners, long maxPlaintextBytes) {
        this.secretKeys = secretKeys;
        this.trustedSigners = trustedSigners;
        this.maxPlaintextBytes = maxPlaintextBytes;
    }

    /** Reads secret keys without passphrase, armored or binary (what {@code gpg --export-secret-keys} writes). */
    public static PGPSecretKeyRingCollection readSecretKeys(InputStream in) throws IOException, PGPException {
        return new PGPSecretKeyRingCollection(PGPUtil.getDecoderStream(in), new BcKeyFingerprintCalculator());
    }

    public static PGPPublicKeyRingCollection readPublicKeys(InputStream in) throws IOException, PGPException {
        return new PGPPublicKeyRingCollection(PGPUtil.getDecoderStream(in), new BcKeyFingerprintCalculator());
    }

    public Result decrypt(byte[] message) throws MalformedPacketException {
        try {
            BcPGPObjectFactory f = new BcPGPObjectFactory(PGPUtil.getDecoderStream(new ByteArrayInputStream(message)));
            Object o = f.nextObject();
            if (!(o instanceof PGPEncryptedDataList)) o = f.nextObject(); // a marker packet may come first
            if (!(o instanceof PGPEncryptedDataList list)) throw new MalformedPacketException("not an OpenPGP encrypted message (first packet " + describe(o) + ")");
            PGPPublicKeyEncryptedData mine = null;
            PGPPrivateKey key = null;
            for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext() && key == null; ) {
                if (!(it.next() instanceof PGPPublicKeyEncryptedData pk)) continue;
                PGPSecretKey sk = secretKeys.getSecretKey(pk.getKeyID());
                if (sk == null) continue;
                key = sk.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(new char[0]));
                mine = pk;
            }
            if (mine == null) return new Result(Outcome.NOT_FOR_US, null, Signature.UNSIGNED, 0);
            if (!mine.isIntegrityProtected()) throw new MalformedPacketException("encrypted message without integrity protection (no MDC/AEAD): refused");
            InputStream clear = mine.getDataStream(new BcPublicKeyDataDecryptorFactory(key));
            Result r = readContent(new BcPGPObjectFactory(clear));
            if (!mine.verify()) throw new MalformedPacketException("OpenPGP integrity check (MDC) failed: message altered");
            return r;
        } catch (PGPException | IOException | RuntimeException e) {
            throw new MalformedPacketException("OpenPGP message unreadable: " + e.getMessage());
        }
    }

    private Result readContent(BcPGPObjectFactory f) throws IOException, PGPException, MalformedPacketException {
        Object o = f.nextObject();
        if (o instanceof PGPCompressedData c) { f = new BcPGPObjectFactory(c.getDataStream()); o = f.nextObject(); }
        PGPOnePassSignature ops = null;
        PGPPublicKey signer = null;
        if (o instanceof PGPOnePassSignatureList l) {
            ops = l.get(0);
            signer = trustedSigners == null ? null : trustedSigners.getPublicKey(ops.getKeyID());
            if (signer != null) ops.init(new BcPGPContentVerifierBuilderProvider(), signer);
            o = f.nextObject();
        }
        if (!(o instanceof PGPLiteralData lit)) throw new MalformedPacketException("no literal data in the decrypted message (got " + describe(o) + ")");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = lit.getInputStream();
        byte[] buf = new byte[16384];
        for (int n; (n = in.read(buf)) > 0; ) {
            if (out.size() + (long) n > maxPlaintextBytes) throw new MalformedPacketException("decrypted message exceeds " + maxPlaintextBytes + " bytes");
            out.write(buf, 0, n);
            if (signer != null) ops.update(buf, 0, n);
        }
        byte[] plain = out.toByteArray();
        if (ops == null) return new Result(Outcome.DECRYPTED, plain, Signature.UNSIGNED, 0);
        if (signer == null) return new Result(Outcome.DECRYPTED, plain, Signature.UNKNOWN_SIGNER, ops.getKeyID());
        Object s = f.nextObject();
        if (!(s instanceof PGPSignatureList sigs) || sigs.isEmpty()) return new Result(Outcome.DECRYPTED, plain, Signature.BAD, ops.getKeyID());
        return new Result(Outcome.DECRYPTED, plain, ops.verify(sigs.get(0)) ? Signature.VALID : Signature.BAD, ops.getKeyID());
    }

    private static String describe(Object o) {
        return o == null ? "none" : o.getClass().getSimpleName();
    }
}
