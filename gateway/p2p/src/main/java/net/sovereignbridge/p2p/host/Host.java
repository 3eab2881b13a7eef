package net.sovereignbridge.p2p.host;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * A libp2p host as its services see it: identity, addresses, protocols and their handlers, streams,
 * connections, reachability and events. Identify, ping, the DHT, the mesh overlay transport and the
 * coming AutoNAT, relay and hole punching depend on this interface, not on {@link Libp2pHost}.
 *
 * <p>Lifecycle: built (services attached), then listening and dialling, then closed; after {@link #close}
 * dials and new streams fail and no events are sent.
 */
public interface Host extends Closeable {
    // ---- identity

    /** Our PeerId, base58 ("12D3KooW..."). */
    String peerId();

    /** The Ed25519 key that is also the node's mesh identity. */
    NodeIdentity identity();

    HostConfig config();

    // ---- addresses

    /** Listens on {@code addr} (port 0 picks one) and returns the bound address, without /p2p. */
    Multiaddr listen(Multiaddr addr) throws IOException;

    /** The listen addresses, without /p2p; a wildcard bind is listed once per address of the up interfaces. */
    List<Multiaddr> listenAddrs();

    /** The listen addresses ending in /p2p/PEERID, as printed for users. */
    List<Multiaddr> fullListenAddrs();

    /** Our addresses as identified peers saw them (identify's observedAddr), with how many reported each. */
    Map<Multiaddr, Integer> observedAddrs();

    // ---- reachability

    Reachability reachability();

    /** Sets our reachability; listeners hear {@link HostListener#reachabilityChanged} when it changed. */
    void setReachability(Reachability reachability, String reason);

    // ---- protocols and handlers

    /** Serves {@code protocol} on inbound streams; replaces an earlier handler for it. */
    void setHandler(String protocol, StreamHandler handler);

    void removeHandler(String protocol);

    /** The protocols we serve, sorted (as identify lists them). */
    List<String> protocols();

    // ---- connections and streams

    /**
     * Connects to {@code addr}. With a trailing /p2p/PEERID the remote must prove that identity in the
     * Noise handshake, and an open connection to that peer is reused.
     */
    Connection dial(Multiaddr addr) throws IOException;

    /** The oldest open connection to a peer. */
    Optional<Connection> connection(String remotePeerId);

    List<Connection> connections();

    /** Opens a stream on the oldest open connection to the peer and negotiates the first protocol it supports. */
    P2pStream newStream(String remotePeerId, List<String> protocols) throws IOException;

    /** Dials {@code addr} when needed (see {@link #dial}), then opens a stream as above. */
    P2pStream newStream(Multiaddr addr, List<String> protocols) throws IOException;

    // ---- what peers told us

    /** What the peer told us in its latest identify (or push), if it did. */
    Optional<IdentifyInfo> peerInfo(String remotePeerId);

    /**
     * For the identify service: stores what the remote said on {@code connection}, completes
     * {@link Connection#identified()} and tells the listeners.
     */
    void peerIdentified(Connection connection, IdentifyInfo info);

    // ---- events and work

    void addListener(HostListener listener);

    void removeListener(HostListener listener);

    /** Runs a task on the host's worker threads (throws RejectedExecutionException once closed). */
    void execute(Runnable task);

    /**
     * Runs {@code action} (keep it short: close or reset something) after {@code delay} unless cancelled.
     * When the host is shutting down the action runs at once, so the guarded operation fails fast.
     */
    Deadline deadline(Runnable action, Duration delay);

    @Override
    void close();
}
