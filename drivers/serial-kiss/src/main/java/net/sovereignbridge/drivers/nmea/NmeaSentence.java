package net.sovereignbridge.drivers.nmea;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One NMEA 0183 sentence: {@code $TTSSS,field,field,...*HH} where TT is the talker (GP GPS, GN multi-constellation,
 * GL GLONASS, GA Galileo, BD/GB BeiDou), SSS the sentence type and HH the XOR of every character between {@code $}
 * and {@code *}, in hex. At most 82 characters with the line end (NMEA 0183). Layouts: docs/gps.md.
 */
public record NmeaSentence(String talker, String type, List<String> fields) {
    /** NMEA 0183's limit, "$" to the line feed. */
    public static final int MAX_LENGTH = 82;
    private static final String HEX_DIGITS = "0123456789ABCDEFabcdef";

    /** Field {@code i} (0 = the first after the type), "" when absent. */
    public String field(int i) {
        return i < fields.size() ? fields.get(i) : "";
    }

    /**
     * Parses one line (without or with its CR LF).
     *
     * @throws NmeaException no leading {@code $}, too long, a character outside printable ASCII, no checksum, a
     *     checksum that does not match, no talker and type
     */
    public static NmeaSentence parse(String line) throws NmeaException {
        String l = line;
        if (l.endsWith("\n")) l = l.substring(0, l.length() - 1);
        if (l.endsWith("\r")) l = l.substring(0, l.length() - 1);
        if (l.length() + 2 > MAX_LENGTH) {
            throw new NmeaException("sentence of " + (l.length() + 2) + " characters, NMEA allows " + MAX_LENGTH);
        }
        if (!l.startsWith("$")) throw new NmeaException("does not start with $: " + printable(l));
        int star = l.lastIndexOf('*');
        if (star < 0 || star != l.length() - 3) throw new NmeaException("no *HH checksum at the end: " + printable(l));
        int sum = 0;
        for (int i = 1; i < star; i++) {
            char c = l.charAt(i);
            if (c < 0x20 || c > 0x7E) throw new NmeaException(String.format(Locale.ROOT,
                    "character 0x%02x at %d is not printable ASCII", (int) c, i));
            sum ^= c;
        }
        // two hex digits: parseInt alone would also take "+F" and "-0"
        String hex = l.substring(star + 1);
        if (HEX_DIGITS.indexOf(hex.charAt(0)) < 0 || HEX_DIGITS.indexOf(hex.charAt(1)) < 0) {
            throw new NmeaException("checksum '" + printable(hex) + "' is not two hex digits");
        }
        int given = Integer.parseInt(hex, 16);
        if (given != sum) {
            throw new NmeaException(String.format(Locale.ROOT, "checksum %02X does not match the sentence's %02X: %s",
                    given, sum, printable(l)));
        }
        String body = l.substring(1, star);
        List<String> parts = new ArrayList<>(List.of(body.split(",", -1)));
        String address = parts.remove(0);
        if (address.length() != 5) throw new NmeaException("address '" + address + "' is not talker + type (5 letters)");
        return new NmeaSentence(address.substring(0, 2), address.substring(2), List.copyOf(parts));
    }

    private static String printable(String s) {
        String t = s.length() > 90 ? s.substring(0, 90) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
