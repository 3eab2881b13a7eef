package net.sovereignbridge.mesh.node;

import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * How {@link Node#send} is to treat one message.
 *
 * @param origin where the message entered the mesh (DEVICE for CoAP/MQTT, INTERNET for the overlay); it goes
 *     down to the transports with every transmission and retry, so radio airtime caps apply
 * @param region the geohash the destination is known to be in (from the DHT, a directory, the operator), or
 *     null to use the position the destination announced, if any (docs/routing.md, "Geographic routing")
 */
public record SendOptions(TrafficOrigin origin, String region) {
    public SendOptions {
        if (origin == null) throw new IllegalArgumentException("origin is null");
    }

    /** Made on this node, no region beyond what the destination announced. */
    public static SendOptions defaults() {
        return new SendOptions(TrafficOrigin.LOCAL, null);
    }

    public SendOptions withOrigin(TrafficOrigin o) {
        return new SendOptions(o, region);
    }

    public SendOptions withRegion(String geohash) {
        return new SendOptions(origin, geohash);
    }
}
