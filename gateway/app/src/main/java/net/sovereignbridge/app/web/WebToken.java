package net.sovereignbridge.app.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The secret a browser or Prometheus presents when the web server listens beyond loopback: 32 random bytes,
 * base64url, in {@code web-token} in the state directory, created once, owner-only (0600). A file that
 * others may read or write is refused rather than trusted: whoever could read it could read the dashboard.
 */
public final class WebToken {
    public static final String FILE = "web-token";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] token;

    private WebToken(String token) {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads the token file in {@code stateDir}, or makes it the first time. */
    public static WebToken loadOrCreate(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            String t = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                Files.writeString(file, t + "\n", StandardCharsets.US_ASCII);
                return new WebToken(t);
            } catch (FileAlreadyExistsException e) {
                // another start made it first: read that one
            }
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + ": not a regular file (a link or a directory is not trusted as the web token)");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException(file + ": mode " + PosixFilePermissions.toString(perms)
                    + " lets others read or change it; chmod 600 it (or delete it to make a new token)");
        }
        String t = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (t.length() < 16 || t.length() > 256 || !t.matches("[A-Za-z0-9_-]+")) {
            throw new IOException(file + ": expected 16..256 characters of A-Z a-z 0-9 _ - (delete it to make a new token)");
        }
        return new WebToken(t);
    }

    /** Compares in constant time, so the answer's timing tells nothing about how much of a guess was right. */
    boolean matches(String presented) {
        if (presented == null) return false;
        return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "WebToken[" + FILE + "]"; // never the secret
    }
}
