package net.sovereignbridge.mesh.identity;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The state directory holds the node's key and database: whoever can write into it, or owns a file in it,
 * can make us use their key or their data. So before anything is read from it, it must be a directory
 * owned by the user we run as and writable by nobody else, and every file we read as ours (the key) must be
 * owned by us too. Violations are refused with the command that fixes them, never repaired silently: a
 * directory that was writable by others may already hold a planted file.
 */
public final class StateDirectory {
    private StateDirectory() {}

    /** Creates {@code dir} (0700) if missing, then checks its owner and mode. */
    public static void prepare(Path dir) throws IdentityFileException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new IdentityFileException("cannot create state directory " + dir + ": " + reason(e), e);
            }
        }
        check(dir);
    }

    /** Refuses a state directory that is not ours or that others can write into. */
    public static void check(Path dir) throws IdentityFileException {
        PosixFileAttributes a;
        try {
            if (!Files.isDirectory(dir)) {
                throw new IdentityFileException("state directory " + dir + " is not a directory");
            }
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            if (view == null) return; // not a POSIX file system: nothing we can check
            a = view.readAttributes();
        } catch (IOException e) {
            throw new IdentityFileException("cannot read state directory " + dir + ": " + reason(e), e);
        }
        checkOwner(dir, "state directory");
        Set<PosixFilePermission> p = a.permissions();
        if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IdentityFileException("state directory " + dir + " has permissions "
                    + PosixFilePermissions.toString(p) + "; others can write into it and plant a key or a database."
                    + " If nobody did, run: chmod go-w " + dir + " (or chmod 700 " + dir + ")");
        }
    }

    /** Refuses {@code file} when it is not owned by the user we run as. */
    public static void checkOwner(Path file, String what) throws IdentityFileException {
        OptionalInt us = effectiveUid();
        if (us.isEmpty()) return;
        int owner;
        try {
            owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return; // no Unix ownership on this file system
        } catch (IOException e) {
            throw new IdentityFileException("cannot read the owner of " + what + " " + file + ": " + reason(e), e);
        }
        if (owner != us.getAsInt()) {
            // Root running the CLI on the daemon's directory must not chown it to root: it should act as the owner.
            String fix = us.getAsInt() == 0
                    ? "run sbridge as its owner instead (runuser -u '#" + owner + "' -- sbridge ...)"
                    : "if it is really this node's, run: chown " + us.getAsInt() + " " + file;
            throw new IdentityFileException(what + " " + file + " is owned by uid " + owner + ", but sbridge runs as uid "
                    + us.getAsInt() + "; someone else's " + what + " must not become ours. " + fix);
        }
    }

    /** The effective uid of this process, from /proc/self/status; empty where there is no /proc. */
    static OptionalInt effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return OptionalInt.of(Integer.parseInt(line.split("\\s+")[2]));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ownership is then not checked
        }
        return OptionalInt.empty();
    }

    /** An I/O error's reason in words ("permission denied", "no space left on device"), not just a path. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file of that name already exists";
        if (e instanceof java.nio.file.NotDirectoryException) return "a path component is not a directory";
        String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        // ENOSPC and EDQUOT: the operator's fix is the same, so say it in those words first.
        if (why.contains("No space left on device") || why.contains("Disk quota exceeded")) return "disk full (" + why + ")";
        return why;
    }
}
