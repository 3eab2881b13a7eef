package net.sovereignbridge.p2p.multistream;

/** Negotiation failed: malformed or oversized line, wrong header, or no common protocol. */
public final class MultistreamException extends Exception {
    public MultistreamException(String message) {
        super(message);
    }
}
