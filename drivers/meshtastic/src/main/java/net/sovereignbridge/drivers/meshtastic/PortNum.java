package net.sovereignbridge.drivers.meshtastic;

/** The application port numbers this library reads (meshtastic/portnums.proto); others pass through as numbers. */
public final class PortNum {
    private PortNum() {}

    public static final int TEXT_MESSAGE_APP = 1;
    public static final int POSITION_APP = 3;
    public static final int NODEINFO_APP = 4;
    public static final int ROUTING_APP = 5;
    public static final int TELEMETRY_APP = 67;
    public static final int TRACEROUTE_APP = 70;

    public static String name(int port) {
        return switch (port) {
            case TEXT_MESSAGE_APP -> "TEXT_MESSAGE_APP";
            case POSITION_APP -> "POSITION_APP";
            case NODEINFO_APP -> "NODEINFO_APP";
            case ROUTING_APP -> "ROUTING_APP";
            case TELEMETRY_APP -> "TELEMETRY_APP";
            case TRACEROUTE_APP -> "TRACEROUTE_APP";
            default -> "PORT_" + port;
        };
    }
}
