package net.sovereignbridge.p2p.dht;

import java.util.concurrent.CompletableFuture;

/**
 * How the DHT talks to other peers: one request, one response (or none, for ADD_PROVIDER). The libp2p
 * binding opens a {@code /sbridge/kad/1.0.0} stream per request; the simulation calls the other node's
 * {@link KademliaDht#handle} directly. Either way the routing and query code is the same.
 */
public interface DhtNetwork {

    /**
     * Sends the request. The future completes with the response (null for ADD_PROVIDER, which has none),
     * or exceptionally when the peer cannot be reached, refuses, or does not answer in time.
     */
    CompletableFuture<DhtMessage> send(DhtPeer to, DhtMessage request);
}
