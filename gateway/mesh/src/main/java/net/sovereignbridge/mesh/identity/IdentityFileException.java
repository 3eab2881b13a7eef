package net.sovereignbridge.mesh.identity;

/** The identity key file cannot be used; the message names the file and what to do about it. */
public final class IdentityFileException extends Exception {
    public IdentityFileException(String message) {
        super(message);
    }

    public IdentityFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
