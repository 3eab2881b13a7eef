package net.sovereignbridge.mesh.transport;

/**
 * Lifecycle of a transport. STOPPED -> STARTING -> ACTIVE -> STOPPING -> STOPPED; any state may go to
 * FAILED (it was working and broke: the manager retries) or UNAVAILABLE (configured hardware is absent:
 * reported, not retried until reconfigured).
 */
public enum TransportState {
    STOPPED,
    STARTING,
    ACTIVE,
    STOPPING,
    FAILED,
    UNAVAILABLE;

    public boolean canSend() {
        return this == ACTIVE;
    }
}
