package net.sovereignbridge.p2p.noise;

/** A Noise message failed authentication or was malformed. */
public final class NoiseException extends Exception {
    public NoiseException(String message) {
        super(message);
    }
}
