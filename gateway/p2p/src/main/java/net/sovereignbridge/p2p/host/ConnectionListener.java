package net.sovereignbridge.p2p.host;

import net.sovereignbridge.p2p.identify.IdentifyInfo;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/** Connection events, for a peer store or connection manager; called on host threads, must not block. */
public interface ConnectionListener {
    default void connected(Connection connection) {}

    /** Identify finished on that connection (also after an identify push). */
    default void identified(Connection connection, IdentifyInfo info) {}

    default void disconnected(Connection connection, String reason) {}

    /** A connection failed during its upgrade (bad handshake, wrong PeerId, timeout) and was closed. */
    default void upgradeFailed(Multiaddr remote, boolean outbound, String reason) {}
}
