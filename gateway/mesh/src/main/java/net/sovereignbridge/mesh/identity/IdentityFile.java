package net.sovereignbridge.mesh.identity;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The node key file, {@code identity.key} in the state directory.
 *
 * <p>Layout (68 bytes): ASCII "SBK1", the 32-byte Ed25519 seed, the 32-byte public key. The public key
 * is redundant on purpose: recomputing it from the seed detects a corrupted or truncated file before the
 * node starts under a different identity than the one its peers know.
 *
 * <p>The file must be 0600 (or stricter): a key readable by others is refused rather than silently
 * fixed, because it may already have leaked.
 */
public final class IdentityFile {
    public static final String FILE_NAME = "identity.key";
    private static final byte[] MAGIC = {'S', 'B', 'K', '1'};
    private static final int LENGTH = MAGIC.length + 32 + 32;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private IdentityFile() {}

    public static Path pathIn(Path stateDir) {
        return stateDir.resolve(FILE_NAME);
    }

    /**
     * Loads the key from {@code stateDir}, creating it (and the directory, 0700) on first start. Creation is
     * exclusive: when another process (a daemon starting, or {@code sbridge identity}) creates the key first,
     * its key is loaded, never replaced, so one state directory has one identity.
     */
    public static NodeIdentity loadOrCreate(Path stateDir, SecureRandom random) throws IdentityFileException {
        StateDirectory.prepare(stateDir);
        Path file = pathIn(stateDir);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return load(file);
        }
        try {
            NodeIdentity identity = NodeIdentity.generate(random);
            if (createExclusive(file, identity)) return identity;
            return load(file);
        } catch (IOException e) {
            throw new IdentityFileException("cannot create identity key " + file + ": " + StateDirectory.reason(e), e);
        }
    }

    /** Loads an existing key, refusing group/other access, wrong size, wrong magic or a mismatched key. */
    public static NodeIdentity load(Path file) throws IdentityFileException {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IdentityFileException("identity key " + file + " is not a regular file");
            }
            StateDirectory.checkOwner(file, "identity key");
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix != null) {
                Set<PosixFilePermission> perms = posix.readAttributes().permissions();
                if (!OWNER_ONLY.containsAll(perms)) {
                    throw new IdentityFileException("identity key " + file + " has permissions "
                            + PosixFilePermissions.toString(perms)
                            + "; it must be readable by its owner only. If nobody else could have read it, run: chmod 600 "
                            + file + "; otherwise move it away to create a new identity");
                }
            }
            byte[] content = Files.readAllBytes(file);
            try {
                if (content.length != LENGTH || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                    throw new IdentityFileException("identity key " + file + " is corrupt (expected " + LENGTH
                            + " bytes starting with SBK1, found " + content.length + " bytes)");
                }
                NodeIdentity identity = NodeIdentity.fromSeed(Arrays.copyOfRange(content, 4, 36));
                byte[] storedPublic = Arrays.copyOfRange(content, 36, 68);
                if (!Arrays.equals(identity.publicIdentity().publicKey(), storedPublic)) {
                    throw new IdentityFileException("identity key " + file
                            + " is corrupt (the stored public key does not match the private key)");
                }
                return identity;
            } finally {
                Arrays.fill(content, (byte) 0);
            }
        } catch (IOException e) {
            throw new IdentityFileException("cannot read identity key " + file + ": " + StateDirectory.reason(e), e);
        }
    }

    /**
     * Writes the key to a private temporary file, syncs it, then hard-links it to {@code file}. A link is
     * created atomically and fails when the name exists, so the key appears complete or not at all (a crash
     * leaves no half key) and a key another process created first is never replaced.
     *
     * @return false when {@code file} already existed (someone else's key won)
     */
    private static boolean createExclusive(Path file, NodeIdentity identity) throws IOException {
        byte[] content = new byte[LENGTH];
        System.arraycopy(MAGIC, 0, content, 0, MAGIC.length);
        byte[] seed = identity.privateSeed();
        System.arraycopy(seed, 0, content, 4, 32);
        System.arraycopy(identity.publicIdentity().publicKey(), 0, content, 36, 32);
        Arrays.fill(seed, (byte) 0);
        Path tmp = Files.createTempFile(file.getParent(), FILE_NAME + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.write(tmp, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            try {
                Files.createLink(file, tmp);
                return true;
            } catch (FileAlreadyExistsException lost) {
                return false;
            } catch (UnsupportedOperationException noLinks) {
                // A file system without hard links: create-new is still exclusive, only not crash-atomic.
                try (var out = Files.newByteChannel(file, EnumSet.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, StandardOpenOption.SYNC), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
                    out.write(java.nio.ByteBuffer.wrap(content));
                    return true;
                } catch (FileAlreadyExistsException lost) {
                    return false;
                }
            }
        } finally {
            Arrays.fill(content, (byte) 0);
            Files.deleteIfExists(tmp);
        }
    }
}
