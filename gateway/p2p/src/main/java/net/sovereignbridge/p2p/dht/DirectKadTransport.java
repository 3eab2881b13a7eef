package net.sovereignbridge.p2p.dht;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.multistream.MultistreamException;
import net.sovereignbridge.p2p.multistream.MultistreamSelect;
import net.sovereignbridge.p2p.noise.NoiseException;
import net.sovereignbridge.p2p.noise.NoiseSecureChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interim kad transport of the daemon, until the libp2p host (yamux, identify) is merged: one TCP
 * connection per kad stream, secured by the libp2p Noise handshake (the remote's PeerId is checked when we
 * dial and learned when we accept), then multistream-select of the kad protocol inside Noise.
 *
 * <p>Wire order on each connection: multistream-select {@code /noise}; Noise XX; one Noise message from the
 * dialer, the "hello" (1 byte flags, bit 0 = server mode; then a count byte and that many
 * uvarint-length-prefixed binary multiaddrs it listens on, at most 16 of at most 256 bytes), which stands
 * in for identify; multistream-select of {@code /sbridge/kad/1.0.0}; kad messages (docs/dht.md). It is not
 * libp2p-interoperable (no yamux, no identify) and talks only to other sbridge daemons.
 *
 * <p>Limits: at most {@link #MAX_INBOUND} inbound connections at once (further ones are closed at once),
 * 10 s for the handshake, 60 s of silence ends a connection.
 */
public final class DirectKadTransport implements KadTransport {
    public static final String NOISE = "/noise";
    static final int MAX_INBOUND = 64;
    static final int HANDSHAKE_TIMEOUT_MS = 10_000;
    static final int IDLE_TIMEOUT_MS = 60_000;
    static final int CONNECT_TIMEOUT_MS = 3_000;
    private static final Logger log = LoggerFactory.getLogger(DirectKadTransport.class);

    private final NodeIdentity identity;
    private final ServerSocket server;
    private final List<byte[]> listenAddrs;
    private final SecureRandom random = new SecureRandom();
    private final Semaphore inbound = new Semaphore(MAX_INBOUND);
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kad-in");
        t.setDaemon(true);
        return t;
    });
    private volatile KademliaDht dht;
    private volatile boolean closed;

    /**
     * Binds the listening socket.
     *
     * @param announce addresses to tell others (public address, port mapping); empty = the bound address,
     *     or for a wildcard bind the addresses of the host's up, non-loopback interfaces (loopback if none)
     */
    public DirectKadTransport(NodeIdentity identity, InetSocketAddress bind, List<byte[]> announce) throws IOException {
        this.identity = identity;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 128);
        this.listenAddrs = announce.isEmpty() ? boundAddrs(server) : List.copyOf(announce);
    }

    @Override
    public List<byte[]> listenAddrs() {
        return listenAddrs.stream().map(byte[]::clone).toList();
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void serve(KademliaDht dht) {
        this.dht = dht;
        Thread acceptor = new Thread(this::acceptLoop, "kad-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    // ------------------------------------------------------------------ outbound

    @Override
    public StreamDhtNetwork.KadStream open(DhtPeer peer, String protocol) throws IOException {
        IOException last = null;
        for (InetSocketAddress to : socketAddresses(peer.addrs())) {
            Socket s = new Socket();
            try {
                s.connect(to, CONNECT_TIMEOUT_MS);
                s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
                s.setTcpNoDelay(true);
                InputStream rawIn = s.getInputStream();
                OutputStream rawOut = s.getOutputStream();
                MultistreamSelect.select(rawIn, rawOut, List.of(NOISE));
                NoiseSecureChannel ch = NoiseSecureChannel.dial(rawIn, rawOut, identity, peer.id(), random);
                NoiseIn in = new NoiseIn(ch);
                NoiseOut out = new NoiseOut(ch);
                out.write(hello());
                out.flush();
                MultistreamSelect.select(in, out, List.of(protocol));
                s.setSoTimeout(IDLE_TIMEOUT_MS);
                return new SocketStream(s, in, out);
            } catch (IOException e) {
                s.close();
                last = e;
            } catch (NoiseException | MultistreamException e) {
                s.close();
                last = new IOException(to + ": " + e.getMessage(), e);
            }
        }
        throw last != null ? last : new IOException("no TCP address for " + peer);
    }

    private byte[] hello() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        KademliaDht d = dht;
        b.write(d != null && d.serverMode() && !listenAddrs.isEmpty() ? 1 : 0);
        b.write(listenAddrs.size());
        for (byte[] a : listenAddrs) {
            UnsignedVarint.write(a.length, b);
            b.writeBytes(a);
        }
        return b.toByteArray();
    }

    /** The dialable TCP addresses among binary multiaddrs (ip4/ip6/dns*, then tcp); others are skipped. */
    static List<InetSocketAddress> socketAddresses(List<byte[]> addrs) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (byte[] a : addrs) {
            try {
                List<Multiaddr.Component> c = Multiaddr.decode(a).components();
                if (c.size() < 2 || c.get(1).protocol() != Multiaddr.Protocol.TCP) continue;
                int port = Integer.parseInt(c.get(1).valueText());
                switch (c.get(0).protocol()) {
                    case IP4, IP6 -> out.add(new InetSocketAddress(InetAddress.getByAddress(c.get(0).value()), port));
                    case DNS, DNS4, DNS6 -> out.add(InetSocketAddress.createUnresolved(c.get(0).valueText(), port));
                    default -> { }
                }
            } catch (MultiaddrException | IOException | NumberFormatException e) {
                // a peer's address we cannot use: try the next
            }
        }
        return out.stream().map(s -> s.isUnresolved() ? new InetSocketAddress(s.getHostString(), s.getPort()) : s)
                .filter(s -> !s.isUnresolved()).toList();
    }

    // ------------------------------------------------------------------ inbound

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) log.warn("kad listener: {}", e.getMessage());
                return;
            }
            if (!inbound.tryAcquire()) {
                log.debug("kad listener: {} inbound connections already, closing one from {}", MAX_INBOUND,
                        s.getRemoteSocketAddress());
                closeQuietly(s);
                continue;
            }
            try {
                workers.execute(() -> {
                    try {
                        serveConnection(s);
                    } finally {
                        inbound.release();
                        closeQuietly(s);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                inbound.release();
                closeQuietly(s);
            }
        }
    }

    private void serveConnection(Socket s) {
        try {
            s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            InputStream rawIn = s.getInputStream();
            OutputStream rawOut = s.getOutputStream();
            MultistreamSelect.handle(rawIn, rawOut, List.of(NOISE));
            NoiseSecureChannel ch = NoiseSecureChannel.accept(rawIn, rawOut, identity, random);
            byte[] peerId = PeerId.toBytes(ch.remoteIdentityKey());
            NoiseIn in = new NoiseIn(ch);
            NoiseOut out = new NoiseOut(ch);
            Hello hello = readHello(in);
            MultistreamSelect.handle(in, out, List.of(KadStreams.SBRIDGE));
            s.setSoTimeout(IDLE_TIMEOUT_MS);
            KadStreams.serve(dht, new DhtPeer(peerId, hello.addrs), hello.server, in, out);
        } catch (IOException | NoiseException | MultistreamException | RuntimeException e) {
            log.debug("kad connection from {} ended: {}", s.getRemoteSocketAddress(), e.toString());
        }
    }

    record Hello(boolean server, List<byte[]> addrs) {}

    static Hello readHello(InputStream in) throws IOException {
        int flags = in.read();
        int n = in.read();
        if (flags < 0 || n < 0) throw new EOFException("connection ended before the hello");
        if (n > SignedRecords.MAX_ADDRS) throw new IOException("hello lists " + n + " addresses (at most 16)");
        List<byte[]> addrs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long len = readUvarint(in);
            if (len > SignedRecords.MAX_ADDR_BYTES) throw new IOException("hello address of " + len + " bytes");
            byte[] a = in.readNBytes((int) len);
            if (a.length != len) throw new EOFException("connection ended inside the hello");
            addrs.add(a);
        }
        return new Hello((flags & 1) != 0, addrs);
    }

    private static long readUvarint(InputStream in) throws IOException {
        long v = 0;
        for (int i = 0; i < 3; i++) { // 256 fits in 2 bytes; a third is already too long
            int b = in.read();
            if (b < 0) throw new EOFException("connection ended inside the hello");
            v |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) return v;
        }
        throw new IOException("hello address length prefix too long");
    }

    // ------------------------------------------------------------------ plumbing

    private static List<byte[]> boundAddrs(ServerSocket server) throws IOException {
        InetAddress bound = server.getInetAddress();
        int port = server.getLocalPort();
        List<InetAddress> hosts = new ArrayList<>();
        if (!bound.isAnyLocalAddress()) {
            hosts.add(bound);
        } else {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback()) continue;
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a.isLinkLocalAddress()) continue;
                    if (bound instanceof Inet6Address || a instanceof Inet4Address) hosts.add(a);
                }
            }
            if (hosts.isEmpty()) hosts.add(InetAddress.getLoopbackAddress());
        }
        List<byte[]> out = new ArrayList<>();
        for (InetAddress h : hosts) {
            if (out.size() == SignedRecords.MAX_ADDRS) break;
            String proto = h instanceof Inet6Address ? "ip6" : "ip4";
            String text = h.getHostAddress();
            int zone = text.indexOf('%');
            if (zone >= 0) text = text.substring(0, zone);
            try {
                out.add(Multiaddr.parse("/" + proto + "/" + text + "/tcp/" + port).toBytes());
            } catch (MultiaddrException e) {
                throw new IOException("cannot express " + h + " as a multiaddr: " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // shutting down
        }
        workers.shutdownNow();
    }

    private record SocketStream(Socket socket, InputStream in, OutputStream out) implements StreamDhtNetwork.KadStream {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Decrypted Noise messages as a byte stream; a clean close between messages reads as end of stream. */
    static final class NoiseIn extends InputStream {
        private final NoiseSecureChannel channel;
        private byte[] buf = new byte[0];
        private int pos;
        private boolean eof;

        NoiseIn(NoiseSecureChannel channel) {
            this.channel = channel;
        }

        private boolean fill() throws IOException {
            while (pos == buf.length) {
                if (eof) return false;
                try {
                    buf = channel.read();
                    pos = 0;
                } catch (EOFException | SocketException e) {
                    eof = true;
                    return false;
                } catch (NoiseException e) {
                    throw new IOException("Noise: " + e.getMessage(), e);
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? buf[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!fill()) return -1;
            int n = Math.min(len, buf.length - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** Bytes written until flush() go out as Noise messages. */
    static final class NoiseOut extends OutputStream {
        private final NoiseSecureChannel channel;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        NoiseOut(NoiseSecureChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            pending.write(b);
            if (pending.size() >= NoiseSecureChannel.MAX_PLAINTEXT) flush();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            pending.write(b, off, len);
            if (pending.size() >= NoiseSecureChannel.MAX_PLAINTEXT) flush();
        }

        @Override
        public void flush() throws IOException {
            if (pending.size() == 0) return;
            byte[] data = pending.toByteArray();
            pending.reset();
            try {
                channel.write(data, 0, data.length);
            } catch (NoiseException e) {
                throw new IOException("Noise: " + e.getMessage(), e);
            }
        }
    }
}
