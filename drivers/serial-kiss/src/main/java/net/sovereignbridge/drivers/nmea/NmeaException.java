package net.sovereignbridge.drivers.nmea;

/** A line that is no valid NMEA 0183 sentence; the message says what is wrong with it. */
public final class NmeaException extends Exception {
    public NmeaException(String message) {
        super(message);
    }
}
