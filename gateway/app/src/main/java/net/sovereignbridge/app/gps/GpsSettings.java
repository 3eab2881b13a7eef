package net.sovereignbridge.app.gps;

import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;

/**
 * The {@code gps:} section: a serial GPS speaking NMEA 0183 ({@code device}, {@code speed}). No device: no GPS.
 *
 * @param device the receiver's serial device ("" = none)
 * @param speed its line speed (4800 baud is NMEA 0183's; many modules run 9600)
 */
public record GpsSettings(String device, int speed) {
    public static GpsSettings none() {
        return new GpsSettings("", 4800);
    }

    public boolean enabled() {
        return !device.isEmpty();
    }

    public static GpsSettings read(ConfigNode section) throws ConfigException {
        String device = section.string("device", "");
        int speed = (int) section.integer("speed", 4800, 300, 921_600);
        return new GpsSettings(device, speed);
    }
}
