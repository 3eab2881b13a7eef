package net.sovereignbridge.app.transport.satellite;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.sovereignbridge.drivers.satellite.OpenPgpKeys;
import net.sovereignbridge.drivers.satellite.OpenPgpReceiver;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;

/**
 * The gateway's OpenPGP key for the downlink: {@code satellite-key.asc} in the state directory (ASCII-armored
 * secret key without passphrase, mode 0600, created on first use beside the identity), or a key the operator
 * exported from gpg. The key material is never logged; errors name the file, not its content.
 */
public final class SatelliteKeyFile {
    public static final String FILE_NAME = "satellite-key.asc";
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private SatelliteKeyFile() {}

    /** A key file that cannot be used: the message says which file and what to do. */
    public static final class KeyFileException extends Exception {
        KeyFileException(String message) {
            super(message);
        }
    }

    public static Path defaultFile(Path stateDir) {
        return stateDir.resolve(FILE_NAME);
    }

    /** Loads the gateway's own key, creating it (exclusively, 0600) when the state directory has none. */
    public static PGPSecretKeyRingCollection loadOrCreate(Path stateDir, String userId, SecureRandom random) throws KeyFileException {
        Path file = defaultFile(stateDir);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(stateDir);
                PGPSecretKeyRing ring = OpenPgpKeys.generate(userId, random, new Date());
                byte[] armored = OpenPgpKeys.armor(ring.getEncoded());
                // CREATE_NEW with the mode given at creation: the key is never readable by others, not even briefly,
                // and a second process creating at the same moment loses cleanly and loads the winner's key.
                try (var out = Files.newByteChannel(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.SYNC), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
                    out.write(ByteBuffer.wrap(armored));
                }
            } catch (FileAlreadyExistsException raced) {
                // another process made it first: load theirs
            } catch (IOException | PGPException e) {
                throw new KeyFileException("cannot create the satellite OpenPGP key " + file + ": " + e.getMessage());
            }
        }
        return load(file);
    }

    /** Loads an armored or binary secret key without passphrase; refuses a file others can read. */
    public static PGPSecretKeyRingCollection load(Path file) throws KeyFileException {
        byte[] bytes;
        try {
            if (Files.isSymbolicLink(file)) file = file.toRealPath();
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
                    || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new KeyFileException("satellite key " + file + " has permissions " + PosixFilePermissions.toString(p)
                        + "; a secret key must be readable by its owner only: chmod 600 " + file);
            }
            try {
                // as for the identity: someone else's key must not become ours (root running the CLI on the daemon's directory)
                net.sovereignbridge.mesh.identity.StateDirectory.checkOwner(file, "satellite key");
            } catch (net.sovereignbridge.mesh.identity.IdentityFileException e) {
                throw new KeyFileException(e.getMessage());
            }
            if (Files.size(file) > 1 << 20) throw new KeyFileException("satellite key " + file + " is over 1 MiB: not a key file");
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KeyFileException("satellite key " + file + " does not exist (export one with gpg --armor --export-secret-keys, or"
                    + " leave the key setting out to use the gateway's own)");
        } catch (UnsupportedOperationException e) {
            throw new KeyFileException("satellite key " + file + ": the file system has no Unix permissions to protect it");
        } catch (IOException e) {
            throw new KeyFileException("cannot read satellite key " + file + ": " + e.getMessage());
        }
        PGPSecretKeyRingCollection keys;
        try {
            keys = OpenPgpReceiver.readSecretKeys(new ByteArrayInputStream(bytes));
        } catch (IOException | PGPException | RuntimeException e) {
            throw new KeyFileException("satellite key " + file + " is not an OpenPGP secret key (" + e.getClass().getSimpleName() + ")");
        }
        if (keys.size() == 0) throw new KeyFileException("satellite key " + file + " is not an OpenPGP secret key (none found in it)");
        try {
            // a passphrase-protected key would fail on the first message; refuse it now, with the fix
            for (PGPSecretKeyRing ring : (Iterable<PGPSecretKeyRing>) keys::getKeyRings) {
                for (var k : (Iterable<org.bouncycastle.openpgp.PGPSecretKey>) ring::getSecretKeys) {
                    if (k.isPrivateKeyEmpty()) continue;
                    k.extractPrivateKey(new org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder(
                            new org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider()).build(new char[0]));
                }
            }
        } catch (PGPException e) {
            throw new KeyFileException("satellite key " + file + " is protected by a passphrase; export it without one"
                    + " (gpg --pinentry-mode loopback --passphrase '' --armor --export-secret-keys ...) into a 0600 file");
        }
        return keys;
    }

    /** The public half, ASCII-armored: what {@code sbridge satellite key} prints for senders to encrypt to. */
    public static byte[] publicKeyArmored(PGPSecretKeyRingCollection keys) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (PGPSecretKeyRing ring : (Iterable<PGPSecretKeyRing>) keys::getKeyRings) all.writeBytes(OpenPgpKeys.publicRing(ring).getEncoded());
        return OpenPgpKeys.armor(all.toByteArray());
    }

    static List<String> fingerprints(PGPSecretKeyRingCollection keys) {
        List<String> out = new java.util.ArrayList<>();
        for (PGPSecretKeyRing ring : (Iterable<PGPSecretKeyRing>) keys::getKeyRings) {
            out.add(java.util.HexFormat.of().withUpperCase().formatHex(ring.getPublicKey().getFingerprint()));
        }
        return out;
    }
}
