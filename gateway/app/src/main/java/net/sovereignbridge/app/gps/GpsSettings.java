package net.sovereignbridge.app.gps;

import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;

/**
 * The {@code gps:} section: a serial GPS speaking NMEA 0183 ({@code device}, {@code speed}, {@code
 * geohash-precision}). No device: no GPS.
 *
 * @param device the receiver's serial device ("" = none)
 * @param speed its line speed (4800 baud is NMEA 0183's; many modules run 9600)
 * @param geohashPrecision characters of the geohash announced from the fix (6: about 1.2 km by 0.6 km; a box on a
 *     roof need not tell the mesh which house it is on)
 */
public record GpsSettings(String device, int speed, int geohashPrecision) {
    public static GpsSettings none() {
        return new GpsSettings("", 4800, 6);
    }

    public boolean enabled() {
        return !device.isEmpty();
    }

    public static GpsSettings read(ConfigNode section) throws ConfigException {
        String device = section.string("device", "");
        int speed = (int) section.integer("speed", 4800, 300, 921_600);
        int precision = (int) section.integer("geohash-precision", 6, 1, 12);
        return new GpsSettings(device, speed, precision);
    }
}
