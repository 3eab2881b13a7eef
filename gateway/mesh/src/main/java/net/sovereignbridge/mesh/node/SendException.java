package net.sovereignbridge.mesh.node;

/** A message could not be accepted for sending; {@link #reason()} says why in a form the CLI can show. */
public final class SendException extends Exception {
    public enum Reason { UNKNOWN_DESTINATION, NO_ROUTE, TOO_LARGE, QUEUE_FULL, SEND_FAILED, NOT_RUNNING }

    private final Reason reason;

    public SendException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
