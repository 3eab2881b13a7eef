package net.sovereignbridge.mesh.transport;

/** A transport could not start or send; the message names the transport and the cause. */
public class TransportException extends Exception {
    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
