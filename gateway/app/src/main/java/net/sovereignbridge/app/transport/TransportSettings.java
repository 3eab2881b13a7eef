package net.sovereignbridge.app.transport;

/**
 * One configured transport, checked at start-up by its {@link TransportFactory}: enough to bring it up, as often
 * as the operator asks ({@code sbridge transport start ID} after fixing what made it UNAVAILABLE).
 */
public interface TransportSettings {
    /** Unique among the daemon's transports: "lan", "lora0", "lora1". */
    String id();

    /** The factory's {@link TransportFactory#type()}. */
    String type();

    /** Builds the transport (not started) or says why it cannot run here. Never throws for a hardware problem. */
    TransportFactory.Outcome bringUp(TransportContext context);

    /**
     * These settings with the UDP port {@code run --lan-port} gives; null for a transport that listens on no
     * such port (the flag leaves it alone).
     */
    default TransportSettings withListenPort(int port) {
        return null;
    }
}
