package net.sovereignbridge.app.transport.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download directory's names and bounds, and the ledger's persistence, bound and torn records. */
class DownloadAndLedgerTest {
    @TempDir Path dir;

    @Test void namesAreSanitised() {
        assertEquals("passwd", DownloadDirectory.sanitise("../../etc/passwd"));
        assertEquals("x.exe", DownloadDirectory.sanitise("C:\\\\Windows\\\\x.exe"));
        assertEquals("bashrc", DownloadDirectory.sanitise(".bashrc"));
        assertEquals("message", DownloadDirectory.sanitise(".."));
        assertEquals("message", DownloadDirectory.sanitise(""));
        assertEquals("a_b_c", DownloadDirectory.sanitise("a\nb\u0000c"));
        assertEquals("a_b", DownloadDirectory.sanitise("a:b"));
        assertEquals(200, DownloadDirectory.sanitise("é".repeat(300)).getBytes(StandardCharsets.UTF_8).length);
    }

    @Test void noOverwriteAndBoundsAndLeftoversRemoved() throws Exception {
        Path d = dir.resolve("dl");
        Files.createDirectories(d);
        Files.writeString(d.resolve(".partial-dead"), "from a crash");
        DownloadDirectory dl = new DownloadDirectory(d, 100, 3);
        dl.prepare();
        assertFalse(Files.exists(d.resolve(".partial-dead")));
        for (String expected : new String[] {"a.txt", "a-1.txt", "a-2.txt"}) {
            try (DownloadDirectory.Partial p = dl.begin(1000)) {
                p.stream().write(expected.getBytes(StandardCharsets.UTF_8));
                assertEquals(d.resolve(expected), p.commit("a.txt"));
            }
        }
        assertEquals("a.txt", Files.readString(d.resolve("a.txt")));
        DownloadDirectory.FullException files = assertThrows(DownloadDirectory.FullException.class, () -> dl.begin(1000));
        assertTrue(files.getMessage().contains("3 files"), files.getMessage());
        Files.delete(d.resolve("a-2.txt"));
        try (DownloadDirectory.Partial p = dl.begin(1000)) {
            // 12 bytes used of 100: a file over the remaining 88 is refused while it streams, and leaves nothing
            p.stream().write(new byte[80]);
            assertThrows(DownloadDirectory.FullException.class, () -> p.stream().write(new byte[9]));
        }
        try (var s = Files.list(d)) {
            assertEquals(2, s.count(), "the refused file left no partial behind");
        }
    }

    private static byte[] digest(int i) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(new byte[] {(byte) i, (byte) (i >> 8)});
    }

    @Test void ledgerSurvivesRestartKeepsTheNewestAndIgnoresATornRecord() throws Exception {
        Path f = dir.resolve("sat0.received");
        ReceivedLedger l = new ReceivedLedger(f, 4);
        assertTrue(l.add(digest(1)));
        assertFalse(l.add(digest(1)), "a digest is recorded once");
        for (int i = 2; i <= 9; i++) l.add(digest(i));
        l.close();
        assertTrue(Files.size(f) <= 2 * 4 * 32, "compacted to the newest when twice the capacity");
        Files.write(f, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND); // a crash mid-record
        ReceivedLedger again = new ReceivedLedger(f, 4);
        assertEquals(4, again.size());
        assertTrue(again.contains(digest(9)) && again.contains(digest(6)));
        assertFalse(again.contains(digest(5)), "older than the capacity: forgotten");
        assertEquals(0, Files.size(f) % 32, "the torn record is gone");
        again.close();
    }

    @Test void documentedLedgerDigest() throws Exception { // docs/satellite.md test vector
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("hi".getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 0);
        sha.update("a.txt".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(HexFormat.of().parseHex("17f22ec4b63694bb0f27493441ef784654bb0866f9fc5007df47130fecc2d8dd"), sha.digest());
    }
}
