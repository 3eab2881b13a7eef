package net.sovereignbridge.p2p.multiaddr;

/** A multiaddr that could not be parsed or decoded; checked, so hostile input never escapes as a crash. */
public final class MultiaddrException extends Exception {
    public MultiaddrException(String message) {
        super(message);
    }
}
