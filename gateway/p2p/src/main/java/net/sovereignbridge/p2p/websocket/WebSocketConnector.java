package net.sovereignbridge.p2p.websocket;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.List;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.Multiaddr.Component;
import net.sovereignbridge.p2p.multiaddr.Multiaddr.Protocol;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;

/**
 * The libp2p {@code /ws} transport: {@code /ip4|ip6|dns|dns4|dns6/HOST/tcp/PORT/ws[/p2p/ID]}, the
 * WebSocket at path "/" of that TCP address (as js-libp2p's websockets transport dials and listens).
 */
public final class WebSocketConnector {
    private final WebSocketLimits limits;
    private final SecureRandom random;
    private final int connectTimeoutMs;

    public WebSocketConnector(WebSocketLimits limits, SecureRandom random, int connectTimeoutMs) {
        this.limits = limits;
        this.random = random;
        this.connectTimeoutMs = connectTimeoutMs;
    }

    public WebSocketConnector() {
        this(WebSocketLimits.DEFAULT, new SecureRandom(), 10_000);
    }

    /** Whether the address is one this transport dials (a /ws address, with or without /p2p). */
    public static boolean handles(Multiaddr address) {
        try {
            target(address);
            return true;
        } catch (MultiaddrException e) {
            return false;
        }
    }

    /** Host (as written in the address) and port of a /ws multiaddr. */
    record Target(String host, boolean ipv6, int port) {
        String hostHeader() {
            return (ipv6 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    static Target target(Multiaddr address) throws MultiaddrException {
        List<Component> c = address.withoutPeerId().components();
        if (c.size() != 3 || c.get(1).protocol() != Protocol.TCP || c.get(2).protocol() != Protocol.WS) {
            throw new MultiaddrException("not a WebSocket address (want /HOST/tcp/PORT/ws): " + address);
        }
        Protocol hp = c.get(0).protocol();
        if (hp != Protocol.IP4 && hp != Protocol.IP6 && hp != Protocol.DNS && hp != Protocol.DNS4 && hp != Protocol.DNS6) {
            throw new MultiaddrException("WebSocket address must start with ip4, ip6 or dns: " + address);
        }
        return new Target(c.get(0).valueText(), hp == Protocol.IP6, Integer.parseInt(c.get(1).valueText()));
    }

    public WebSocketConnection dial(Multiaddr address) throws IOException, MultiaddrException {
        Target t = target(address);
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(t.host(), t.port()), connectTimeoutMs);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
        return WebSocketConnection.connect(socket, t.hostHeader(), "/", limits, random);
    }

    /** Binds a listener; port 0 picks a free port ({@link Listener#address()} tells which). */
    public Listener listen(Multiaddr address) throws IOException, MultiaddrException {
        Target t = target(address);
        if (address.first(Protocol.IP4) == null && address.first(Protocol.IP6) == null) {
            throw new MultiaddrException("listen address must be ip4 or ip6: " + address);
        }
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getByName(t.host()), t.port()), 64);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        String ip = t.ipv6() ? "ip6" : "ip4";
        Multiaddr bound = Multiaddr.parse("/" + ip + "/" + t.host() + "/tcp/" + server.getLocalPort() + "/ws");
        return new Listener(server, bound);
    }

    /** A bound /ws listener. Handshakes run in {@link #handshake}, so a slow client delays only its own thread. */
    public final class Listener implements Closeable {
        private final ServerSocket server;
        private final Multiaddr address;

        private Listener(ServerSocket server, Multiaddr address) {
            this.server = server;
            this.address = address;
        }

        public Multiaddr address() {
            return address;
        }

        /** The next TCP connection, before the WebSocket handshake. */
        public Socket acceptSocket() throws IOException {
            Socket s = server.accept();
            s.setTcpNoDelay(true);
            return s;
        }

        /** The server side of the opening handshake on a socket from {@link #acceptSocket()}. */
        public WebSocketConnection handshake(Socket socket) throws IOException {
            return WebSocketConnection.accept(socket, limits, random);
        }

        /** Accept and handshake in the calling thread. */
        public WebSocketConnection accept() throws IOException {
            return handshake(acceptSocket());
        }

        public boolean isClosed() {
            return server.isClosed();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
