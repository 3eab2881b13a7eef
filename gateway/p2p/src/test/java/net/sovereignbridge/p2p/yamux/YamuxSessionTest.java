package net.sovereignbridge.p2p.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import net.sovereignbridge.p2p.connection.InMemoryDuplex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two of our sessions over an in-memory pipe pair (64 KiB per direction, so writers really block). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class YamuxSessionTest {
    private static final int WINDOW = YamuxConfig.SPEC_INITIAL_WINDOW;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final BlockingQueue<YamuxStream> inbound = new LinkedBlockingQueue<>();
    private final List<YamuxSession> sessions = new ArrayList<>();

    @AfterEach
    void tearDown() {
        sessions.forEach(YamuxSession::close);
        pool.shutdownNow();
    }

    private YamuxSession[] connected(YamuxConfig config) {
        InMemoryDuplex[] ends = InMemoryDuplex.pair(64 * 1024);
        YamuxSession a = new YamuxSession(ends[0], true, config, s -> fail("the responder opened a stream"));
        YamuxSession b = new YamuxSession(ends[1], false, config, inbound::add);
        sessions.add(a);
        sessions.add(b);
        a.start();
        b.start();
        return new YamuxSession[] {a, b};
    }

    private static int available(YamuxStream s) {
        try {
            return s.input().available();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void fail(String why) {
        throw new AssertionError(why);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void oneMebibyteEachWayOnEightConcurrentStreams() throws Exception {
        YamuxSession[] s = connected(YamuxConfig.defaults());
        int size = 1 << 20;
        List<Future<byte[]>> clientGot = new ArrayList<>();
        List<Future<byte[]>> serverGot = new ArrayList<>();
        List<YamuxStream> clientStreams = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            YamuxStream c = s[0].openStream();
            clientStreams.add(c);
            pool.submit(() -> {
                // odd write sizes so frames of different streams interleave at odd boundaries
                byte[] data = random(size, c.id());
                for (int off = 0; off < size; off += 7777) c.output().write(data, off, Math.min(7777, size - off));
                c.closeWrite();
                return null;
            });
            clientGot.add(pool.submit(() -> c.input().readAllBytes()));
        }
        for (int i = 0; i < 8; i++) {
            YamuxStream r = inbound.poll(20, TimeUnit.SECONDS);
            assertNotNull(r, "inbound stream " + i);
            pool.submit(() -> {
                r.output().write(random(size, 1000 + r.id()));
                r.closeWrite();
                return null;
            });
            serverGot.add(pool.submit(() -> {
                byte[] got = r.input().readAllBytes();
                assertArrayEquals(random(size, r.id()), got, "server side of stream " + r.id());
                return got;
            }));
        }
        for (Future<byte[]> f : serverGot) assertEquals(size, f.get().length);
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(random(size, 1000 + clientStreams.get(i).id()), clientGot.get(i).get(),
                    "client side of stream " + clientStreams.get(i).id());
        }
        // odd ids for the initiator, each used once
        assertEquals(List.of(1, 3, 5, 7, 9, 11, 13, 15), clientStreams.stream().map(YamuxStream::id).toList());
        waitFor(() -> s[0].activeStreams() == 0 && s[1].activeStreams() == 0, "streams freed after FIN both ways");
        assertFalse(s[0].isClosed());
    }

    @Test
    void concurrentWritersInterleaveWholeFramesOnTheWire() throws Exception {
        InMemoryDuplex[] ends = InMemoryDuplex.pair(64 * 1024);
        YamuxSession a = new YamuxSession(ends[0], true, YamuxConfig.defaults(), st -> { });
        sessions.add(a);
        a.start();
        YamuxFrameReader wire = new YamuxFrameReader(ends[1]::read, 1 << 20);
        int perStream = 200_000; // within the 256 KiB window: no updates needed
        List<YamuxStream> streams = new ArrayList<>();
        for (int k = 0; k < 4; k++) streams.add(a.openStream());
        for (YamuxStream st : streams) {
            pool.submit(() -> {
                byte[] chunk = new byte[30_001];
                java.util.Arrays.fill(chunk, (byte) st.id());
                for (int sent = 0; sent < perStream; sent += chunk.length) {
                    st.output().write(chunk, 0, Math.min(chunk.length, perStream - sent));
                }
                st.closeWrite();
                return null;
            });
        }
        java.util.Map<Long, Long> received = new java.util.HashMap<>();
        int fins = 0;
        while (fins < 4) {
            YamuxHeader h = wire.readHeader();
            assertNotNull(h);
            if (h.type() == YamuxHeader.TYPE_DATA) {
                assertTrue(h.length() <= YamuxConfig.defaults().maxFrameBody(), h.toString());
                byte[] body = wire.readBody((int) h.length());
                for (byte x : body) assertEquals((byte) h.streamId(), x, "a byte of another stream inside " + h);
                received.merge(h.streamId(), h.length(), Long::sum);
            }
            if (h.has(YamuxHeader.FLAG_FIN)) fins++;
        }
        for (YamuxStream st : streams) assertEquals(perStream, received.get((long) st.id()));
    }

    @Test
    void singleByteReadsSeeEveryByteAndEndOfStream() throws Exception {
        YamuxSession[] s = connected(YamuxConfig.defaults());
        YamuxStream c = s[0].openStream();
        byte[] data = random(1000, 11);
        c.output().write(data);
        c.closeWrite();
        YamuxStream r = inbound.poll(20, TimeUnit.SECONDS);
        assertNotNull(r);
        for (byte expected : data) assertEquals(expected & 0xFF, r.input().read());
        assertEquals(-1, r.input().read());
    }

    @Test
    void slowReaderStopsTheWriterAtTheWindowAndAnUpdateResumesIt() throws Exception {
        YamuxSession[] s = connected(YamuxConfig.defaults());
        YamuxStream c = s[0].openStream();
        AtomicLong written = new AtomicLong();
        byte[] data = random(3 * WINDOW, 7);
        Future<?> writer = pool.submit(() -> {
            for (int off = 0; off < data.length; off += 1024) {
                c.output().write(data, off, 1024);
                written.addAndGet(1024);
            }
            c.closeWrite();
            return null;
        });
        YamuxStream r = inbound.poll(20, TimeUnit.SECONDS);
        assertNotNull(r);
        waitFor(() -> written.get() == WINDOW, "the writer to fill the window");
        Thread.sleep(300);
        assertEquals(WINDOW, written.get(), "no byte past the 256 KiB window without an update");
        assertEquals(WINDOW, r.input().available(), "the receiver buffers exactly one window");
        assertFalse(writer.isDone());

        // consuming less than half the window sends no update: the writer stays blocked
        byte[] got = new byte[data.length];
        int n = r.input().readNBytes(got, 0, WINDOW / 2 - 1);
        Thread.sleep(300);
        assertEquals(WINDOW, written.get());
        // crossing half the window grants it back
        n += r.input().readNBytes(got, n, 1);
        waitFor(() -> written.get() == WINDOW + WINDOW / 2, "the writer to resume by the granted half window");
        Thread.sleep(200);
        assertEquals(WINDOW + WINDOW / 2, written.get());
        assertTrue(r.input().available() <= WINDOW, "buffered bytes stay within the window");

        while (n < data.length) {
            int k = r.input().read(got, n, data.length - n);
            assertTrue(k > 0);
            n += k;
            assertTrue(r.input().available() <= WINDOW);
        }
        assertEquals(-1, r.input().read());
        assertArrayEquals(data, got);
        writer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void finHalfClosesOneDirection() throws Exception {
        YamuxSession[] s = connected(YamuxConfig.defaults());
        YamuxStream c = s[0].openStream();
        c.output().write("request".getBytes());
        c.closeWrite();
        assertThrows(IOException.class, () -> c.output().write(1), "no writes after FIN");
        YamuxStream r = inbound.poll(20, TimeUnit.SECONDS);
        assertNotNull(r);
        assertEquals("request", new String(r.input().readAllBytes()));
        assertEquals(-1, r.input().read(), "FIN is end of stream");
        // the other direction still works after the peer's FIN
        r.output().write("response".getBytes());
        assertEquals(1, s[1].activeStreams());
        r.closeWrite();
        assertEquals("response", new String(c.input().readAllBytes()));
        waitFor(() -> s[0].activeStreams() == 0 && s[1].activeStreams() == 0, "both sides to free the stream");
    }

    @Test
    void resetFailsBothSidesAndUnblocksAWriter() throws Exception {
        YamuxSession[] s = connected(YamuxConfig.defaults());
        YamuxStream c = s[0].openStream();
        // the writer blocks at the window: the peer never reads
        Future<?> writer = pool.submit(() -> {
            c.output().write(new byte[2 * WINDOW]);
            return null;
        });
        YamuxStream r = inbound.poll(20, TimeUnit.SECONDS);
        assertNotNull(r);
        waitFor(() -> available(r) == WINDOW, "the window to fill");
        r.reset();
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("reset by the peer"), e.getCause().getMessage());
        var readErr = assertThrows(IOException.class, () -> c.input().read());
        assertTrue(readErr.getMessage().contains("reset by the peer"));
        assertThrows(IOException.class, () -> r.input().read(), "reads on the reset side fail too");
        waitFor(() -> s[0].activeStreams() == 0 && s[1].activeStreams() == 0, "reset streams to be freed");
        // the session carries on
        YamuxStream c2 = s[0].openStream();
        c2.output().write(42);
        c2.closeWrite();
        YamuxStream r2 = inbound.poll(20, TimeUnit.SECONDS);
        assertNotNull(r2);
        assertEquals(42, r2.input().read());
        assertFalse(s[0].isClosed() || s[1].isClosed());
    }

    @Test
    void closeFromAnotherThreadFailsAWriterBlockedOnTheWindowAndSendsFin() throws Exception {
        YamuxSession[] s = connected(YamuxConfig.defaults());
        YamuxStream c = s[0].openStream();
        Future<?> writer = pool.submit(() -> {
            c.output().write(new byte[WINDOW + 10]);
            return null;
        });
        YamuxStream r = inbound.poll(20, TimeUnit.SECONDS);
        assertNotNull(r);
        waitFor(() -> available(r) == WINDOW, "the window to fill");
        c.close();
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("closed for writing"), e.getCause().getMessage());
        // what was sent before the FIN arrives whole, then end of stream
        assertEquals(WINDOW, r.input().readAllBytes().length);
        r.close();
        waitFor(() -> s[0].activeStreams() == 0 && s[1].activeStreams() == 0, "the stream to be freed");
    }

    @Test
    void anIdleSessionHoldsOnlyItsReaderThread() throws Exception {
        YamuxSession[] s = connected(YamuxConfig.defaults());
        s[0].ping().get(10, TimeUnit.SECONDS); // control frames went out and came back
        for (YamuxSession session : s) {
            List<String> own = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith(session.name() + "-")).toList();
            assertEquals(List.of(session.name() + "-reader"), own);
        }
        s[0].close();
        waitFor(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith(s[0].name() + "-") || t.getName().startsWith(s[1].name() + "-")),
                "both readers to end with the connection");
    }

    @Test
    void pingMeasuresARoundTripBothWays() throws Exception {
        YamuxSession[] s = connected(YamuxConfig.defaults());
        Duration d1 = s[0].ping().get(10, TimeUnit.SECONDS);
        Duration d2 = s[1].ping().get(10, TimeUnit.SECONDS);
        assertTrue(!d1.isNegative() && d1.compareTo(Duration.ofSeconds(10)) < 0, d1.toString());
        assertTrue(!d2.isNegative() && d2.compareTo(Duration.ofSeconds(10)) < 0, d2.toString());
        List<CompletableFuture<Duration>> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) many.add(s[0].ping());
        for (CompletableFuture<Duration> f : many) assertNotNull(f.get(10, TimeUnit.SECONDS));
    }

    @Test
    void pingOnTheWireIsSynThenAckWithTheSameValue() throws Exception {
        InMemoryDuplex[] ends = InMemoryDuplex.pair(64 * 1024);
        YamuxSession a = new YamuxSession(ends[0], true, YamuxConfig.defaults(), st -> { });
        sessions.add(a);
        a.start();
        RawYamuxPeer peer = new RawYamuxPeer(ends[1]);
        CompletableFuture<Duration> rtt = a.ping();
        YamuxHeader syn = peer.next();
        assertEquals(YamuxHeader.TYPE_PING, syn.type());
        assertEquals(YamuxHeader.FLAG_SYN, syn.flags());
        assertEquals(0, syn.streamId());
        peer.send(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_ACK, 0, syn.length() ^ 1); // not ours: ignored
        Thread.sleep(100);
        assertFalse(rtt.isDone());
        peer.send(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_ACK, 0, syn.length());
        assertNotNull(rtt.get(10, TimeUnit.SECONDS));
        // and a ping from the peer is answered with ACK and its opaque value
        peer.send(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN, 0, 0xCAFEBABEL);
        assertEquals(new YamuxHeader(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_ACK, 0, 0xCAFEBABEL), peer.next());
    }

    @Test
    void goAwayStopsNewStreamsButNotOpenOnes() throws Exception {
        YamuxSession[] s = connected(YamuxConfig.defaults());
        YamuxStream c = s[0].openStream();
        YamuxStream r = inbound.poll(20, TimeUnit.SECONDS);
        assertNotNull(r);
        s[1].goAway(YamuxHeader.GO_AWAY_NORMAL);
        waitFor(() -> {
            try {
                s[0].openStream().reset();
                return false;
            } catch (IOException e) {
                return e.getMessage().contains("GoAway");
            }
        }, "the initiator to see the GoAway");
        assertThrows(IOException.class, s[1]::openStream);
        c.output().write("still open".getBytes());
        c.closeWrite();
        assertEquals("still open", new String(r.input().readAllBytes()));
        s[1].close();
        waitFor(s[0]::isClosed, "the initiator to close when the channel ends");
        assertEquals("closed locally", s[1].closeReason());
        assertEquals("connection closed by the peer", s[0].closeReason());
        assertThrows(IOException.class, () -> c.output().write(1));
    }

    @Test
    void closeSendsGoAwayNormalAndNotifiesListeners() throws Exception {
        InMemoryDuplex[] ends = InMemoryDuplex.pair(64 * 1024);
        YamuxSession a = new YamuxSession(ends[0], true, YamuxConfig.defaults(), st -> { });
        a.start();
        CompletableFuture<String> reason = new CompletableFuture<>();
        a.onClose(reason::complete);
        YamuxStream st = a.openStream();
        CompletableFuture<Duration> pending = a.ping();
        a.close();
        assertEquals("closed locally", reason.get(5, TimeUnit.SECONDS));
        assertThrows(Exception.class, () -> pending.get(5, TimeUnit.SECONDS));
        assertThrows(IOException.class, () -> st.input().read());
        List<YamuxHeader> frames = new RawYamuxPeer(ends[1]).untilEnd();
        assertEquals(new YamuxHeader(YamuxHeader.TYPE_GO_AWAY, 0, 0, 0), frames.get(frames.size() - 1));
        assertTrue(a.isClosed());
        CompletableFuture<String> late = new CompletableFuture<>();
        a.onClose(late::complete);
        assertEquals("closed locally", late.getNow(null), "a listener added after the close runs at once");
    }

    @Test
    void largerConfiguredWindowIsAnnouncedWithSynAndUsed() throws Exception {
        int window = 1 << 20;
        YamuxSession[] s = connected(YamuxConfig.defaults().withInitialWindow(window));
        YamuxStream c = s[0].openStream();
        AtomicLong written = new AtomicLong();
        pool.submit(() -> {
            for (int i = 0; i < 4 * 1024; i++) {
                c.output().write(new byte[1024]);
                written.addAndGet(1024);
            }
            return null;
        });
        YamuxStream r = inbound.poll(20, TimeUnit.SECONDS);
        assertNotNull(r);
        waitFor(() -> written.get() == window, "the writer to use the 1 MiB window the responder's ACK announced");
        Thread.sleep(300);
        assertEquals(window, written.get());
        assertEquals(window, r.input().available());
        InputStream in = r.input();
        assertEquals(window, in.readNBytes(window).length);
    }

    @Test
    void keepAliveClosesASessionWhosePeerStopsAnswering() throws Exception {
        InMemoryDuplex[] ends = InMemoryDuplex.pair(64 * 1024);
        YamuxSession a = new YamuxSession(ends[0], true, YamuxConfig.defaults().withKeepAlive(Duration.ofMillis(150)),
                st -> { });
        sessions.add(a);
        a.start();
        RawYamuxPeer peer = new RawYamuxPeer(ends[1]);
        YamuxHeader first = peer.next();
        assertEquals(YamuxHeader.TYPE_PING, first.type());
        peer.send(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_ACK, 0, first.length()); // answer the first one only
        CompletableFuture<String> listenerThread = new CompletableFuture<>();
        a.onClose(reason -> listenerThread.complete(Thread.currentThread().getName()));
        List<YamuxHeader> rest = peer.untilEnd();
        assertTrue(a.closeReason().contains("keep-alive ping unanswered"), a.closeReason());
        assertTrue(listenerThread.get(5, TimeUnit.SECONDS).startsWith("yamux-control-"),
                "the close listener runs off the shared keep-alive timer: " + listenerThread.getNow(null));
        assertEquals(YamuxHeader.TYPE_PING, rest.get(0).type());
        assertEquals(YamuxHeader.TYPE_GO_AWAY, rest.get(rest.size() - 1).type());
    }

    @Test
    void streamsOverTheReaderAreDrainedByReadAllBytes() throws Exception {
        YamuxSession[] s = connected(YamuxConfig.defaults());
        YamuxStream c = s[0].openStream();
        byte[] data = random(100_000, 3);
        c.output().write(data);
        c.close();
        YamuxStream r = inbound.poll(20, TimeUnit.SECONDS);
        assertNotNull(r);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        r.input().transferTo(got);
        assertArrayEquals(data, got.toByteArray());
        r.close();
        waitFor(() -> s[0].activeStreams() == 0 && s[1].activeStreams() == 0, "streams freed after close both sides");
    }
}
