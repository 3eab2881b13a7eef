package net.sovereignbridge.drivers.meshtastic;

/**
 * Bytes from the air, a serial port or an MQTT broker that are not a valid Meshtastic packet. Subclasses say
 * which way they are wrong, so a bridge can count each kind; messages say where (which message, field, offset).
 */
public class MeshtasticException extends Exception {
    public MeshtasticException(String message) {
        super(message);
    }

    /** The input ends inside a header, a length-delimited field or a varint. */
    public static final class Truncated extends MeshtasticException {
        public Truncated(String message) {
            super(message);
        }
    }

    /** A length or size above what the format or our limits allow (a LoRa frame is at most 255 bytes). */
    public static final class Oversize extends MeshtasticException {
        public Oversize(String message) {
            super(message);
        }
    }

    /** Structurally wrong: a bad tag, wire type, UTF-8, or a value outside its range. */
    public static final class Malformed extends MeshtasticException {
        public Malformed(String message) {
            super(message);
        }
    }

    /**
     * No configured channel has this packet's channel hash, or one has it but its key does not turn the payload
     * into a Data message (the hash is one byte: strangers' channels collide with ours one time in 256).
     */
    public static final class WrongChannel extends MeshtasticException {
        private final int channelHash;

        public WrongChannel(int channelHash, String message) {
            super(message);
            this.channelHash = channelHash;
        }

        public int channelHash() {
            return channelHash;
        }
    }
}
