package net.sovereignbridge.p2p.relay;

import java.io.IOException;

/** A relay message from the network that does not decode; {@link #error} says which rule it broke. */
public final class CircuitMessageException extends IOException {
    public enum Error {
        /** The length prefix announces more than {@link CircuitCodec#MAX_MESSAGE_BYTES}. */
        TOO_LARGE,
        /** The length prefix is not a valid uvarint (over 9 bytes). */
        BAD_LENGTH_PREFIX,
        /** The stream ended inside a length prefix or a message. */
        TRUNCATED,
        /** The body is not a valid protobuf (bad tag, wire type, length, UTF-8). */
        MALFORMED_PROTOBUF,
        /** The message has no type field. */
        MISSING_TYPE,
        /** A type or status number the spec does not define. */
        UNKNOWN_ENUM,
        /** A peer id that is not a multihash, or a limit outside its range. */
        BAD_FIELD
    }

    public final Error error;

    public CircuitMessageException(Error error, String detail) {
        super("relay message: " + error + " (" + detail + ")");
        this.error = error;
    }
}
