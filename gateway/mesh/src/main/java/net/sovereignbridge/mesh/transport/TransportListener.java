package net.sovereignbridge.mesh.transport;

import net.sovereignbridge.mesh.frame.DecodeError;

/** Callbacks from a transport to the node. Called from transport threads: implementations must not block. */
public interface TransportListener {
    /** A whole frame arrived. The array belongs to the listener. */
    void onFrame(Transport transport, Endpoint from, byte[] frame, LinkQuality quality);

    void onStateChanged(Transport transport, TransportState state, String reason);

    /** A neighbour appeared (up = true) or was not heard for too long (up = false). */
    default void onNeighbour(Transport transport, Neighbour neighbour, boolean up) {}

    /** The transport threw away input that cannot be a link frame, for {@code reason}, before delivery. */
    default void onRejected(Transport transport, DecodeError reason) {}
}
