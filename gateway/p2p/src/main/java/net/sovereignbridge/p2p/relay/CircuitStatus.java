package net.sovereignbridge.p2p.relay;

/** Circuit relay v2 status codes (the same numbers in HopMessage and StopMessage). */
public enum CircuitStatus {
    OK(100),
    RESERVATION_REFUSED(200),
    RESOURCE_LIMIT_EXCEEDED(201),
    PERMISSION_DENIED(202),
    CONNECTION_FAILED(203),
    NO_RESERVATION(204),
    MALFORMED_MESSAGE(400),
    UNEXPECTED_MESSAGE(401);

    public final int code;

    CircuitStatus(int code) {
        this.code = code;
    }

    /** The status of a wire code, or null for a code the spec does not define. */
    public static CircuitStatus of(long code) {
        for (CircuitStatus s : values()) if (s.code == code) return s;
        return null;
    }
}
