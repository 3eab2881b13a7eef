package net.sovereignbridge.drivers.nmea;

import java.time.Instant;
import java.util.Locale;

/**
 * What the GPS last said: whether it has a fix, the position (degrees, WGS84), satellites in use, HDOP, altitude above
 * mean sea level and the UTC time of the fix (from RMC, which carries the date; null until an RMC came).
 */
public record GpsFix(boolean valid, double latitude, double longitude, int satellites, double hdop,
                     double altitudeMeters, Instant time) {
    public static final GpsFix NONE = new GpsFix(false, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, null);

    @Override
    public String toString() {
        if (!valid) return "no fix" + (time != null ? " (GPS time " + time + ")" : "");
        return String.format(Locale.ROOT, "%.6f %.6f, %d satellites, HDOP %.1f, %.1f m, %s", latitude, longitude,
                satellites, hdop, altitudeMeters, time);
    }
}
