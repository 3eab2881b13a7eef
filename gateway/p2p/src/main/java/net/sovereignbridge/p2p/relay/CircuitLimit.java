package net.sovereignbridge.p2p.relay;

/**
 * Limit{duration 1 (seconds), data 2 (bytes per direction)} of one relayed circuit; 0 means none. A relay
 * that sends a limit closes the circuit when either is reached.
 */
public record CircuitLimit(long durationSeconds, long dataBytes) {
    public static final CircuitLimit NONE = new CircuitLimit(0, 0);

    public CircuitLimit {
        if (durationSeconds < 0 || durationSeconds > 0xFFFFFFFFL) throw new IllegalArgumentException("limit duration " + durationSeconds + " s outside uint32");
        if (dataBytes < 0) throw new IllegalArgumentException("limit data " + dataBytes + " negative");
    }

    public boolean isNone() {
        return durationSeconds == 0 && dataBytes == 0;
    }
}
