package net.sovereignbridge.drivers.nmea;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.kiss.JSerialCommOpener;
import net.sovereignbridge.drivers.kiss.SerialLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NMEA 0183 sentences and the GPS receiver: documented vectors (docs/gps.md), a fix, a bad checksum, no-fix periods,
 * hostile bytes; and a recorded log replayed by python3-gps's fake pty (the way gpsd's own tests feed a GPS) through
 * jSerialComm.
 */
class NmeaTest {
    /** N1..N5 of docs/gps.md: a fix at 48.1173 N 11.516667 E, a corrupted copy, then the receiver loses the fix. */
    static final List<String> LOG = List.of(
            "$GPRMC,123519.00,A,4807.0380,N,01131.0000,E,0.02,,041226,,,A*4E",
            "$GPGGA,123519.00,4807.0380,N,01131.0000,E,1,08,0.9,545.4,M,46.9,M,,*69",
            "$GPRMC,123519.50,A,4807.0380,N,01131.0000,E,0.02,,041226,,,A*00",
            "$GPRMC,123520.00,V,,,,,,,041226,,,N*79",
            "$GPGGA,123520.00,,,,,0,00,99.99,,,,,,*61");

    private static final Instant FIX_TIME = Instant.parse("2026-12-04T12:35:19Z");

    @Test
    void sentencesParseAndBadOnesAreRefusedWithWhy() throws Exception {
        NmeaSentence rmc = NmeaSentence.parse(LOG.get(0) + "\r\n");
        assertEquals("GP", rmc.talker());
        assertEquals("RMC", rmc.type());
        assertEquals("4807.0380", rmc.field(2));
        assertEquals("", rmc.field(40));
        NmeaException bad = assertThrows(NmeaException.class, () -> NmeaSentence.parse(LOG.get(2)));
        assertTrue(bad.getMessage().startsWith("checksum 00 does not match the sentence's 4B"), bad.getMessage());
        assertTrue(assertThrows(NmeaException.class, () -> NmeaSentence.parse("GPRMC,1*00")).getMessage()
                .startsWith("does not start with $"));
        assertTrue(assertThrows(NmeaException.class, () -> NmeaSentence.parse("$GPRMC,1")).getMessage()
                .startsWith("no *HH checksum"));
        assertTrue(assertThrows(NmeaException.class, () -> NmeaSentence.parse("$GPRMC," + "1".repeat(80) + "*00"))
                .getMessage().contains("NMEA allows 82"));
        assertTrue(assertThrows(NmeaException.class, () -> NmeaSentence.parse("$GPRMC,\u0001*00")).getMessage()
                .contains("not printable"));
    }

