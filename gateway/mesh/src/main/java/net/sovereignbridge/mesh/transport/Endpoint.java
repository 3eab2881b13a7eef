package net.sovereignbridge.mesh.transport;

/**
 * Where a frame came from or goes to on one transport, in that transport's own terms ("192.0.2.7:4242"
 * for LAN, a BLE device path, "*" for the broadcast medium). The mesh never parses the value.
 */
public record Endpoint(String transportId, String value) {
    public static final String BROADCAST_VALUE = "*";

    public Endpoint {
        if (transportId == null || transportId.isEmpty()) throw new IllegalArgumentException("transportId is empty");
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("endpoint value is empty");
    }

    public static Endpoint broadcast(String transportId) {
        return new Endpoint(transportId, BROADCAST_VALUE);
    }

    public boolean isBroadcast() {
        return BROADCAST_VALUE.equals(value);
    }

    @Override
    public String toString() {
        return transportId + ":" + value;
    }
}
