package net.sovereignbridge.mesh.transport;

import java.util.List;
import java.util.Map;

/**
 * A medium that moves frames of at most {@link TransportProfile#mtu()} bytes between this node and its
 * neighbours. Transports know nothing of mesh addresses, routing or crypto: they move opaque bytes.
 * One implementation per medium (lan, lora, ble, audio, satellite, serial, overlay, bundle).
 */
public interface Transport {
    /** Unique per node and stable across restarts, e.g. "lan" or "lora0". */
    String id();

    /** What the medium can do; the router reads nothing else about a transport. */
    TransportProfile profile();

    TransportState state();

    /** Starts asynchronously or synchronously; reports progress through the listener's state callback. */
    void start(TransportListener listener) throws TransportException;

    /** Stops and releases the medium; idempotent. */
    void stop();

    /**
     * Queues one frame for {@code to} (use {@link Endpoint#broadcast} on broadcast media). Returns once the
     * frame is accepted, not when it is on air.
     *
     * @throws TransportException when the transport is not active, the frame exceeds the MTU or the medium
     *     refuses it; the frame was not sent
     */
    void send(Endpoint to, byte[] frame) throws TransportException;

    /**
     * Queues one frame and names where its traffic entered the mesh. Transports with an airtime budget
     * (LoRa) cap every origin but {@link TrafficOrigin#LOCAL}; others ignore it.
     */
    default void send(Endpoint to, byte[] frame, TrafficOrigin origin) throws TransportException {
        send(to, frame);
    }

    /**
     * The origin of frames this transport receives, kept when the node forwards them: LOCAL for local media,
     * INTERNET for the internet overlay.
     */
    default TrafficOrigin receivedOrigin() {
        return TrafficOrigin.LOCAL;
    }

    /** Neighbours heard recently, with their link quality. */
    List<Neighbour> neighbours();

    /** Whether a sender is a neighbour from its first frame or only once the node has proven it. */
    default NeighbourRule neighbourRule() {
        return NeighbourRule.FIRST_FRAME;
    }

    /**
     * The node verified that {@code endpoint} speaks for a mesh node: a fresh signed announce, or a message that
     * opened and was no replay, came from it directly. Under {@link NeighbourRule#PROVEN} it becomes a neighbour
     * now; under {@code FIRST_FRAME} it is one already and nothing happens.
     */
    default void neighbourProven(Endpoint endpoint, LinkQuality quality) {}

    /**
     * What only this transport knows, for the daemon's status ({@code sbridge status --json}, one object per
     * transport) and its start-up banner, which shows the string values: addresses, airtime, radio counters.
     * Values are strings, numbers, booleans, lists or maps of those. The common fields (id, type, kind, state,
     * mtu, counters, neighbours) are the daemon's; a name that clashes with one of them is not shown.
     */
    default Map<String, Object> statusFields() {
        return Map.of();
    }
}
