package net.sovereignbridge.p2p.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.p2p.connection.InMemoryDuplex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hand-driven peer breaking the protocol against our responder session: each violation closes the
 * session with GoAway "protocol error" (code 1) and a reason naming what and where.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class YamuxHostilePeerTest {
    private static final int D = YamuxHeader.TYPE_DATA;
    private static final int W = YamuxHeader.TYPE_WINDOW_UPDATE;
    private static final int SYN = YamuxHeader.FLAG_SYN;
    private static final int RST = YamuxHeader.FLAG_RST;

    private final BlockingQueue<YamuxStream> inbound = new LinkedBlockingQueue<>();
    private final List<YamuxSession> sessions = new ArrayList<>();

    @AfterEach
    void tearDown() {
        sessions.forEach(YamuxSession::close);
    }

    private RawYamuxPeer responderFacing(YamuxConfig config, YamuxSession[] out) {
        InMemoryDuplex[] ends = InMemoryDuplex.pair(1 << 20);
        YamuxSession s = new YamuxSession(ends[0], false, config, inbound::add);
        sessions.add(s);
        s.start();
        out[0] = s;
        return new RawYamuxPeer(ends[1]);
    }

    /** Reads until the session ends the channel; checks its last frame is GoAway protocol error. */
    private static String closedWithProtocolError(RawYamuxPeer peer, YamuxSession s) throws IOException {
        List<YamuxHeader> frames = peer.untilEnd();
        assertFalse(frames.isEmpty(), "a GoAway before the close");
        assertEquals(new YamuxHeader(YamuxHeader.TYPE_GO_AWAY, 0, 0, YamuxHeader.GO_AWAY_PROTOCOL_ERROR),
                frames.get(frames.size() - 1));
        assertTrue(s.isClosed());
        assertTrue(s.closeReason().startsWith("protocol error: "), s.closeReason());
        return s.closeReason();
    }

    @Test
    void dataPastTheReceiveWindow() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.send(W, SYN, 1, 0);
        peer.sendData(1, 0, new byte[200_000]);
        // 200 000 + 62 145 = one byte past the 256 KiB window; only the header is sent: nothing is buffered for it
        peer.send(D, 0, 1, 62_145);
        String reason = closedWithProtocolError(peer, s[0]);
        assertTrue(reason.contains("past the receive window of stream 1 (62144 bytes granted)"), reason);
    }

    @Test
    void dataExactlyFillingTheWindowIsFineAndReadingGrantsItBack() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.send(W, SYN, 1, 0);
        peer.sendData(1, 0, new byte[YamuxConfig.SPEC_INITIAL_WINDOW]);
        YamuxStream st = inbound.poll(10, TimeUnit.SECONDS);
        assertNotNull(st);
        assertEquals(YamuxConfig.SPEC_INITIAL_WINDOW, st.input().readNBytes(YamuxConfig.SPEC_INITIAL_WINDOW).length);
        assertFalse(s[0].isClosed());
        // the first frame on the stream carries ACK; reading the whole window grants it back in half windows
        YamuxHeader first = peer.next();
        assertTrue(first.has(YamuxHeader.FLAG_ACK) && first.streamId() == 1, first.toString());
        long granted = first.length();
        while (granted < YamuxConfig.SPEC_INITIAL_WINDOW) {
            YamuxHeader u = peer.next();
            assertEquals(W, u.type());
            assertEquals(1, u.streamId());
            assertEquals(YamuxConfig.SPEC_INITIAL_WINDOW / 2, u.length());
            granted += u.length();
        }
        assertEquals(YamuxConfig.SPEC_INITIAL_WINDOW, granted);
        // so a second full window is within the limits
        peer.sendData(1, YamuxHeader.FLAG_FIN, new byte[YamuxConfig.SPEC_INITIAL_WINDOW]);
        assertEquals(YamuxConfig.SPEC_INITIAL_WINDOW, st.input().readAllBytes().length);
        assertFalse(s[0].isClosed());
    }

    @Test
    void oneByteFramesDoNotCostAnArrayEach() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.send(W, SYN, 1, 0);
        // 20 000 one-byte frames in few writes, nobody reading the stream
        byte[] frames = new byte[20_000 * 13];
        for (int i = 0; i < 20_000; i++) {
            new YamuxHeader(D, 0, 1, 1).encode(frames, i * 13);
            frames[i * 13 + 12] = (byte) i;
        }
        peer.io.write(frames, 0, frames.length);
        peer.send(YamuxHeader.TYPE_PING, SYN, 0, 7); // its answer shows the reader got through the frames
        YamuxHeader h;
        do {
            h = peer.next();
        } while (h.type() != YamuxHeader.TYPE_PING);
        assertEquals(20_000, s[0].bufferedBytes());
        assertTrue(s[0].heldBytes() <= 20_000 + 4096, "held " + s[0].heldBytes() + " bytes for 20 000 buffered");
        YamuxStream st = inbound.poll(10, TimeUnit.SECONDS);
        assertNotNull(st);
        byte[] got = st.input().readNBytes(20_000);
        for (int i = 0; i < 20_000; i++) assertEquals((byte) i, got[i]);
    }

    @Test
    void oversizedFrameIsRejectedBeforeItsBody() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.send(D, SYN, 1, 0xFFFF_FFFFL);
        String reason = closedWithProtocolError(peer, s[0]);
        assertTrue(reason.contains("oversized Data frame: 4294967295 bytes on stream 1, limit 16777216"), reason);
    }

    @Test
    void unknownType() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.sendRaw("000400000000000100000000");
        assertTrue(closedWithProtocolError(peer, s[0]).contains("unknown Yamux frame type 4"));
    }

    @Test
    void unknownVersion() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.sendRaw("010100010000000100000000");
        assertTrue(closedWithProtocolError(peer, s[0]).contains("unsupported Yamux version 1"));
    }

    @Test
    void streamIdOfTheWrongParity() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.send(W, SYN, 2, 0);
        String reason = closedWithProtocolError(peer, s[0]);
        assertTrue(reason.contains("SYN for stream 2: the initiator must open odd ids"), reason);
    }

    @Test
    void streamIdZero() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.sendData(0, SYN, new byte[3]);
        assertTrue(closedWithProtocolError(peer, s[0]).contains("Data frame on stream id 0"));
    }

    @Test
    void reusedStreamIdAfterReset() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.send(W, SYN, 1, 0);
        peer.send(W, RST, 1, 0);
        peer.send(W, SYN, 1, 0);
        String reason = closedWithProtocolError(peer, s[0]);
        assertTrue(reason.contains("SYN for stream 1 which was opened before (reused id)"), reason);
    }

    @Test
    void synForAnOpenStream() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.send(W, SYN, 3, 0);
        peer.send(W, SYN, 3, 0);
        assertTrue(closedWithProtocolError(peer, s[0]).contains("SYN for stream 3 which is already open"));
    }

    @Test
    void lateSynsWithinTheReorderWindowAreAcceptedButFarBelowAreNot() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.send(W, SYN, 9, 0);
        peer.send(W, SYN, 5, 0); // out of order, as two threads of a Go peer may send them
        assertNotNull(inbound.poll(10, TimeUnit.SECONDS));
        assertNotNull(inbound.poll(10, TimeUnit.SECONDS));
        peer.send(W, SYN, 1001, 0);
        peer.send(W, SYN, 7, 0);
        String reason = closedWithProtocolError(peer, s[0]);
        assertTrue(reason.contains("SYN for stream 7, far below the highest stream the peer opened (1001)"), reason);
    }

    @Test
    void frameForAStreamNeverOpened() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.sendData(7, 0, new byte[10]);
        assertTrue(closedWithProtocolError(peer, s[0]).contains("Data frame for stream 7 which was never opened"));
    }

    @Test
    void frameForOurOwnStreamNeverOpened() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.send(W, 0, 4, 100);
        assertTrue(closedWithProtocolError(peer, s[0]).contains("WindowUpdate frame for stream 4 which was never opened"));
    }

    @Test
    void dataAfterFin() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.sendData(1, SYN | YamuxHeader.FLAG_FIN, new byte[5]);
        peer.sendData(1, 0, new byte[5]);
        assertTrue(closedWithProtocolError(peer, s[0]).contains("Data frame of 5 bytes on stream 1 after its FIN"));
    }

    @Test
    void streamsBeyondTheLimitAreResetAndTheSessionCarriesOn() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults().withMaxStreams(2), s);
        peer.send(W, SYN, 1, 0);
        peer.send(W, SYN, 3, 0);
        peer.sendData(5, SYN, new byte[1000]); // its data is skipped, never buffered
        List<YamuxHeader> got = new ArrayList<>();
        while (got.stream().noneMatch(h -> h.has(RST))) got.add(peer.next());
        assertEquals(new YamuxHeader(W, RST, 5, 0), got.get(got.size() - 1));
        assertEquals(2, s[0].activeStreams());
        // late frames on the refused stream are dropped quietly
        peer.sendData(5, 0, new byte[10]);
        // once one stream ends, a new one fits
        peer.send(W, RST, 1, 0);
        peer.send(W, SYN, 7, 0);
        YamuxHeader ack = peer.next();
        while (!ack.has(YamuxHeader.FLAG_ACK) || ack.streamId() != 7) ack = peer.next();
        assertEquals(2, s[0].activeStreams());
        assertFalse(s[0].isClosed());
        List<Long> handed = new ArrayList<>();
        for (int i = 0; i < 3; i++) handed.add((long) inbound.poll(10, TimeUnit.SECONDS).id());
        assertEquals(List.of(1L, 3L, 7L), handed, "streams 1, 3 and 7 were handed to the application, 5 was not");
        assertTrue(inbound.isEmpty());
    }

    @Test
    void aPeerThatNeverAnswersOurCloseWithFinGetsRstAndLosesTheSlot() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults().withStreamCloseTimeout(java.time.Duration.ofMillis(200)), s);
        peer.send(W, SYN, 1, 0);
        YamuxStream st = inbound.poll(10, TimeUnit.SECONDS);
        assertNotNull(st);
        st.close();
        assertEquals(1, s[0].activeStreams(), "waiting for the peer's FIN");
        List<YamuxHeader> got = new ArrayList<>();
        while (got.stream().noneMatch(h -> h.has(RST))) got.add(peer.next());
        assertTrue(got.stream().anyMatch(h -> h.has(YamuxHeader.FLAG_FIN) && h.streamId() == 1), got.toString());
        assertEquals(new YamuxHeader(W, RST, 1, 0), got.get(got.size() - 1));
        assertEquals(0, s[0].activeStreams());
        assertFalse(s[0].isClosed());
    }

    @Test
    void aHandlerResettingOnTheReaderThreadNeverBlocksItOnAFullChannel() throws Exception {
        // the peer does not read at first: a 64-byte pipe holds five frames, so a reader writing its
        // RSTs itself would stall after five streams
        InMemoryDuplex[] ends = InMemoryDuplex.pair(64);
        java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
        YamuxSession s = new YamuxSession(ends[0], false, YamuxConfig.defaults(), st -> {
            handled.incrementAndGet();
            st.reset();
        });
        sessions.add(s);
        s.start();
        RawYamuxPeer peer = new RawYamuxPeer(ends[1]);
        for (int i = 0; i < 40; i++) peer.send(W, SYN, 2L * i + 1, 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handled.get() < 40 && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(40, handled.get(), "the reader went on through all 40 SYNs");
        // once the peer reads, every stream gets its ACK, then its RST
        java.util.Set<Long> acked = new java.util.HashSet<>();
        java.util.Set<Long> reset = new java.util.HashSet<>();
        while (reset.size() < 40) {
            YamuxHeader h = peer.next();
            assertNotNull(h);
            if (h.has(YamuxHeader.FLAG_ACK)) acked.add(h.streamId());
            if (h.has(RST)) {
                assertTrue(acked.contains(h.streamId()), "ACK before RST on " + h);
                reset.add(h.streamId());
            }
        }
        assertEquals(0, s.activeStreams());
        assertFalse(s.isClosed());
    }

    @Test
    void pingFloodOnAStalledLinkIsBounded() throws Exception {
        // a tiny pipe the peer never reads: our answers cannot leave, so the queue of answers hits its limit
        InMemoryDuplex[] ends = InMemoryDuplex.pair(64);
        YamuxSession s = new YamuxSession(ends[0], false, YamuxConfig.defaults(), inbound::add);
        sessions.add(s);
        s.start();
        RawYamuxPeer peer = new RawYamuxPeer(ends[1]);
        try {
            for (int i = 0; i < 2000 && !s.isClosed(); i++) peer.send(YamuxHeader.TYPE_PING, SYN, 0, i);
        } catch (IOException closedMeanwhile) {
            // the session closed the channel while we were still flooding it
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!s.isClosed() && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(s.isClosed());
        assertTrue(s.closeReason().contains("more than 1024 control frames waiting to be sent"), s.closeReason());
    }

    @Test
    void goAwayWithAnErrorCodeClosesTheSession() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.send(YamuxHeader.TYPE_GO_AWAY, 0, 0, YamuxHeader.GO_AWAY_INTERNAL_ERROR);
        peer.untilEnd();
        assertEquals("the peer sent GoAway (internal error)", s[0].closeReason());
    }

    @Test
    void truncatedFrameAtEndOfStream() throws Exception {
        YamuxSession[] s = new YamuxSession[1];
        RawYamuxPeer peer = responderFacing(YamuxConfig.defaults(), s);
        peer.sendRaw("00000000000000010000");
        peer.io.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!s[0].isClosed() && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(s[0].closeReason().contains("end of stream inside a Yamux header (10 of 12 bytes)"), s[0].closeReason());
    }
}
