package net.sovereignbridge.mesh.transport;

/** How a medium carries frames. The router reads the capabilities in {@link TransportProfile}, not the kind. */
public enum TransportKind {
    /** Addressed, bidirectional links to individual neighbours (LAN, BLE, overlay). */
    DUPLEX,
    /** Every frame is heard by everyone in range (LoRa, audio, KISS radios); usually half duplex. */
    BROADCAST,
    /** Frames only arrive (satellite downlink). */
    RECEIVE_ONLY,
    /** Frames travel physically with a carrier (bundles on removable media). */
    STORE_AND_CARRY;

    /** True for media this node can transmit on. */
    public boolean canSend() {
        return this == DUPLEX || this == BROADCAST;
    }
}
