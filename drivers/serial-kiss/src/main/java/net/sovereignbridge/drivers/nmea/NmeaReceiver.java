package net.sovereignbridge.drivers.nmea;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.DateTimeException;
import java.util.function.Consumer;

/**
 * Turns the byte stream of a serial GPS into {@link GpsFix}es: splits lines (bounded: a line longer than NMEA allows
 * is dropped and counted, never grown without end), verifies each sentence's checksum, and folds RMC (time, date,
 * validity, position) and GGA (fix quality, satellites, HDOP, altitude, position) into the current fix. A sentence
 * with a bad checksum or bad fields changes nothing; RMC status V or GGA quality 0 is "no fix" (the last position is
 * not reported as current). Other sentence types (GSA, GSV, VTG, proprietary) are counted and skipped. Not
 * thread-safe: one reader feeds it.
 */
public final class NmeaReceiver {
    private final StringBuilder line = new StringBuilder(NmeaSentence.MAX_LENGTH);
    private boolean discarding;
    private GpsFix fix = GpsFix.NONE;
    private LocalDate lastDate;

    private long sentences;
    private long badChecksums;
    private long malformed;
    private long overlong;
    private long skipped;
    private String lastProblem = "";

    /** Counters: sentences used, checksums wrong, sentences or fields malformed, lines too long, types skipped. */
    public record Counters(long sentences, long badChecksums, long malformed, long overlong, long skipped) {}

    /** Feeds bytes as they came from the port; {@code onFix} hears the fix after each RMC or GGA that changed it. */
    public void feed(byte[] buf, int off, int len, Consumer<GpsFix> onFix) {
        for (int i = off; i < off + len; i++) {
            char c = (char) (buf[i] & 0xFF);
            if (c == '\n' || c == '\r') {
                if (!discarding && line.length() > 0) sentence(line.toString(), onFix);
                line.setLength(0);
                discarding = false;
            } else if (!discarding) {
                if (line.length() >= NmeaSentence.MAX_LENGTH) {
                    overlong++;
                    lastProblem = "a line longer than " + NmeaSentence.MAX_LENGTH + " characters (no NMEA)";
                    discarding = true; // until the next line end
                    line.setLength(0);
                } else {
                    line.append(c);
                }
            }
        }
    }

    private void sentence(String text, Consumer<GpsFix> onFix) {
        NmeaSentence s;
        try {
            s = NmeaSentence.parse(text);
        } catch (NmeaException e) {
            if (e.getMessage().startsWith("checksum")) badChecksums++;
            else malformed++;
            lastProblem = e.getMessage();
            return;
        }
        try {
            GpsFix next = switch (s.type()) {
                case "RMC" -> rmc(s);
                case "GGA" -> gga(s);
                default -> null;
            };
            if (next == null) {
                skipped++;
                return;
            }
            sentences++;
            fix = next;
            onFix.accept(next);
        } catch (NumberFormatException | DateTimeException e) { // DateTimeException: hour 25, month 13, 31 February
            malformed++;
            lastProblem = s.talker() + s.type() + ": bad field: " + e.getMessage();
        }
    }

    /** RMC: time, status (A valid, V void), lat, N/S, lon, E/W, speed, course, date ddmmyy, ... */
    private GpsFix rmc(NmeaSentence s) {
        LocalTime t = time(s.field(0));
        if (!s.field(8).isEmpty()) lastDate = date(s.field(8));
        java.time.Instant when = t != null && lastDate != null ? lastDate.atTime(t).toInstant(ZoneOffset.UTC) : fix.time();
        if (!"A".equals(s.field(1))) {
            return new GpsFix(false, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, when);
        }
        double lat = coordinate(s.field(2), s.field(3), 2, "N", "S");
        double lon = coordinate(s.field(4), s.field(5), 3, "E", "W");
        return new GpsFix(true, lat, lon, fix.satellites(), fix.hdop(), fix.altitudeMeters(), when);
    }

