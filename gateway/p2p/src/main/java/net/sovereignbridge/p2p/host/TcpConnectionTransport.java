package net.sovereignbridge.p2p.host;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.function.Consumer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain TCP: /ip4|ip6|dns*\/.../tcp/PORT, blocking sockets (docs/decisions.md: blocking I/O). Dials
 * from any local address, or from one given address (a host with several addresses, and tests that play
 * peers at different addresses on one machine).
 */
public final class TcpConnectionTransport implements ConnectionTransport {
    private static final Logger log = LoggerFactory.getLogger(TcpConnectionTransport.class);

    private final InetAddress dialFrom;

    /** Dials from whatever local address the system picks. */
    public TcpConnectionTransport() {
        this(null);
    }

    /** Dials from {@code dialFrom} (port chosen by the system), or as the system picks when null. */
    public TcpConnectionTransport(InetAddress dialFrom) {
        this.dialFrom = dialFrom;
    }

    @Override
    public boolean canDial(Multiaddr addr) {
        var c = addr.components();
        return c.size() == 2 && isHost(c.get(0).protocol()) && c.get(1).protocol() == Multiaddr.Protocol.TCP;
    }

    @Override
    public boolean canListen(Multiaddr addr) {
        var c = addr.components();
        return c.size() == 2 && (c.get(0).protocol() == Multiaddr.Protocol.IP4 || c.get(0).protocol() == Multiaddr.Protocol.IP6)
                && c.get(1).protocol() == Multiaddr.Protocol.TCP;
    }

    private static boolean isHost(Multiaddr.Protocol p) {
        return switch (p) {
            case IP4, IP6, DNS, DNS4, DNS6 -> true;
            default -> false;
        };
    }

    @Override
    public RawConnection dial(Multiaddr addr, int timeoutMs) throws IOException {
        if (!canDial(addr)) throw new IOException("not a TCP address: " + addr);
        var c = addr.components();
        String host = c.get(0).valueText();
        int port = Integer.parseInt(c.get(1).valueText());
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            if (dialFrom != null) s.bind(new InetSocketAddress(dialFrom, 0));
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            return new TcpConnection(s);
        } catch (IOException e) {
            s.close();
            throw new IOException("TCP dial " + addr + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Listener listen(Multiaddr addr, Consumer<RawConnection> accepted) throws IOException {
        if (!canListen(addr)) throw new IOException("cannot listen on " + addr + " with TCP");
        var c = addr.components();
        InetAddress ip = InetAddress.getByAddress(c.get(0).value());
        int port = Integer.parseInt(c.get(1).valueText());
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(ip, port), 128);
        Multiaddr bound = toMultiaddr(server.getInetAddress(), server.getLocalPort());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    accepted.accept(new TcpConnection(s));
                } catch (SocketException e) {
                    if (!server.isClosed()) log.warn("TCP listener {}: {}", bound, e.getMessage());
                } catch (IOException | RuntimeException e) {
                    log.warn("TCP listener {}: accept failed: {}", bound, e.toString());
                }
            }
        }, "p2p-tcp-accept-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
        return Listener.of(bound, server);
    }

    /** /ip4/A/tcp/P or /ip6/A/tcp/P of a socket address (an IPv6 zone id is dropped). */
    public static Multiaddr toMultiaddr(InetAddress ip, int port) {
        try {
            Multiaddr.Protocol p = ip.getAddress().length == 4 ? Multiaddr.Protocol.IP4 : Multiaddr.Protocol.IP6;
            return Multiaddr.parse("/" + p.text + "/" + ip.getHostAddress().replaceAll("%.*$", "") + "/tcp/" + port);
        } catch (MultiaddrException e) {
            throw new IllegalStateException("socket address does not form a multiaddr: " + ip, e);
        }
    }

    private static final class TcpConnection implements RawConnection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final Multiaddr remote;
        private final Multiaddr local;

        TcpConnection(Socket socket) throws IOException {
            this.socket = socket;
            // buffered: multistream reads byte by byte; Noise then reads whole frames from the same buffer
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
            this.remote = toMultiaddr(socket.getInetAddress(), socket.getPort());
            this.local = toMultiaddr(socket.getLocalAddress(), socket.getLocalPort());
        }

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public Multiaddr remoteAddr() {
            return remote;
        }

        @Override
        public Multiaddr localAddr() {
            return local;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
