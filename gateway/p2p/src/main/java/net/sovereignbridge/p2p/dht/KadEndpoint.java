package net.sovereignbridge.p2p.dht;

import java.io.Closeable;
import java.util.List;

/**
 * Where the daemon's DHT gets its streams: outbound ones through {@link #open} (a {@link
 * StreamDhtNetwork.StreamOpener}) and inbound ones served by {@link KadStreams#serve} once {@link #serve}
 * was called. The daemon uses {@link HostKadEndpoint} (the libp2p host's yamux streams); tests may give
 * the DHT any other stream source.
 */
public interface KadEndpoint extends StreamDhtNetwork.StreamOpener, Closeable {

    /** Starts answering inbound kad streams with this DHT. */
    void serve(KademliaDht dht);

    /** Binary multiaddrs we listen on (without /p2p), as bound (port 0 resolved). */
    List<byte[]> listenAddrs();

    @Override
    void close();
}
