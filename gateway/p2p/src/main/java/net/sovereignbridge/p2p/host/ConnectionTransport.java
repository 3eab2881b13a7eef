package net.sovereignbridge.p2p.host;

import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * How the host reaches peers and is reached: raw byte-stream connections over TCP, WebSocket and, later,
 * relayed circuits. Not a mesh transport ({@code mesh.transport.Transport} carries mesh frames; the
 * overlay's mesh transport is {@code p2p.mesh.MeshOverlayTransport}): the host does the libp2p upgrade
 * (multistream, Noise, yamux) on whatever raw connection a connection transport hands it. Given to the
 * host by {@link Libp2pHost.Builder#transport}; tried in that order.
 */
public interface ConnectionTransport {
    /**
     * Whether this transport dials that address (given without its trailing /p2p, except a relayed
     * address, {@code <relay>/p2p-circuit/p2p/<target>}, whose trailing /p2p names the target).
     */
    boolean canDial(Multiaddr addr);

    boolean canListen(Multiaddr addr);

    RawConnection dial(Multiaddr addr, int timeoutMs) throws IOException;

    /**
     * Starts listening; {@code accepted} is called on the transport's accept thread for each inbound
     * connection and must return quickly (the host hands the upgrade to its own thread).
     */
    Listener listen(Multiaddr addr, Consumer<RawConnection> accepted) throws IOException;

    /** A running listener; {@link #address()} has the bound port (never 0). */
    interface Listener extends Closeable {
        Multiaddr address();

        /** A listener bound at {@code address} that {@code closer} stops. */
        static Listener of(Multiaddr address, Closeable closer) {
            return new Listener() {
                @Override
                public Multiaddr address() {
                    return address;
                }

                @Override
                public void close() throws IOException {
                    closer.close();
                }
            };
        }
    }
}
