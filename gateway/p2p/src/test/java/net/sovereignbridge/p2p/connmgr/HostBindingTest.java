package net.sovereignbridge.p2p.connmgr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.StreamTools;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection limits as the host applies them, sbridge to sbridge over /ws on loopback. */
@Timeout(60)
class HostBindingTest {
    @Test
    void defaultLimitsGiveSixteenStreamsOfOneWindowEachWithinFourMebibytes() {
        HostConfig c = HostBinding.hostConfig(ConnectionLimits.DEFAULT, HostConfig.defaults());
        assertEquals(64 + 32, c.maxConnections());
        assertEquals(16, c.yamux().maxStreams()); // 4 MiB / 256 KiB windows, below the 256-stream limit
        assertTrue((long) c.yamux().maxStreams() * c.yamux().initialWindow() <= ConnectionLimits.DEFAULT.maxBufferedPerConnection());
        assertEquals(16, c.maxPendingUpgrades());
        assertEquals(4L << 20, c.maxBufferedPerConnection());
        assertEquals(32L << 20, c.maxBufferedTotal());
    }

    @Test
    void streamsPastThePerConnectionLimitAreRefusedAndAdmittedAgainWhenOneCloses() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(4, 4, 2, 4, 3, 4L << 20, 8L << 20);
        try (Libp2pHost server = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new SecureRandom()),
                        HostBinding.hostConfig(limits, HostConfig.defaults()));
                Libp2pHost client = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults());
                ConnectionManager manager = new ConnectionManager(limits, Backoff.DEFAULT, null, new Random(2))) {
            HostBinding binding = HostBinding.attach(server, manager, null);
            server.setHandler(StreamTools.ECHO, StreamTools::echo);
            Multiaddr addr = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
            client.dial(server.fullListenAddrs().get(0)).identified().get(10, java.util.concurrent.TimeUnit.SECONDS);
            // Identify runs on streams too (the client's request is inbound at the server): let those end first.
            long quiet = System.currentTimeMillis() + 10_000;
            while ((server.connections().isEmpty() || server.connections().get(0).activeStreams() > 0)
                    && System.currentTimeMillis() < quiet) {
                Thread.sleep(20);
            }
            assertEquals(0, server.connections().get(0).activeStreams());
            List<P2pStream> open = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                P2pStream s = client.newStream(server.peerId(), List.of(StreamTools.ECHO));
                s.output().write(new byte[] {(byte) i});
                s.output().flush();
                assertArrayEquals(new byte[] {(byte) i}, s.input().readNBytes(1)); // its handler is running
                open.add(s);
            }
            assertThrows(IOException.class, () -> {
                try (P2pStream fourth = client.newStream(server.peerId(), List.of(StreamTools.ECHO))) {
                    fourth.output().write(1);
                    fourth.output().flush();
                    if (fourth.input().read() < 0) throw new IOException("stream ended");
                }
            });
            open.remove(0).close();
            long end = System.currentTimeMillis() + 10_000;
            P2pStream again = null;
            while (again == null && System.currentTimeMillis() < end) {
                try {
                    again = client.newStream(server.peerId(), List.of(StreamTools.ECHO));
                } catch (IOException stillCounted) {
                    Thread.sleep(50); // the closed stream's slot is freed once both sides have closed it
                }
            }
            assertTrue(again != null, "a stream was admitted after one closed");
            again.output().write(9);
            again.output().flush();
            assertEquals(9, again.input().read());
            assertEquals(1, manager.connections().size());
            assertTrue(binding.accountOf(server.connections().get(0)) != null);
            assertTrue(addr.toString().endsWith("/ws"));
        }
    }
}
