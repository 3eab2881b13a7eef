package net.sovereignbridge.mesh.identity;

/** A textual identifier (mesh address, did:key, PeerId) that does not parse; the message says why. */
public final class IdentifierFormatException extends IllegalArgumentException {
    public IdentifierFormatException(String message) {
        super(message);
    }
}