    /** GGA: time, lat, N/S, lon, E/W, quality (0 none), satellites, HDOP, altitude, M, geoid, M, ... */
    private GpsFix gga(NmeaSentence s) {
        int quality = s.field(5).isEmpty() ? 0 : digits(s.field(5), "fix quality");
        int sats = s.field(6).isEmpty() ? 0 : digits(s.field(6), "satellites");
        if (quality == 0) return new GpsFix(false, Double.NaN, Double.NaN, sats, Double.NaN, Double.NaN, fix.time());
        double lat = coordinate(s.field(1), s.field(2), 2, "N", "S");
        double lon = coordinate(s.field(3), s.field(4), 3, "E", "W");
        double hdop = s.field(7).isEmpty() ? Double.NaN : decimal(s.field(7), false, "HDOP");
        double alt = s.field(8).isEmpty() ? Double.NaN : decimal(s.field(8), true, "altitude");
        return new GpsFix(true, lat, lon, sats, hdop, alt, fix.time());
    }

    /** ddmm.mmmm / dddmm.mmmm and a hemisphere into signed degrees; range-checked. */
    static double coordinate(String value, String hemisphere, int degreeDigits, String positive, String negative) {
        if (value.length() < degreeDigits + 2) throw new NumberFormatException("coordinate '" + value + "'");
        double degrees = digits(value.substring(0, degreeDigits), "coordinate degrees");
        double minutes = decimal(value.substring(degreeDigits), false, "coordinate minutes");
        if (minutes >= 60) throw new NumberFormatException("minutes " + minutes + " in '" + value + "'");
        double d = degrees + minutes / 60.0;
        if (d > (degreeDigits == 2 ? 90 : 180)) throw new NumberFormatException("coordinate " + d + " out of range");
        if (hemisphere.equals(negative)) return -d;
        if (hemisphere.equals(positive)) return d;
        throw new NumberFormatException("hemisphere '" + hemisphere + "'");
    }

    private static LocalTime time(String hhmmss) {
        if (hhmmss.isEmpty()) return null;
        if (hhmmss.length() < 6) throw new NumberFormatException("time '" + hhmmss + "'");
        int h = digits(hhmmss.substring(0, 2), "hour");
        int m = digits(hhmmss.substring(2, 4), "minute");
        double sec = decimal(hhmmss.substring(4), false, "second");
        int whole = (int) sec;
        return LocalTime.of(h, m, whole, (int) Math.round((sec - whole) * 1e9) % 1_000_000_000);
    }

    /** ddmmyy; NMEA's two-digit year is 2000-2099 here (a receiver in service before 2000 is not expected). */
    private static LocalDate date(String ddmmyy) {
        if (ddmmyy.length() != 6) throw new NumberFormatException("date '" + ddmmyy + "'");
        return LocalDate.of(2000 + digits(ddmmyy.substring(4, 6), "year"), digits(ddmmyy.substring(2, 4), "month"),
                digits(ddmmyy.substring(0, 2), "day"));
    }

    /**
     * An unsigned decimal integer as NMEA writes it: ASCII digits only. Java's parseInt would also take a sign ("-3"
     * satellites), and at most nine digits keep it an int.
     */
    static int digits(String text, String what) {
        if (text.isEmpty() || text.length() > 9) throw new NumberFormatException(what + " '" + text + "'");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') throw new NumberFormatException(what + " '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    /**
     * A decimal number as NMEA writes it: digits with an optional fraction (and a leading minus where the field may
     * be negative). Java's parseDouble would also take "NaN", "Infinity", exponents, hex floats and a trailing "d",
     * which put a NaN position into a valid fix.
     */
    static double decimal(String text, boolean signed, String what) {
        int start = signed && text.startsWith("-") ? 1 : 0;
        int dots = 0;
        int digitCount = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') dots++;
            else if (c >= '0' && c <= '9') digitCount++;
            else digitCount = -1_000;
        }
        if (digitCount <= 0 || dots > 1 || text.length() > 20) throw new NumberFormatException(what + " '" + text + "'");
        return Double.parseDouble(text);
    }

    public GpsFix fix() {
        return fix;
    }

    public Counters counters() {
        return new Counters(sentences, badChecksums, malformed, overlong, skipped);
    }

    /** The last thing wrong with the stream, "" while nothing was. */
    public String lastProblem() {
        return lastProblem;
    }
}
