package net.sovereignbridge.app.nodeguard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;
import net.sovereignbridge.app.transport.lan.LanTransport;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.TransportManager;

/**
 * A real node for attack tests: its own identity, SQLite on disk, the LAN transport on a UDP port of
 * 127.0.0.1 with static peers and no multicast (each test's nodes hear only each other and the attacker).
 */
final class LanNode implements AutoCloseable {
    final NodeIdentity identity;
    final int port;
    final Database db;
    final TransportManager transports = new TransportManager();
    final LanTransport lan;
    final Node node;

    private LanNode(Path dir, NodeIdentity identity, int port, List<Integer> peerPorts, Node.Options options)
            throws SQLException {
        this.identity = identity;
        this.port = port;
        this.db = Database.open(dir);
        List<InetSocketAddress> peers = peerPorts.stream()
                .map(p -> new InetSocketAddress(InetAddress.getLoopbackAddress(), p)).toList();
        this.lan = new LanTransport("lan", new LanTransport.Options("127.0.0.1", port, "239.255.77.77", 4243,
                List.of(), peers, false));
        transports.add(lan);
        this.node = new Node(identity, db, transports, options, Clock.systemUTC());
    }

    /** Started: its announce goes to every static peer at once. */
    static LanNode start(Path dir, int port, List<Integer> peerPorts, Node.Options options) throws SQLException {
        LanNode n = create(dir, NodeIdentity.generate(new SecureRandom()), port, peerPorts, options);
        n.node.start();
        return n;
    }

    /** Not started yet (a test may prepare its state, or restart a node on its old directory and identity). */
    static LanNode create(Path dir, NodeIdentity identity, int port, List<Integer> peerPorts, Node.Options options)
            throws SQLException {
        return new LanNode(dir, identity, port, peerPorts, options);
    }

    /** Retries within a second, as a test needs; everything else the defaults. */
    static Node.Options fastRetries() {
        return Node.Options.defaults().withTimers(300, 1_000, 100);
    }

    /** How a datagram from this node's port appears to another node. */
    Endpoint endpoint() {
        return new Endpoint("lan", "127.0.0.1:" + port);
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            Thread.sleep(10);
        }
    }

    /** Both know each other's key (announces heard) and each other as a direct neighbour. */
    static void awaitAcquainted(LanNode a, LanNode b) throws InterruptedException {
        await("a and b to learn each other", 20, () -> a.node.peers().key(b.node.address()).isPresent()
                && b.node.peers().key(a.node.address()).isPresent()
                && a.node.nextHopFor(b.node.address()).isPresent() && b.node.nextHopFor(a.node.address()).isPresent());
    }

    @Override
    public void close() throws Exception {
        node.close();
        db.close();
    }

    /** Everything written to standard error while open (slf4j-simple's log), still passed through. */
    static final class CapturedLog implements AutoCloseable {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

        CapturedLog() {
            OutputStream tee = new OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (captured) {
                        captured.write(b);
                    }
                    original.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    synchronized (captured) {
                        captured.write(b, off, len);
                    }
                    original.write(b, off, len);
                }
            };
            System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
        }

        List<String> lines() {
            synchronized (captured) {
                return captured.toString(StandardCharsets.UTF_8).lines().toList();
            }
        }

        @Override
        public void close() {
            System.setErr(original);
        }
    }
}
