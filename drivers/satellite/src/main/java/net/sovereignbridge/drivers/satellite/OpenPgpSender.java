package net.sovereignbridge.drivers.satellite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * The sender's OpenPGP step (what Blockstream's own sender asks gpg to do): the encapsulated message encrypted to
 * one recipient key, AES-256 with the integrity packet (MDC) that receivers require, no compression (bundles
 * are sealed already and do not compress).
 */
public final class OpenPgpSender {
    private OpenPgpSender() {}

    public static byte[] encrypt(byte[] plaintext, PGPPublicKey recipient, SecureRandom random) throws PGPException, IOException {
        PGPEncryptedDataGenerator gen = new PGPEncryptedDataGenerator(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                .setWithIntegrityPacket(true).setSecureRandom(random));
        gen.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient).setSecureRandom(random));
        ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 512);
        try (OutputStream enc = gen.open(out, new byte[1 << 16])) {
            PGPLiteralDataGenerator lit = new PGPLiteralDataGenerator();
            try (OutputStream l = lit.open(enc, PGPLiteralData.BINARY, "", new Date(0), new byte[1 << 16])) {
                l.write(plaintext);
            }
        }
        return out.toByteArray();
    }
}
