package net.sovereignbridge.drivers.satellite;

/** A datagram or message that does not follow Blockstream's framing; the message says what and where. */
public class MalformedPacketException extends Exception {
    public MalformedPacketException(String message) {
        super(message);
    }
}
