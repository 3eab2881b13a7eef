package net.sovereignbridge.p2p.websocket;

/** RFC 6455 section 7.4.1 status codes that we send or check. */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Never sent on the wire: reported when the close frame carried no status code. */
    public static final int NO_STATUS = 1005;
    /** Never sent on the wire: reported when the TCP connection ended without a close frame. */
    public static final int ABNORMAL = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;

    private CloseCodes() {}

    /** Whether a peer may put this code in a close frame (1004-1006, 1015 and unassigned codes may not). */
    public static boolean validOnWire(int code) {
        if (code >= 3000 && code <= 4999) return true;
        return switch (code) {
            case 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014 -> true;
            default -> false;
        };
    }
}
