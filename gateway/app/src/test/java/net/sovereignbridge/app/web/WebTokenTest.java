package net.sovereignbridge.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token file: made once and owner-only, read back the same, refused when others could read or swap it. */
class WebTokenTest {
    @TempDir
    Path dir;

    @Test
    void madeOnceOwnerOnlyAndKept() throws Exception {
        WebToken first = WebToken.loadOrCreate(dir);
        Path file = dir.resolve(WebToken.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String secret = Files.readString(file).strip();
        assertEquals(43, secret.length(), "32 random bytes, base64url");
        assertTrue(first.matches(secret));
        assertFalse(first.matches(secret + "x"));
        assertFalse(first.matches(null));
        assertTrue(WebToken.loadOrCreate(dir).matches(secret), "a restart keeps the token");
        assertFalse(first.toString().contains(secret));
    }

    @Test
    void refusesAFileOthersCanReadALinkOrGarbage() throws Exception {
        WebToken.loadOrCreate(dir);
        Path file = dir.resolve(WebToken.FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IOException open = assertThrows(IOException.class, () -> WebToken.loadOrCreate(dir));
        assertTrue(open.getMessage().contains(file.toString()) && open.getMessage().contains("chmod 600"), open.getMessage());

        Path other = Files.createDirectory(dir.resolve("other"));
        Files.delete(file);
        Files.createSymbolicLink(file, Files.writeString(dir.resolve("elsewhere"), "aaaaaaaaaaaaaaaaaaaaaaaa"));
        assertTrue(assertThrows(IOException.class, () -> WebToken.loadOrCreate(dir)).getMessage().contains("not a regular file"));

        Path garbage = other.resolve(WebToken.FILE);
        Files.createFile(garbage, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(garbage, "short\n");
        assertTrue(assertThrows(IOException.class, () -> WebToken.loadOrCreate(other)).getMessage().contains("expected"));
    }
}
