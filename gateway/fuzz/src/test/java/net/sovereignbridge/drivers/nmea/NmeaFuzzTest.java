package net.sovereignbridge.drivers.nmea;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sovereignbridge.fuzz.AllocationLimit;

/** A serial GPS (docs/gps.md): the line splitter, the sentence parser and the RMC/GGA fix, on whatever the port sends. */
class NmeaFuzzTest {
    private static final String RMC = "GPRMC,123519.00,A,4807.0380,N,01131.0000,E,0.02,,041226,,,A";
    private static final String GGA = "GPGGA,123519.00,4807.0380,N,01131.0000,E,1,08,0.9,545.4,M,46.9,M,,";

    /**
     * Fuzzed bytes in fuzzed reads: no exception out of feed (it runs on the port's reader thread), every fix
     * reported as valid has a finite position on the globe and a satellite count that is not negative, and the
     * counters never count more sentences than lines came. Then an honest RMC and GGA give their fix, whatever the
     * garbage left: a line end first closes any partial line.
     */
    @FuzzTest
    void receiver(FuzzedDataProvider data) {
        byte[] garbage = data.consumeBytes(data.consumeInt(0, 4000));
        NmeaReceiver r = new NmeaReceiver();
        List<GpsFix> fixes = new ArrayList<>();
        // no allocation bound: a text format without length fields, where the fuzzer's string hooks allocate per
        // comparison (docs/fuzzing.md); the line buffer's bound is NmeaTest's
        feedInReads(r, garbage, data, fixes);
        long lineEnds = 0;
        for (byte b : garbage) if (b == '\n' || b == '\r') lineEnds++;
        NmeaReceiver.Counters c = r.counters();
        assertTrue(c.sentences() + c.badChecksums() + c.malformed() + c.skipped() <= lineEnds,
                "more sentences judged than lines ended: " + c);
        assertEquals(c.sentences(), fixes.size(), "one fix reported per RMC or GGA used");
        for (GpsFix f : fixes) assertSane(f);
        assertSane(r.fix());
        byte[] honest = ("\r\n$" + RMC + "*" + checksum(RMC) + "\r\n$" + GGA + "*" + checksum(GGA) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        feedInReads(r, honest, data, fixes);
        GpsFix f = r.fix();
        assertTrue(f.valid(), "the honest sentences give a fix: " + r.lastProblem());
        assertEquals(48.1173, f.latitude(), 1e-9);
        assertEquals(11.516666666, f.longitude(), 1e-6);
        assertEquals(8, f.satellites());
        assertEquals(545.4, f.altitudeMeters(), 1e-9);
    }

    /**
     * One line: an {@link NmeaException} with a message, or a sentence of at most 82 characters that, written out
     * again with its checksum, is the line itself (one encoding per sentence).
     */
    @FuzzTest
    void sentence(byte[] input) {
        String line = new String(input, StandardCharsets.ISO_8859_1);
        NmeaSentence s;
        try {
            s = NmeaSentence.parse(line);
        } catch (NmeaException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        String body = s.talker() + s.type() + (s.fields().isEmpty() ? "" : "," + String.join(",", s.fields()));
        String again = "$" + body + "*" + checksum(body);
        String stripped = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        stripped = stripped.endsWith("\r") ? stripped.substring(0, stripped.length() - 1) : stripped;
        assertEquals(stripped.toUpperCase(Locale.ROOT).substring(stripped.length() - 2),
                again.substring(again.length() - 2), "the checksum");
        assertEquals(stripped.substring(0, stripped.length() - 2), again.substring(0, again.length() - 2),
                "the sentence written out again");
        assertTrue(again.length() + 2 <= NmeaSentence.MAX_LENGTH, again.length() + " characters");
    }

    private static void assertSane(GpsFix f) {
        assertTrue(f.satellites() >= 0, "satellites " + f.satellites());
        if (!f.valid()) return;
        assertTrue(Double.isFinite(f.latitude()) && Math.abs(f.latitude()) <= 90, "latitude " + f.latitude());
        assertTrue(Double.isFinite(f.longitude()) && Math.abs(f.longitude()) <= 180, "longitude " + f.longitude());
        assertTrue(!Double.isInfinite(f.hdop()) && !(f.hdop() < 0), "HDOP " + f.hdop());
        assertTrue(!Double.isInfinite(f.altitudeMeters()), "altitude " + f.altitudeMeters());
    }

    private static String checksum(String body) {
        int c = 0;
        for (int i = 0; i < body.length(); i++) c ^= body.charAt(i);
        return String.format(Locale.ROOT, "%02X", c);
    }

    private static void feedInReads(NmeaReceiver r, byte[] bytes, FuzzedDataProvider data, List<GpsFix> out) {
        int off = 0;
        while (off < bytes.length) {
            int n = Math.min(bytes.length - off, data.consumeInt(1, 512));
            r.feed(bytes, off, n, out::add);
            off += n;
        }
    }
}
