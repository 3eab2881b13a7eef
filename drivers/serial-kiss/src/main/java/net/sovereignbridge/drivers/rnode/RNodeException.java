package net.sovereignbridge.drivers.rnode;

/** The RNode did not answer, answered with something else, or refused a setting; the message names the device. */
public final class RNodeException extends Exception {
    public RNodeException(String message) {
        super(message);
    }

    public RNodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
