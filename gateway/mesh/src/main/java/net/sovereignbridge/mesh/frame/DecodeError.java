package net.sovereignbridge.mesh.frame;

/** Why bytes from the network were refused. Each value is a counter in the transport statistics. */
public enum DecodeError {
    TRUNCATED,
    UNKNOWN_VERSION,
    UNKNOWN_TYPE,
    BAD_FLAGS,
    BAD_HOPS,
    FRAGMENT_INCONSISTENT,
    REASSEMBLY_LIMIT,
    /** An incomplete fragment set dropped to make room for a newer one (its sender's oldest, or buffers full). */
    FRAGMENT_SET_EVICTED,
    /** An incomplete fragment set whose missing fragments did not arrive within the reassembly timeout. */
    FRAGMENT_SET_EXPIRED,
    OVERSIZE,
    BAD_SIGNATURE,
    ADDRESS_MISMATCH,
    DECRYPT_FAILED,
    REPLAY,
    STALE,
    UNKNOWN_SENDER,
    NOT_FOR_US,
    MALFORMED_PAYLOAD,
    /** A relayed frame whose hop limit is used up. */
    HOP_LIMIT,
    /** A copy of a frame already handled (flooding delivers several). */
    DUPLICATE,
    /** A topic frame beyond its origin's rate limit (not delivered, not relayed). */
    RATE_LIMITED,
    /** The node's receive queue was full (the node is overloaded, not the peer at fault); the sender's retry covers it. */
    RECEIVE_QUEUE_FULL
}
