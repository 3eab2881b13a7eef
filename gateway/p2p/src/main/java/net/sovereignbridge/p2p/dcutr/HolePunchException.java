package net.sovereignbridge.p2p.dcutr;

import java.io.IOException;

/** A HolePunch message from the network that does not decode; {@link #error} says which rule it broke. */
public final class HolePunchException extends IOException {
    public enum Error {
        /** The length prefix announces more than {@link HolePunchCodec#MAX_MESSAGE_BYTES}. */
        TOO_LARGE,
        /** The length prefix is not a valid uvarint. */
        BAD_LENGTH_PREFIX,
        /** The stream ended inside a frame. */
        TRUNCATED,
        /** Not a valid protobuf. */
        MALFORMED_PROTOBUF,
        /** No type, or a type other than CONNECT and SYNC. */
        BAD_TYPE
    }

    public final Error error;

    public HolePunchException(Error error, String detail) {
        super("dcutr message: " + error + " (" + detail + ")");
        this.error = error;
    }
}