    private static GpsFix feedAll(NmeaReceiver r, String text, List<GpsFix> seen) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < b.length; i++) r.feed(b, i, 1, seen::add); // one byte at a time: every split
        return r.fix();
    }

    @Test
    void aFixThenABadChecksumThenNoFix() {
        NmeaReceiver r = new NmeaReceiver();
        List<GpsFix> seen = new ArrayList<>();
        feedAll(r, LOG.get(0) + "\r\n" + LOG.get(1) + "\r\n", seen);
        GpsFix f = r.fix();
        assertTrue(f.valid());
        assertEquals(48.1173, f.latitude(), 1e-9);
        assertEquals(11.0 + 31.0 / 60, f.longitude(), 1e-9);
        assertEquals(8, f.satellites());
        assertEquals(0.9, f.hdop());
        assertEquals(545.4, f.altitudeMeters());
        assertEquals(FIX_TIME, f.time());
        assertEquals("48.117300 11.516667, 8 satellites, HDOP 0.9, 545.4 m, 2026-12-04T12:35:19Z", f.toString());

        feedAll(r, LOG.get(2) + "\r\n", seen);
        assertEquals(f, r.fix(), "a sentence with a bad checksum changes nothing");
        assertEquals(1, r.counters().badChecksums());

        feedAll(r, LOG.get(3) + "\r\n", seen);
        assertFalse(r.fix().valid(), "RMC status V: the last position is not current");
        assertEquals(FIX_TIME.plusSeconds(1), r.fix().time(), "the GPS clock still runs without a fix");
        feedAll(r, LOG.get(4) + "\r\n", seen);
        assertFalse(r.fix().valid());
        assertEquals(4, r.counters().sentences());
        assertEquals(4, seen.size());

        // southern and western hemispheres, a GN talker
        feedAll(r, "$GNRMC,000001,A,3351.9000,S,15112.6000,W,,,010127,,*" + checksum(
                "GNRMC,000001,A,3351.9000,S,15112.6000,W,,,010127,,") + "\n", seen);
        assertEquals(-33.865, r.fix().latitude(), 1e-9);
        assertEquals(-151.21, r.fix().longitude(), 1e-9);
        assertEquals(Instant.parse("2027-01-01T00:00:01Z"), r.fix().time());
    }

    static String checksum(String body) {
        int c = 0;
        for (char ch : body.toCharArray()) c ^= ch;
        return String.format("%02X", c);
    }

    /**
     * Fields with a correct checksum that Java's number parsers take but NMEA does not write: an hour of 25 (it used
     * to escape feed() as a DateTimeException and stop the reader), a month of 13, NaN minutes (a valid fix at a NaN
     * position), a signed satellite count and an exponent. Each is counted as malformed and changes nothing.
     */
    @Test
    void fieldsOutsideNmeaNumbersAreMalformedNotExceptions() {
        List<String> bodies = List.of(
                "GPRMC,253519.00,A,4807.0380,N,01131.0000,E,0.02,,041226,,,A",
                "GPRMC,123519.00,A,4807.0380,N,01131.0000,E,0.02,,041326,,,A",
                "GPRMC,123519.00,A,48NaN,N,01131.0000,E,0.02,,041226,,,A",
                "GPRMC,123519.00,A,4807.0380,N,011Infinity,E,0.02,,041226,,,A",
                "GPGGA,123519.00,4807.0380,N,01131.0000,E,1,-8,0.9,545.4,M,46.9,M,,",
                "GPGGA,123519.00,4807.0380,N,01131.0000,E,1,08,9e9,545.4,M,46.9,M,,",
                "GPGGA,123519.00,48+7.0380,N,01131.0000,E,1,08,0.9,545.4,M,46.9,M,,");
        NmeaReceiver r = new NmeaReceiver();
        List<GpsFix> seen = new ArrayList<>();
        for (String body : bodies) {
            byte[] line = ("$" + body + "*" + checksum(body) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            r.feed(line, 0, line.length, seen::add);
        }
        assertEquals(List.of(), seen, "no fix from any of them");
        assertEquals(bodies.size(), r.counters().malformed(), r.lastProblem());
        assertFalse(r.fix().valid());
        byte[] honest = (LOG.get(0) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        r.feed(honest, 0, honest.length, seen::add);
        assertTrue(r.fix().valid());
        assertEquals(48.1173, r.fix().latitude(), 1e-9);
    }

    /** The checksum is two hex digits: "+F" (which Integer.parseInt takes as 0x0F) is refused, "0F" and "0f" pass. */
    @Test
    void aChecksumIsTwoHexDigitsWithoutASign() throws Exception {
        String body = "GPTXT,01,01,02,u-blox ag%"; // XOR 0x0F
        assertEquals("TXT", NmeaSentence.parse("$" + body + "*0F").type());
        assertEquals("TXT", NmeaSentence.parse("$" + body + "*0f").type());
        NmeaException e = assertThrows(NmeaException.class, () -> NmeaSentence.parse("$" + body + "*+F"));
        assertTrue(e.getMessage().startsWith("checksum"), e.getMessage());
    }

    @Test
    void hostileBytesCostABoundedLineAndTheNextSentenceStillCounts() {
        NmeaReceiver r = new NmeaReceiver();
        byte[] noise = new byte[64 * 1024];
        new Random(4).nextBytes(noise);
        r.feed(noise, 0, noise.length, f -> { });
        byte[] endless = new byte[1 << 20]; // a megabyte without a line end
        java.util.Arrays.fill(endless, (byte) 'A');
        r.feed(endless, 0, endless.length, f -> { });
        assertTrue(r.counters().overlong() >= 1);
        String fields = "GPRMC,123519.00,A,9107.0380,N,01131.0000,E,,,041226,,"; // 91 degrees north
        byte[] rest = ("\n$" + fields + "*" + checksum(fields) + "\r\n" + LOG.get(0) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        r.feed(rest, 0, rest.length, f -> { });
        assertTrue(r.fix().valid());
        assertEquals(48.1173, r.fix().latitude(), 1e-9);
        assertTrue(r.counters().malformed() >= 1, "a latitude of 91 degrees is refused");
    }

    @Test
    void aRecordedLogReplayedByPythonGpsFakePtyGivesTheFixAndTheLoss() throws Exception {
        Path dir = Files.createTempDirectory("nmea");
        Path log = dir.resolve("test.log");
        Files.writeString(log, String.join("\r\n", LOG) + "\r\n");
        Path script = dir.resolve("replay.py");
        // gps.fake.FakePTY: a pty in raw mode at 4800 baud cycling through the log's sentences, as gpsfake does
        Files.writeString(script, String.join("\n",
                "import sys, time, gps.fake",
                "pty = gps.fake.FakePTY(gps.fake.TestLoad(sys.argv[1]), speed=4800)",
                "print(pty.byname, flush=True)",
                "sys.stdin.readline()",
                "for i in range(3 * len(pty.testload.sentences)):",
                "    pty.feed()",
                "    time.sleep(0.02)",
                "print('done', flush=True)",
                "sys.stdin.readline()", ""));
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), log.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String device = out.readLine();
            assertNotNull(device, "the fake pty did not start");
            NmeaReceiver r = new NmeaReceiver();
            List<GpsFix> seen = new ArrayList<>();
            try (SerialLink link = new JSerialCommOpener().open(device, 4800)) {
                p.getOutputStream().write('\n'); // start replaying now that the port is open
                p.getOutputStream().flush();
                byte[] buf = new byte[512];
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (r.counters().sentences() < 12 && System.nanoTime() < deadline) {
                    int n = link.read(buf);
                    r.feed(buf, 0, n, seen::add);
                }
            }
            assertEquals(12, r.counters().sentences(), "three rounds of four good sentences: " + r.lastProblem());
            assertTrue(r.counters().badChecksums() >= 2, "the corrupted sentence was refused each round");
            assertTrue(seen.stream().anyMatch(f -> f.valid() && Math.abs(f.latitude() - 48.1173) < 1e-9));
            assertFalse(r.fix().valid(), "the log ends without a fix");
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
