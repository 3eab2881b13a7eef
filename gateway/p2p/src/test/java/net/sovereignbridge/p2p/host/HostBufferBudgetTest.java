package net.sovereignbridge.p2p.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.ping.PingService;
import net.sovereignbridge.p2p.yamux.YamuxConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile peers open as many streams as they can and write without the host ever reading: the bytes the
 * host buffers (measured) stay under its budget, honest traffic on another connection still flows, and
 * once the inbound share is spent our own outbound streams still get a window.
 */
class HostBufferBudgetTest {
    static final String STALL = "/test/stall/1.0.0";
    static final int WINDOW = YamuxConfig.SPEC_INITIAL_WINDOW;
    static final long PER_CONNECTION = 4L * WINDOW;   // 1 MiB
    static final long TOTAL = 16L * WINDOW;           // 4 MiB, a quarter (1 MiB) kept for our own streams
    static final long INBOUND_SHARE = TOTAL - TOTAL / 4;

    final SecureRandom random = new SecureRandom();
    final CountDownLatch release = new CountDownLatch(1);
    final ExecutorService writers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-writer");
        t.setDaemon(true);
        return t;
    });
    final List<Libp2pHost> hostile = new ArrayList<>();
    Libp2pHost host;
    Libp2pHost honest;
    Connection honestConnection;
    long maxBufferedSeen;

    @BeforeEach
    void start() throws Exception {
        host = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(random), HostConfig.defaults().withBufferBudget(PER_CONNECTION, TOTAL));
        host.setHandler(StreamTools.ECHO, StreamTools::echo);
        host.setHandler(STALL, s -> { // negotiates, then never reads: everything sent stays buffered
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        honest = StreamTools.echoHost();
        honestConnection = connect(honest);
    }

    @AfterEach
    void stop() {
        release.countDown();
        writers.shutdownNow();
        for (Libp2pHost h : hostile) h.close();
        honest.close();
        host.close();
    }

    /** Connects and waits until both identify exchanges have ended, so no stream holds a window. */
    Connection connect(Libp2pHost client) throws Exception {
        long before = host.reservedReceiveWindow();
        int served = host.inboundStreamsServed();
        Connection c = client.dial(host.fullListenAddrs().get(0));
        // once the inbound share is spent the host refuses even the newcomer's identify stream
        c.identified().handle((info, refused) -> info).get(10, TimeUnit.SECONDS);
        HostBadInputTest.waitUntil(() -> host.inboundStreamsServed() == served && host.reservedReceiveWindow() == before,
                "identify streams ended");
        return c;
    }

    /** A new hostile peer at an address of its own (127.0.0.10, .11, ...) floods, as below. */
    int hostilePeerFloods() throws Exception {
        return hostilePeerFloods(HandshakeFloodTest.loopback(10 + hostile.size()));
    }

    /** A new hostile peer dialling from {@code from} opens stalled streams until refused and fills each; returns how many it got. */
    int hostilePeerFloods(java.net.InetAddress from) throws Exception {
        Libp2pHost h = HandshakeFloodTest.peerAt(from);
        hostile.add(h);
        Connection c = connect(h);
        int accepted = 0;
        for (int i = 0; i < 40; i++) {
            P2pStream s;
            try {
                s = c.newStream(List.of(STALL));
            } catch (IOException refused) {
                break;
            }
            accepted++;
            writers.execute(() -> {
                byte[] junk = new byte[64 * 1024];
                try {
                    while (true) s.output().write(junk); // blocks once the host's window is used up
                } catch (IOException ended) {
                    // the connection was closed at the end of the test
                }
            });
        }
        assertTrue(c.isOpen(), "only streams are refused, not the connection");
        return accepted;
    }

    /** Waits until the hostile writers have filled the windows they were granted; tracks the maximum. */
    void awaitBuffered(long atLeast) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long b;
        do {
            b = host.bufferedBytes();
            maxBufferedSeen = Math.max(maxBufferedSeen, b);
            assertTrue(b <= INBOUND_SHARE, "buffered " + b + " within the inbound share");
            if (b >= atLeast) return;
            Thread.sleep(20);
        } while (System.nanoTime() < end);
        throw new AssertionError("only " + b + " bytes buffered, expected at least " + atLeast);
    }

    static long filled(int streams) {
        // each stalled stream buffers its whole window but the few bytes of multistream-select the handler read
        return streams * (WINDOW - 1024L);
    }

    @Test
    void hostilePeersCannotBufferPastTheBudgetAndHonestTrafficFlows() throws Exception {
        // two hostile connections: each stops at its per-connection budget (4 windows)
        int a = hostilePeerFloods();
        int b = hostilePeerFloods();
        assertEquals(PER_CONNECTION / WINDOW, a);
        assertEquals(PER_CONNECTION / WINDOW, b);
        awaitBuffered(filled(a + b));

        // the honest connection, open all along, still pings and echoes 1 MiB intact
        assertTrue(PingService.ping(honest, host.peerId()).toMillis() < 5000);
        StreamTools.EchoResult echo = StreamTools.echoClient(honestConnection.newStream(List.of(StreamTools.ECHO)),
                1 << 20, 7);
        assertEquals(echo.sent(), echo.received());
        assertEquals(echo.sentSha256(), echo.receivedSha256());

        // more hostile connections until the inbound share (3 MiB) is spent: 12 streams in all, then none
        int c = hostilePeerFloods();
        int d = hostilePeerFloods();
        assertEquals(INBOUND_SHARE / WINDOW, a + b + c + d);
        assertEquals(0, d, "the fourth hostile peer finds the inbound share spent");
        awaitBuffered(filled(a + b + c + d));
        Thread.sleep(300); // let any excess arrive, if the bound were wrong
        maxBufferedSeen = Math.max(maxBufferedSeen, host.bufferedBytes());

        assertTrue(maxBufferedSeen <= INBOUND_SHARE, "buffered at most " + maxBufferedSeen + " <= " + INBOUND_SHARE);
        assertTrue(host.peakReservedReceiveWindow() <= TOTAL, "reserved at most " + host.peakReservedReceiveWindow());
        // an honest peer's new inbound stream is refused now (the budget is a hard bound) ...
        assertThrows(IOException.class, () -> PingService.ping(honest, host.peerId()));
        assertTrue(honestConnection.isOpen());
        // ... but our own requests still get a window from the part kept for outbound streams
        assertTrue(PingService.ping(host, honest.peerId()).toMillis() < 5000);

        // the hostile peers leave; what they sent is still buffered for the stalled handlers, so it stays
        // reserved (a peer cannot free its budget by hanging up and start again)
        for (Libp2pHost h : hostile) h.close();
        HostBadInputTest.waitUntil(() -> host.connections().size() == 1, "hostile connections closed");
        Thread.sleep(200);
        assertEquals(INBOUND_SHARE, host.reservedReceiveWindow(), "unread data keeps its reservation");
        // once the handlers end and drop their streams, every reservation comes back
        release.countDown();
        HostBadInputTest.waitUntil(() -> host.reservedReceiveWindow() == 0, "reservations released");
        assertTrue(PingService.ping(honest, host.peerId()).toMillis() < 5000);
        assertEquals(0, host.bufferedBytes());
    }

    @Test
    void oneAddressStopsAtItsShareAndOtherAddressesStillOpenStreams() throws Exception {
        long share = host.config().maxBufferedPerAddress();
        assertEquals(TOTAL / 4, share);
        java.net.InetAddress attacker = HandshakeFloodTest.loopback(50);
        // two identities at one address: together they get the address's share (4 windows), not 2 x 4
        int a = hostilePeerFloods(attacker);
        int b = hostilePeerFloods(attacker);
        assertEquals(share / WINDOW, a + b);
        assertEquals(0, b, "the second identity at the same address finds the share spent");
        awaitBuffered(filled(a + b));
        // another address still gets streams, and so does the honest peer (at 127.0.0.1)
        assertEquals(PER_CONNECTION / WINDOW, hostilePeerFloods(HandshakeFloodTest.loopback(51)));
        assertTrue(PingService.ping(honest, host.peerId()).toMillis() < 5000);
        StreamTools.EchoResult echo = StreamTools.echoClient(honestConnection.newStream(List.of(StreamTools.ECHO)), 1 << 20, 9);
        assertEquals(echo.sentSha256(), echo.receivedSha256());
    }
}
