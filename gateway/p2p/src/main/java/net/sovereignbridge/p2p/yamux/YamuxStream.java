package net.sovereignbridge.p2p.yamux;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One Yamux stream: a pair of byte pipes with flow control. Bytes buffered here never exceed the receive
 * window granted to the peer, because the peer may only send what we granted and we grant more only as
 * the application reads ({@link #input()}). Writers block while the peer's window is exhausted.
 *
 * <p>State is guarded by {@code this}; no lock is held while writing to the session's channel.
 */
public final class YamuxStream implements Closeable {
    private final YamuxSession session;
    private final long id;
    private final boolean inbound;
    private final int windowSize;
    private final Object writeMutex = new Object();
    private final Input input = new Input();
    private final Output output = new Output();

    // receive side
    /** Received bytes in order; small bodies are packed into blocks (see {@link #receive}). */
    private final ArrayDeque<Segment> buffer = new ArrayDeque<>();
    private int headPos;
    private long buffered;
    /** Bytes the peer may still send before its next window update from us. */
    private long recvCredit = YamuxConfig.SPEC_INITIAL_WINDOW;
    /** Bytes the application consumed that have not been granted back yet. */
    private long consumedUngranted;
    private boolean finReceived;
    private boolean readClosed;

    // send side
    private long sendWindow = YamuxConfig.SPEC_INITIAL_WINDOW;
    private boolean finSent;
    private boolean ackPending;

    // both
    private String resetReason;
    private String sessionClosedReason;
    private boolean removed;
    /** Whether this stream's window is still reserved from the session's budget. */
    private final java.util.concurrent.atomic.AtomicBoolean holdsBudget = new java.util.concurrent.atomic.AtomicBoolean(true);

    private static final int BLOCK = 4096;

    private static final class Segment {
        final byte[] data;
        int end;

        Segment(byte[] data, int end) {
            this.data = data;
            this.end = end;
        }
    }

    YamuxStream(YamuxSession session, long id, boolean inbound, int windowSize) {
        this.session = session;
        this.id = id;
        this.inbound = inbound;
        this.windowSize = windowSize;
        this.ackPending = inbound;
    }

    /** The stream id (odd when opened by the initiator). Ids are at most 2^32-1; in practice far below 2^31. */
    public int id() {
        return (int) id;
    }

    long longId() {
        return id;
    }

    boolean isInbound() {
        return inbound;
    }

    public InputStream input() {
        return input;
    }

    public OutputStream output() {
        return output;
    }

    /**
     * Half-close: sends FIN; reading continues until the peer's FIN. Idempotent. A write blocked on the
     * window in another thread fails at once; a frame already being written goes out before the FIN.
     */
    public void closeWrite() throws IOException {
        synchronized (this) {
            if (finSent || resetReason != null) return;
            finSent = true;
            notifyAll();
        }
        synchronized (writeMutex) {
            session.sendStreamFrame(this, YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_FIN, 0, null, 0, 0);
        }
        maybeRemove();
    }

    /** Aborts both directions at once: sends RST; further reads and writes fail. Idempotent. */
    public void reset() {
        if (!markReset("stream " + id + " was reset locally")) return;
        try {
            session.sendStreamFrame(this, YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST, 0, null, 0, 0);
        } catch (IOException e) {
            // the session is gone, so is the stream: nothing left to tell the peer
        }
        maybeRemove();
    }

    /** Marks the stream reset; false if it already was, or is freed. The caller tells the peer. */
    private boolean markReset(String reason) {
        synchronized (this) {
            if (resetReason != null || removed) return false;
            resetReason = reason;
            dropBuffer();
            notifyAll();
            return true;
        }
    }

    /**
     * The peer never answered our close with its FIN: reset without writing (on the shared timer, which
     * must not block on a channel); true if the caller must queue the RST.
     */
    boolean resetAfterCloseTimeout() {
        boolean r = markReset("stream " + id + " was reset: no FIN from the peer after close");
        if (r) maybeRemove();
        return r;
    }

    /**
     * Sends FIN and stops reading: data the peer still sends is discarded (its window is granted back so
     * a peer blocked in a write can finish and close its side).
     */
    @Override
    public void close() throws IOException {
        try {
            closeWrite();
        } catch (IOException e) {
            // a closed session has closed the stream already; only a live session's failure is news
            if (!session.isClosed()) throw e;
        } finally {
            long grant;
            synchronized (this) {
                readClosed = true;
                consumedUngranted += buffered;
                dropBuffer();
                grant = takeGrant(true);
                notifyAll();
            }
            grantWindow(grant);
            maybeRemove();
            maybeReleaseBudget(); // a stream of a closed session is never removed
            if (!isFullyClosed()) session.closeTimeout(this);
        }
    }

    @Override
    public String toString() {
        return "yamux stream " + id + (inbound ? " (inbound)" : " (outbound)");
    }

    // ---- called by the session's reader thread ----

    /** Checks a Data frame's length against the credit we granted, before its body is read. */
    synchronized void checkReceive(long length) throws YamuxProtocolException {
        if (length > recvCredit) {
            throw new YamuxProtocolException("Data frame of " + length + " bytes past the receive window of stream "
                    + id + " (" + recvCredit + " bytes granted)");
        }
        if (length > 0 && finReceived) {
            throw new YamuxProtocolException("Data frame of " + length + " bytes on stream " + id + " after its FIN");
        }
    }

    /** Data the reader took off the wire; {@link #checkReceive} passed. Returns a window grant to send, or 0. */
    synchronized long receive(byte[] body) {
        recvCredit -= body.length;
        if (body.length == 0) return 0;
        if (readClosed || resetReason != null) {
            consumedUngranted += body.length;
            return takeGrant(false);
        }
        // pack small bodies into 4 KiB blocks: a peer sending one-byte frames must not make us hold an
        // array (and its 16-byte header) per byte; memory stays within about twice the window
        Segment tail = buffer.peekLast();
        if (tail != null && tail.data.length - tail.end >= body.length) {
            System.arraycopy(body, 0, tail.data, tail.end, body.length);
            tail.end += body.length;
        } else if (body.length < BLOCK) {
            Segment block = new Segment(new byte[BLOCK], body.length);
            System.arraycopy(body, 0, block.data, 0, body.length);
            buffer.addLast(block);
        } else {
            buffer.addLast(new Segment(body, body.length));
        }
        buffered += body.length;
        notifyAll();
        return 0;
    }

    synchronized void remoteFin() {
        finReceived = true;
        notifyAll();
    }

    void remoteReset() {
        synchronized (this) {
            if (resetReason == null) resetReason = "stream " + id + " was reset by the peer";
            dropBuffer();
            notifyAll();
        }
        maybeRemove();
    }

    synchronized void windowUpdate(long delta) {
        if (delta == 0) return;
        sendWindow = Math.min(sendWindow + delta, YamuxHeader.MAX_U32);
        notifyAll();
    }

    synchronized void sessionClosed(String reason) {
        if (sessionClosedReason == null) sessionClosedReason = reason;
        notifyAll();
    }

    // ---- bookkeeping shared with the session ----

    /** True once: the caller gives this stream's window back to the budget. */
    boolean takeBudget() {
        return holdsBudget.getAndSet(false);
    }

    /**
     * The window goes back to the session's budget once the stream is freed (or its session closed)
     * and nothing it received is left unread: data the peer sent before its FIN still counts while the
     * application has not read or dropped it.
     */
    void maybeReleaseBudget() {
        synchronized (this) {
            if (!(removed || sessionClosedReason != null) || buffered > 0) return;
        }
        session.releaseBudget(this);
    }

    /** Under the session's write lock: whether this frame must carry ACK (first frame of an inbound stream). */
    synchronized boolean takeAckPending() {
        boolean a = ackPending;
        ackPending = false;
        return a;
    }

    /** Credits the peer before the frame announcing it is written, so its data can never look early. */
    synchronized void addCredit(long delta) {
        recvCredit += delta;
    }

    synchronized long bufferedBytes() {
        return buffered;
    }

    /** Array bytes held for the buffered data (what the buffer really costs), for the limit tests. */
    synchronized long heldBytes() {
        long sum = 0;
        for (Segment seg : buffer) sum += seg.data.length;
        return sum;
    }

    synchronized boolean isFullyClosed() {
        return resetReason != null || (finSent && finReceived);
    }

    /** Frees the stream's slot in the session once both sides are done (or it was reset). */
    private void maybeRemove() {
        boolean remove;
        synchronized (this) {
            remove = !removed && (resetReason != null || (finSent && finReceived));
            if (remove) removed = true;
        }
        if (remove) session.removeStream(this);
    }

    /** Called by the reader after a FIN or RST from the peer. */
    void afterRemoteClose() {
        maybeRemove();
    }

    private void dropBuffer() {
        buffer.clear();
        headPos = 0;
        buffered = 0;
    }

    /** Holding {@code this}: the window to grant back now, at half the window consumed (or always if forced). */
    private long takeGrant(boolean force) {
        if (finReceived || resetReason != null) return 0;
        if (consumedUngranted == 0) return 0;
        if (!force && consumedUngranted < windowSize / 2) return 0;
        long g = consumedUngranted;
        consumedUngranted = 0;
        recvCredit += g;
        return g;
    }

    private void grantWindow(long grant) {
        if (grant <= 0) return;
        try {
            session.sendStreamFrame(this, YamuxHeader.TYPE_WINDOW_UPDATE, 0, grant, null, 0, 0);
        } catch (IOException e) {
            // session closed; the reader learns it on its next call
        }
    }

    private void await() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted on " + this);
        }
    }

    private final class Input extends InputStream {
        /** Without a temporary array: multistream-select reads its varints byte by byte. */
        @Override
        public int read() throws IOException {
            return read(null, 0, 1);
        }

        /** With {@code b} null: reads one byte and returns it (0-255), or -1. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (b != null) Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            int n = 0;
            int single = -1;
            long grant;
            boolean drained;
            YamuxStream s = YamuxStream.this;
            synchronized (s) {
                while (buffered == 0) {
                    if (resetReason != null) throw new IOException(resetReason);
                    if (readClosed) throw new IOException("stream " + id + " is closed");
                    if (finReceived) return -1;
                    if (sessionClosedReason != null) throw new IOException("session closed: " + sessionClosedReason);
                    await();
                }
                while (n < len && !buffer.isEmpty()) {
                    Segment head = buffer.peekFirst();
                    int c = Math.min(len - n, head.end - headPos);
                    if (b == null) {
                        single = head.data[headPos] & 0xFF;
                    } else {
                        System.arraycopy(head.data, headPos, b, off + n, c);
                    }
                    n += c;
                    headPos += c;
                    if (headPos == head.end) {
                        buffer.pollFirst();
                        headPos = 0;
                    }
                }
                buffered -= n;
                consumedUngranted += n;
                grant = takeGrant(false);
                drained = buffered == 0 && (removed || sessionClosedReason != null);
            }
            grantWindow(grant);
            if (drained) maybeReleaseBudget();
            return b == null ? single : n;
        }

        @Override
        public int available() {
            synchronized (YamuxStream.this) {
                return (int) Math.min(Integer.MAX_VALUE, buffered);
            }
        }

        /** Closing the input alone only stops reading; close the stream to send FIN. */
        @Override
        public void close() {
            long grant;
            synchronized (YamuxStream.this) {
                readClosed = true;
                consumedUngranted += buffered;
                dropBuffer();
                grant = takeGrant(true);
                YamuxStream.this.notifyAll();
            }
            grantWindow(grant);
            maybeReleaseBudget();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            synchronized (writeMutex) {
                while (len > 0) {
                    int n;
                    YamuxStream s = YamuxStream.this;
                    synchronized (s) {
                        while (true) {
                            if (resetReason != null) throw new IOException(resetReason);
                            if (finSent) throw new IOException("stream " + id + " is closed for writing");
                            if (sessionClosedReason != null) throw new IOException("session closed: " + sessionClosedReason);
                            if (sendWindow > 0) break;
                            await();
                        }
                        n = (int) Math.min(Math.min(len, sendWindow), session.maxFrameBody());
                        sendWindow -= n;
                    }
                    session.sendStreamFrame(s, YamuxHeader.TYPE_DATA, 0, n, b, off, n);
                    off += n;
                    len -= n;
                }
            }
        }

        /** Same as {@link YamuxStream#closeWrite()}: sends FIN. */
        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }
}
