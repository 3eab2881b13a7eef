package net.sovereignbridge.mesh.topics;

import java.time.Instant;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * A topic message as this node delivers it: verified (the signature of {@code from}), deduplicated, within its
 * origin's rate.
 *
 * @param own true when this node published it (local subscribers hear their own node's messages too)
 * @param hops relays it crossed before reaching us (0 for a neighbour's, or our own)
 */
public record TopicMessage(String topic, MeshAddress from, int messageId, Instant sentAt, Instant receivedAt,
        TrafficOrigin origin, int hops, boolean own, String transport, byte[] body) {}
