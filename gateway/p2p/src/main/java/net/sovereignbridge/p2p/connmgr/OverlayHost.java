package net.sovereignbridge.p2p.connmgr;

import java.io.IOException;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * The one thing the connection manager asks of the libp2p host, so it does not depend on the host's
 * internals. The host in turn reports every established and ended connection to
 * {@link ConnectionManager#onConnected} and {@link ConnectionManager#onDisconnected}.
 */
public interface OverlayHost {
    /**
     * Dials the address (with its /p2p suffix, so the host checks the PeerId in the security
     * handshake) and returns once the connection is up and reported, or throws naming why not.
     */
    void dial(Multiaddr address) throws IOException;
}
