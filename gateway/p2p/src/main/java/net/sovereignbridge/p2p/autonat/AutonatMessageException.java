package net.sovereignbridge.p2p.autonat;

import java.io.IOException;

/** An AutoNAT message from the network that does not decode; {@link #error} says which rule it broke. */
public final class AutonatMessageException extends IOException {
    public enum Error {
        /** The length prefix announces more than {@link AutonatCodec#MAX_MESSAGE_BYTES}. */
        TOO_LARGE,
        /** The length prefix is not a valid uvarint. */
        BAD_LENGTH_PREFIX,
        /** The stream ended inside a frame. */
        TRUNCATED,
        /** Not a valid protobuf (tag, wire type, length, UTF-8). */
        MALFORMED_PROTOBUF,
        /** No type, an unknown type or status, or a DIAL without dial / a response without dialResponse. */
        BAD_TYPE,
        /** A peer id that is not a multihash, or a response address that does not decode. */
        BAD_FIELD
    }

    public final Error error;

    public AutonatMessageException(Error error, String detail) {
        super("autonat message: " + error + " (" + detail + ")");
        this.error = error;
    }
}
