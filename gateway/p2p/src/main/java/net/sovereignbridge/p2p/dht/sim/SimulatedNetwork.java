package net.sovereignbridge.p2p.dht.sim;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import net.sovereignbridge.p2p.dht.DhtMessage;
import net.sovereignbridge.p2p.dht.DhtMessageCodec;
import net.sovereignbridge.p2p.dht.DhtNetwork;
import net.sovereignbridge.p2p.dht.DhtPeer;
import net.sovereignbridge.p2p.dht.KademliaDht;

/**
 * An in-process network of DHT nodes. A request to a node that is offline (or never existed) fails the
 * way a timeout would; otherwise it is delivered to the node's {@link KademliaDht#handle}. With
 * {@code wire} set, every request and response goes through the protobuf codec in both directions, so
 * the simulation also exercises encoding, decoding and the decoder's limits.
 */
public final class SimulatedNetwork {
    private final Map<ByteBuffer, KademliaDht> online = new HashMap<>();
    private final Map<ByteBuffer, Boolean> serverMode = new HashMap<>();
    private final boolean wire;
    private long messages;
    private final long[] byType = new long[DhtMessage.Type.values().length];
    private long failures;

    public SimulatedNetwork(boolean wire) {
        this.wire = wire;
    }

    public void attach(KademliaDht node) {
        ByteBuffer id = ByteBuffer.wrap(node.self().id());
        online.put(id, node);
        serverMode.put(id, node.config().serverMode());
    }

    public void detach(DhtPeer peer) {
        online.remove(ByteBuffer.wrap(peer.id()));
    }

    public boolean isOnline(DhtPeer peer) {
        return online.containsKey(ByteBuffer.wrap(peer.id()));
    }

    public long messages() {
        return messages;
    }

    /** Requests sent of one type (PING counts the bucket-eviction checks). */
    public long messages(DhtMessage.Type type) {
        return byType[type.ordinal()];
    }

    public long failures() {
        return failures;
    }

    /** The network as seen by one node (its requests carry its identity and mode). */
    public DhtNetwork viewOf(DhtPeer sender, boolean senderIsServer) {
        return (to, request) -> deliver(sender, senderIsServer, to, request);
    }

    private CompletableFuture<DhtMessage> deliver(DhtPeer from, boolean fromServer, DhtPeer to, DhtMessage request) {
        messages++;
        byType[request.type().ordinal()]++;
        KademliaDht target = online.get(ByteBuffer.wrap(to.id()));
        if (target == null) {
            failures++;
            return CompletableFuture.failedFuture(new TimeoutException("peer offline"));
        }
        DhtMessage req = wire ? roundTrip(request) : request;
        if (req == null) return CompletableFuture.failedFuture(new IllegalStateException("request did not decode"));
        DhtMessage resp = target.handle(from, fromServer, req);
        if (resp == null) {
            if (request.type() == DhtMessage.Type.ADD_PROVIDER) return CompletableFuture.completedFuture(null);
            failures++;
            return CompletableFuture.failedFuture(new IllegalStateException("request refused"));
        }
        DhtMessage out = wire ? roundTrip(resp) : resp;
        if (out == null) return CompletableFuture.failedFuture(new IllegalStateException("response did not decode"));
        return CompletableFuture.completedFuture(out);
    }

    private static DhtMessage roundTrip(DhtMessage m) {
        return DhtMessageCodec.decode(DhtMessageCodec.encode(m)) instanceof DhtMessageCodec.Ok ok ? ok.message() : null;
    }
}
