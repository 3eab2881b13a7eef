package net.sovereignbridge.drivers.satellite;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    /** Decrypts into memory; the plaintext is in the result. */
    public Result decrypt(byte[] message) throws MalformedPacketException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Result r;
        try {
            r = decrypt(message, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return r.outcome() == Outcome.NOT_FOR_US ? r : new Result(r.outcome(), out.toByteArray(), r.signature(), r.signerKeyId());
    }

    /**
     * Decrypts into {@code sink} as the plaintext streams out (a 100 MB file is never held twice); the result
     * carries no plaintext. On an exception the sink holds unchecked bytes: the caller discards them, because
     * the integrity check (MDC) runs only after the last byte.
     */
    public Result decrypt(byte[] message, OutputStream sink) throws MalformedPacketException, IOException {
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
            Result r = readContent(new BcPGPObjectFactory(clear), sink);
            if (!mine.verify()) throw new MalformedPacketException("OpenPGP integrity check (MDC) failed: message altered");
            return r;
        } catch (SinkFailure e) {
            throw e.cause;
        } catch (PGPException | IOException | RuntimeException e) {
            throw new MalformedPacketException("OpenPGP message unreadable: " + e.getMessage());
        }
    }

    private Result readContent(BcPGPObjectFactory f, OutputStream out) throws IOException, PGPException, MalformedPacketException {
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
        InputStream in = lit.getInputStream();
        byte[] buf = new byte[16384];
        long size = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            size += n;
            if (size > maxPlaintextBytes) throw new MalformedPacketException("decrypted message exceeds " + maxPlaintextBytes + " bytes");
            try {
                out.write(buf, 0, n);
            } catch (IOException e) {
                throw new SinkFailure(e);
            }
            if (signer != null) ops.update(buf, 0, n);
        }
        byte[] plain = null; // in the sink
        if (ops == null) return new Result(Outcome.DECRYPTED, plain, Signature.UNSIGNED, 0);
        if (signer == null) return new Result(Outcome.DECRYPTED, plain, Signature.UNKNOWN_SIGNER, ops.getKeyID());
        Object s = f.nextObject();
        if (!(s instanceof PGPSignatureList sigs) || sigs.isEmpty()) return new Result(Outcome.DECRYPTED, plain, Signature.BAD, ops.getKeyID());
        return new Result(Outcome.DECRYPTED, plain, ops.verify(sigs.get(0)) ? Signature.VALID : Signature.BAD, ops.getKeyID());
    }

    /** The sink failed (disk full): not the message's fault, so not reported as a malformed message. */
    private static final class SinkFailure extends IOException {
        final IOException cause;

        SinkFailure(IOException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    private static String describe(Object o) {
        return o == null ? "none" : o.getClass().getSimpleName();
    }
}
