package net.sovereignbridge.p2p.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.connmgr.ConnectionLimits;
import net.sovereignbridge.p2p.connmgr.HostBinding;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

class HandshakeFloodTest {
    /** Keeps {@code count} silent TCP connections from {@code source} open to {@code target}, reopening each the server closes. */
    static final class SilentFlood implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong opened = new AtomicLong();
        final Thread thread;

        SilentFlood(InetAddress source, InetSocketAddress target, int count) throws Exception {
            Selector selector = Selector.open();
            for (int i = 0; i < count; i++) open(selector, source, target);
            thread = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocate(4096);
                try (selector) {
                    while (running.get()) {
                        selector.select(100);
                        for (SelectionKey k : selector.selectedKeys()) {
                            SocketChannel ch = (SocketChannel) k.channel();
                            try {
                                if (k.isConnectable()) {
                                    ch.finishConnect();
                                    k.interestOps(SelectionKey.OP_READ);
                                } else if (k.isReadable()) {
                                    buf.clear();
                                    if (ch.read(buf) < 0) throw new java.io.IOException("closed");
                                }
                            } catch (java.io.IOException e) {
                                k.cancel();
                                try { ch.close(); } catch (java.io.IOException ignored) { }
                                if (running.get()) open(selector, source, target);
                            }
                        }
                        selector.selectedKeys().clear();
                    }
                    for (SelectionKey k : selector.keys()) k.channel().close();
                } catch (Exception e) {
                    // ends the flood
                }
            }, "host-silent-flood");
            thread.setDaemon(true);
            thread.start();
        }

        void open(Selector selector, InetAddress source, InetSocketAddress target) {
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.bind(new InetSocketAddress(source, 0));
                ch.connect(target);
                ch.register(selector, SelectionKey.OP_CONNECT);
                opened.incrementAndGet();
            } catch (java.io.IOException e) {
                // out of ports or descriptors: fewer connections
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }

    @Test
    void silentConnectionsFromOneAddressDoNotLockOutOthers() throws Exception {
        HostConfig cfg = HostBinding.hostConfig(ConnectionLimits.DEFAULT, HostConfig.defaults());
        try (Libp2pHost server = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new SecureRandom()), cfg);
                Libp2pHost honest = StreamTools.echoHost()) {
            Multiaddr bound = server.listen(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"));
            int port = Integer.parseInt(bound.components().get(1).valueText());
            try (SilentFlood flood = new SilentFlood(InetAddress.getByName("127.0.0.2"), new InetSocketAddress("127.0.0.1", port), 300)) {
                Thread.sleep(1500);
                long start = System.nanoTime();
                String error = null;
                try {
                    honest.dial(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port + "/p2p/" + server.peerId()));
                } catch (java.io.IOException e) {
                    error = e.getMessage();
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                System.out.println("flood opened " + flood.opened.get() + " connections; honest dial " + ms + " ms, error " + error);
                assertTrue(error == null && ms < 2000, "honest peer connected in " + ms + " ms: " + error);
            }
        }
    }
}
