package net.sovereignbridge.drivers.nmea;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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
        } catch (NumberFormatException | DateTimeParseException | IndexOutOfBoundsException e) {
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
        int quality = s.field(5).isEmpty() ? 0 : Integer.parseInt(s.field(5));
        int sats = s.field(6).isEmpty() ? 0 : Integer.parseInt(s.field(6));
        if (quality == 0) return new GpsFix(false, Double.NaN, Double.NaN, sats, Double.NaN, Double.NaN, fix.time());
        double lat = coordinate(s.field(1), s.field(2), 2, "N", "S");
        double lon = coordinate(s.field(3), s.field(4), 3, "E", "W");
        double hdop = s.field(7).isEmpty() ? Double.NaN : Double.parseDouble(s.field(7));
        double alt = s.field(8).isEmpty() ? Double.NaN : Double.parseDouble(s.field(8));
        return new GpsFix(true, lat, lon, sats, hdop, alt, fix.time());
    }

    /** ddmm.mmmm / dddmm.mmmm and a hemisphere into signed degrees; range-checked. */
    static double coordinate(String value, String hemisphere, int degreeDigits, String positive, String negative) {
        if (value.length() < degreeDigits + 2) throw new NumberFormatException("coordinate '" + value + "'");
        double degrees = Integer.parseInt(value.substring(0, degreeDigits));
        double minutes = Double.parseDouble(value.substring(degreeDigits));
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
        int h = Integer.parseInt(hhmmss.substring(0, 2));
        int m = Integer.parseInt(hhmmss.substring(2, 4));
        double sec = Double.parseDouble(hhmmss.substring(4));
        int whole = (int) sec;
        return LocalTime.of(h, m, whole, (int) Math.round((sec - whole) * 1e9) % 1_000_000_000);
    }

    /** ddmmyy; NMEA's two-digit year is 2000-2099 here (a receiver in service before 2000 is not expected). */
    private static LocalDate date(String ddmmyy) {
        if (ddmmyy.length() != 6) throw new NumberFormatException("date '" + ddmmyy + "'");
        return LocalDate.of(2000 + Integer.parseInt(ddmmyy.substring(4, 6)), Integer.parseInt(ddmmyy.substring(2, 4)),
                Integer.parseInt(ddmmyy.substring(0, 2)));
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
