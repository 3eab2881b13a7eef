package net.sovereignbridge.mesh.transport;

/**
 * Where traffic handed to a transport entered the mesh. Radio transports with an airtime budget cap every
 * origin but {@link #LOCAL} at their internet share, so a broker full of chatty sensors or the whole
 * internet can never flood a radio mesh while the mesh's own traffic keeps flowing.
 */
public enum TrafficOrigin {
    /** Made by this node (announces, ACKs, the CLI) or heard on a local medium (LoRa, BLE, LAN). */
    LOCAL,
    /** Entered through a local service: a CoAP request or an MQTT publish from a device or broker. */
    DEVICE,
    /** Arrived over the internet overlay. */
    INTERNET;

    /** True for traffic that counts against a radio's internet share. */
    public boolean capped() {
        return this != LOCAL;
    }

    /** Wire code (2 bits) in topic frames, which carry their origin across relays. */
    public int code() {
        return ordinal();
    }

    /** The origin for a wire code; unknown codes (3) count as INTERNET, the most restricted. */
    public static TrafficOrigin ofCode(int code) {
        return switch (code) {
            case 0 -> LOCAL;
            case 1 -> DEVICE;
            default -> INTERNET;
        };
    }

    /** The more restricted of two origins: a frame that was capped anywhere stays capped. */
    public TrafficOrigin atLeast(TrafficOrigin other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
