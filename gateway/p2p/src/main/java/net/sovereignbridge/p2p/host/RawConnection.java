package net.sovereignbridge.p2p.host;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * A transport connection before the upgrade (TCP socket, later a WebSocket): an ordered, reliable,
 * unsecured byte stream. Closing it must unblock a thread reading from it, which is how the host
 * enforces its handshake timeouts.
 */
public interface RawConnection extends Closeable {
    InputStream input();

    OutputStream output();

    /** The remote end as a multiaddr without /p2p, e.g. /ip4/127.0.0.1/tcp/50123. */
    Multiaddr remoteAddr();

    Multiaddr localAddr();
}
