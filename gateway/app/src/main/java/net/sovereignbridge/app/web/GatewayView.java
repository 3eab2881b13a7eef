package net.sovereignbridge.app.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the web server reads from the running gateway, each call a fresh look: the web package never holds
 * the gateway's objects, so a scrape or a page shows the figures of that moment.
 */
public interface GatewayView {
    /** The map {@code sbridge status --json} prints. */
    Map<String, Object> status() throws Exception;

    /** Neighbours on every transport, as the transports measured them. */
    List<NeighbourView> neighbours();

    /** This node's own messages held in custody, counted by state (every state named, zero included). */
    Map<String, Long> ownMessagesByState() throws Exception;

    /** This node's newest own messages, as {@code sbridge messages --json} lists them. */
    List<Map<String, Object>> messages(int limit) throws Exception;

    /**
     * One neighbour as its transport sees it; NaN where the medium cannot measure (rssi, snr), -1 for no rtt.
     *
     * @param address the neighbour's mesh address in hex, or "" while only its endpoint is known
     */
    record NeighbourView(String transport, String endpoint, String address, double rssiDbm, double snrDb,
                         long rttMillis, double lossRatio, Instant lastHeard) {}
}
