package net.sovereignbridge.p2p.host;

import java.util.List;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * The host's events, for services, the peer store and the connection manager. Called on the thread that
 * caused the event (a host worker, the caller of {@link Host#listen} or {@link Host#setReachability}); a
 * listener must return quickly and hand any blocking work to {@link Host#execute}. A listener that
 * throws is logged and the others still hear the event.
 */
public interface HostListener {
    /** A connection finished its upgrade (the remote's PeerId is verified). */
    default void connected(Connection connection) {}

    /** Identify finished on that connection (also after an identify push). */
    default void identified(Connection connection, IdentifyInfo info) {}

    default void disconnected(Connection connection, String reason) {}

    /** A connection failed during its upgrade (bad handshake, wrong PeerId, timeout) and was closed. */
    default void upgradeFailed(Multiaddr remote, boolean outbound, String reason) {}

    /** Our listen addresses changed (a listener was added); {@code addresses} are the new ones, without /p2p. */
    default void addressesChanged(List<Multiaddr> addresses) {}

    /** The protocols we serve changed (a handler was added or removed); the new list, sorted. */
    default void protocolsChanged(List<String> protocols) {}

    /** Our reachability changed, with who decided it and why (e.g. "configuration: p2p.announce is set"). */
    default void reachabilityChanged(Reachability reachability, String reason) {}
}
