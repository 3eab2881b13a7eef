package net.sovereignbridge.p2p.host;

import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * A way to reach peers (TCP here; WebSocket is added through {@link Libp2pHost#addTransport}). The host
 * does the libp2p upgrade (multistream, Noise, yamux) on whatever raw connection a transport hands it.
 */
public interface Transport {
    /** Whether this transport dials that address (given without its trailing /p2p). */
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
