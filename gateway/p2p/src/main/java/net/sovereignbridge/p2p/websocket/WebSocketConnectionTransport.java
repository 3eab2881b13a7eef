package net.sovereignbridge.p2p.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Consumer;
import net.sovereignbridge.p2p.host.ConnectionTransport;
import net.sovereignbridge.p2p.host.HandshakeBudget;
import net.sovereignbridge.p2p.host.RawConnection;
import net.sovereignbridge.p2p.host.RemoteAddress;
import net.sovereignbridge.p2p.host.TcpConnectionTransport;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's {@code /ws} transport: a {@link WebSocketConnection}'s byte-stream view as the raw
 * connection the host upgrades (multistream, Noise, yamux inside binary messages, as js-libp2p does).
 * Each inbound opening handshake runs on a thread of its own, at most {@link #MAX_HANDSHAKING} at once,
 * so a slow client holds up only itself, shared out per remote address by a {@link HandshakeBudget}
 * (a quarter per address, a quarter kept for addresses with none pending, the slowest evicted when
 * full) so that silent sockets from one address cannot keep others out; a refused socket is closed
 * at once (logged). The libp2p upgrade that follows has the host's own budget.
 */
public final class WebSocketConnectionTransport implements ConnectionTransport {
    public static final int MAX_HANDSHAKING = 32;
    /** The opening handshake's read timeout (also the dial timeout of the listener's transport). */
    static final int HANDSHAKE_TIMEOUT_MS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(WebSocketConnectionTransport.class);

    private final WebSocketConnector ws;
    private final WebSocketLimits limits;
    private final SecureRandom random;

    public WebSocketConnectionTransport(WebSocketLimits limits, SecureRandom random) {
        this.limits = limits;
        this.random = random;
        this.ws = new WebSocketConnector(limits, random, HANDSHAKE_TIMEOUT_MS);
    }

    public WebSocketConnectionTransport() {
        this(WebSocketLimits.DEFAULT, new SecureRandom());
    }

    @Override
    public boolean canDial(Multiaddr addr) {
        return WebSocketConnector.handles(addr) && addr.equals(addr.withoutPeerId());
    }

    @Override
    public boolean canListen(Multiaddr addr) {
        return canDial(addr) && (addr.first(Multiaddr.Protocol.IP4) != null || addr.first(Multiaddr.Protocol.IP6) != null);
    }

    @Override
    public RawConnection dial(Multiaddr addr, int timeoutMs) throws IOException {
        try {
            WebSocketConnector t = new WebSocketConnector(limits, random, timeoutMs);
            return new WsRaw(t.dial(addr));
        } catch (MultiaddrException e) {
            throw new IOException("WebSocket dial " + addr + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Listener listen(Multiaddr addr, Consumer<RawConnection> accepted) throws IOException {
        WebSocketConnector.Listener listener;
        try {
            listener = ws.listen(addr);
        } catch (MultiaddrException e) {
            throw new IOException("cannot listen on " + addr + ": " + e.getMessage(), e);
        }
        Multiaddr bound = listener.address();
        HandshakeBudget handshaking = new HandshakeBudget(
                HandshakeBudget.Limits.of(MAX_HANDSHAKING, Duration.ofMillis(HANDSHAKE_TIMEOUT_MS)));
        Thread acceptor = new Thread(() -> {
            while (true) {
                Socket s;
                try {
                    s = listener.acceptSocket();
                } catch (IOException e) {
                    if (listener.isClosed()) return;
                    // E.g. out of file descriptors: keep listening, without spinning.
                    log.warn("WebSocket listener {}: accept failed: {}", bound, e.getMessage());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    continue;
                }
                HandshakeBudget.Ticket ticket;
                try {
                    ticket = handshaking.admit(RemoteAddress.shareKey(s.getInetAddress()), s);
                } catch (HandshakeBudget.RefusedException e) {
                    log.warn("WebSocket listener {}: refusing {}: {}", bound, s.getRemoteSocketAddress(), e.getMessage());
                    closeQuietly(s);
                    continue;
                }
                Thread t = new Thread(() -> {
                    try {
                        accepted.accept(new WsRaw(listener.handshake(s)));
                    } catch (IOException | RuntimeException e) {
                        // WebSocketConnection.accept logged the reason and closed the socket.
                        closeQuietly(s);
                    } finally {
                        ticket.close();
                    }
                }, "p2p-ws-handshake-" + s.getPort());
                t.setDaemon(true);
                t.start();
            }
        }, "p2p-ws-accept-" + bound.components().get(1).valueText());
        acceptor.setDaemon(true);
        acceptor.start();
        return Listener.of(bound, listener::close);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already gone.
        }
    }

    static Multiaddr wsAddress(InetAddress ip, int port) {
        try {
            return TcpConnectionTransport.toMultiaddr(ip, port).with(Multiaddr.Protocol.WS, new byte[0]);
        } catch (MultiaddrException e) {
            throw new IllegalStateException("socket address does not form a multiaddr: " + ip, e);
        }
    }

    /** The byte-stream view of a WebSocket connection. */
    private static final class WsRaw implements RawConnection {
        private final WebSocketConnection ws;
        private final Multiaddr remote;
        private final Multiaddr local;

        WsRaw(WebSocketConnection ws) {
            this.ws = ws;
            Socket s = ws.socket();
            this.remote = wsAddress(s.getInetAddress(), s.getPort());
            this.local = wsAddress(s.getLocalAddress(), s.getLocalPort());
        }

        @Override
        public InputStream input() {
            return ws.inputStream();
        }

        @Override
        public OutputStream output() {
            return ws.outputStream();
        }

        @Override
        public Multiaddr remoteAddr() {
            return remote;
        }

        @Override
        public Multiaddr localAddr() {
            return local;
        }

        /**
         * Sends our close frame and closes the socket at once: the host closes raw connections to unblock
         * readers (handshake timeouts) and after the muxer has ended, so waiting for the peer's close frame
         * would only delay it.
         */
        @Override
        public void close() {
            ws.closeNow(CloseCodes.NORMAL, "");
        }
    }
}
