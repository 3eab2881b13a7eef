package net.sovereignbridge.p2p.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.connection.SecureDuplex;
import net.sovereignbridge.p2p.noise.NoiseException;
import net.sovereignbridge.p2p.noise.NoiseSecureChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Yamux on our Noise channel over loopback TCP: the stack a libp2p connection uses. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class YamuxOverNoiseTest {
    private final SecureRandom random = new SecureRandom();

    /** Test-only adapter; the connection upgrader has its own. */
    private record NoiseDuplex(NoiseSecureChannel ch, Socket socket) implements SecureDuplex {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                ch.write(b, off, len);
            } catch (NoiseException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public byte[] read() throws IOException {
            try {
                return ch.read();
            } catch (java.io.EOFException e) {
                return null;
            } catch (NoiseException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void eightStreamsOfOneMebibyteEchoedOverNoiseOverTcp() throws Exception {
        NodeIdentity server = NodeIdentity.generate(random);
        NodeIdentity client = NodeIdentity.generate(random);
        ExecutorService pool = Executors.newCachedThreadPool();
        BlockingQueue<YamuxStream> inbound = new LinkedBlockingQueue<>();
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<YamuxSession> serverSession = CompletableFuture.supplyAsync(() -> {
                try {
                    Socket s = ss.accept();
                    NoiseSecureChannel ch = NoiseSecureChannel.accept(s.getInputStream(), s.getOutputStream(), server, random);
                    return new YamuxSession(new NoiseDuplex(ch, s), false, YamuxConfig.defaults(), inbound::add);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, pool);
            Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
            NoiseSecureChannel ch = NoiseSecureChannel.dial(c.getInputStream(), c.getOutputStream(), client,
                    PeerId.toBytes(server.publicIdentity().publicKey()), random);
            YamuxSession a = new YamuxSession(new NoiseDuplex(ch, c), true, YamuxConfig.defaults(), st -> st.reset());
            YamuxSession b = serverSession.get(20, TimeUnit.SECONDS);
            a.start();
            b.start();
            // the server echoes every stream
            pool.submit(() -> {
                while (true) {
                    YamuxStream st = inbound.take();
                    pool.submit(() -> {
                        st.input().transferTo(st.output());
                        st.closeWrite();
                        return null;
                    });
                }
            });
            int size = 1 << 20;
            List<byte[]> sent = new ArrayList<>();
            List<Future<byte[]>> echoed = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] data = new byte[size];
                new Random(i).nextBytes(data);
                sent.add(data);
                YamuxStream st = a.openStream();
                pool.submit(() -> {
                    st.output().write(data);
                    st.closeWrite();
                    return null;
                });
                echoed.add(pool.submit(() -> st.input().readAllBytes()));
            }
            for (int i = 0; i < 8; i++) assertArrayEquals(sent.get(i), echoed.get(i).get(), "stream " + i);
            Duration rtt = a.ping().get(10, TimeUnit.SECONDS);
            assertNotNull(rtt);
            a.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!b.isClosed() && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(b.isClosed(), "the server session ends with the connection");
        } finally {
            pool.shutdownNow();
        }
    }
}
