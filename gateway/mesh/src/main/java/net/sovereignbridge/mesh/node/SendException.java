package net.sovereignbridge.mesh.node;

/** A message could not be accepted for sending; {@link #reason()} says why in a form the CLI can show. */
public final class SendException extends Exception {
    /** INVALID: a malformed request (bad topic name); RATE_LIMITED: the per-origin topic rate is used up. */
    public enum Reason { UNKNOWN_DESTINATION, NO_ROUTE, TOO_LARGE, QUEUE_FULL, SEND_FAILED, NOT_RUNNING, INVALID, RATE_LIMITED }

    private final Reason reason;

    public SendException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
