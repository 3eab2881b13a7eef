package net.sovereignbridge.app.transport.satellite;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where received files land: a directory with a bound on total bytes and on the number of files. A file is
 * written under a temporary name and renamed only after the OpenPGP integrity check and the CRC passed, under
 * its sanitised name (no directories, no hidden or control characters); an existing file is never overwritten
 * (the newcomer becomes {@code name-1.ext}, {@code name-2.ext}, ...). When full, new files are refused, never
 * old ones deleted: what was accepted stays.
 */
public final class DownloadDirectory {
    static final String PARTIAL_PREFIX = ".partial-";
    /** Longest file name written, in UTF-8 bytes (ext4 allows 255; room for the "-NNNN" of a clash). */
    static final int MAX_NAME_BYTES = 200;

    private final Path dir;
    private final long maxBytes;
    private final int maxFiles;

    public DownloadDirectory(Path dir, long maxBytes, int maxFiles) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    public Path path() {
        return dir;
    }

    /** Creates the directory and removes what an interrupted write left behind. */
    public void prepare() throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PARTIAL_PREFIX + "*")) {
            for (Path p : s) Files.deleteIfExists(p);
        }
    }

    /** Bytes and files in the directory now (the operator may have moved some away since). */
    public record Usage(long bytes, int files) {}

    public Usage usage() throws IOException {
        long bytes = 0;
        int files = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) continue;
                bytes += Files.size(p);
                files++;
            }
        }
        return new Usage(bytes, files);
    }

    /** The directory has no room for another file: refused, counted, reported. */
    public static final class FullException extends IOException {
        FullException(String m) {
            super(m);
        }
    }

    /** A file being written; {@link #commit} names it, {@link #close} without commit removes it. */
    public final class Partial implements AutoCloseable {
        private final Path temp;
        private final OutputStream out;
        private boolean committed;

        private Partial(Path temp, long limit) throws IOException {
            this.temp = temp;
            OutputStream raw = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.out = new FilterOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16)) {
                long written;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (written + len > limit) {
                        throw new FullException("download directory " + dir + " has room for " + limit + " more bytes, the file is larger");
                    }
                    written += len;
                    out.write(b, off, len);
                }
            };
        }

        public OutputStream stream() {
            return out;
        }

        /** The temporary file, for reading back what was written so far (flush the stream first). */
        Path tempPath() {
            return temp;
        }

        /** Closes the file (synced to disk) and gives it its final name; returns that path. */
        public Path commit(String wantedName) throws IOException {
            out.close();
            try (var ch = java.nio.channels.FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            String name = sanitise(wantedName);
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name, ext = dot > 0 ? name.substring(dot) : "";
            for (int i = 0; ; i++) {
                Path target = dir.resolve(i == 0 ? name : stem + "-" + i + ext);
                try {
                    // createLink fails when the target exists: no check-then-rename race, no overwrite
                    Files.createLink(target, temp);
                    Files.delete(temp);
                    committed = true;
                    return target;
                } catch (FileAlreadyExistsException taken) {
                    if (i >= 10_000) throw new IOException("download directory " + dir + ": 10000 files named like " + name);
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (committed) return;
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is removed anyway
            }
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Starts a file; refuses when the directory holds its maximum of files or bytes already. The returned
     * stream refuses bytes beyond {@code min(maxBytes - used, maxFileBytes)}.
     */
    public Partial begin(long maxFileBytes) throws IOException {
        Usage u = usage();
        if (u.files() >= maxFiles) throw new FullException("download directory " + dir + " holds " + u.files() + " files, the limit is " + maxFiles);
        long room = maxBytes - u.bytes();
        if (room <= 0) throw new FullException("download directory " + dir + " holds " + u.bytes() + " bytes, the limit is " + maxBytes);
        Path temp = dir.resolve(PARTIAL_PREFIX + Long.toHexString(System.nanoTime()) + "-" + Long.toHexString(Thread.currentThread().getId()));
        return new Partial(temp, Math.min(room, maxFileBytes));
    }

    /**
     * A file name a sender chose, made safe: the last path component only, control characters and separators
     * replaced, no leading dot (no hidden files, no "." or ".."), at most {@link #MAX_NAME_BYTES} bytes; empty
     * becomes "message".
     */
    static String sanitise(String name) {
        String base = name;
        int cut = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
        if (cut >= 0) base = base.substring(cut + 1);
        StringBuilder b = new StringBuilder();
        base.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) || c == ':' || c == 0x7f
                || Character.getType(c) == Character.FORMAT ? '_' : c));
        String s = b.toString().strip();
        while (s.startsWith(".")) s = s.substring(1);
        if (s.isEmpty()) s = "message";
        while (s.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) s = s.substring(0, s.offsetByCodePoints(s.length(), -1));
        return s;
    }
}
