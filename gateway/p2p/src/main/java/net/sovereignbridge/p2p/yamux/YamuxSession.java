package net.sovereignbridge.p2p.yamux;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import net.sovereignbridge.p2p.connection.SecureDuplex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Yamux session ({@code /yamux/1.0.0}, hashicorp/yamux spec.md) over a {@link SecureDuplex}.
 *
 * <p>Threads: one reader per session decodes frames and never writes to the channel (so two sessions
 * whose channels are both full cannot deadlock on each other). What the reader decides to send (ACK,
 * RST, ping answers, GoAway) is queued and written by a task on a shared, on-demand pool, one task per
 * session at a time, in queue order; keep-alive pings are queued by one shared timer thread. So an idle
 * session holds one thread, its reader. Application threads write their Data frames and window
 * updates themselves. Every frame is written with one {@code io.write} call under
 * one lock, so frames of concurrent streams interleave whole.
 *
 * <p>Any protocol violation by the peer closes the session with GoAway "protocol error" and a logged
 * reason ({@link #closeReason()}); nothing the peer sends makes us allocate more than one window per stream.
 */
public final class YamuxSession implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(YamuxSession.class);
    /** Lines a remote peer (or a stranger) can trigger at will: rate-limited per key. */
    private static final net.sovereignbridge.mesh.log.RateLimitedLog peerLog = net.sovereignbridge.mesh.log.RateLimitedLog.of(YamuxSession.class);
    private static final AtomicInteger SESSIONS = new AtomicInteger();
    private static final int MAX_OUTSTANDING_PINGS = 64;
    /** How many stream ids below the highest one the peer opened may still arrive late (out of order). */
    private static final int REORDER_WINDOW = 64;
    private static final long CLOSE_FLUSH_MILLIS = 1000;

    /** Writes control frames; threads exist only while some session has control frames to send. */
    private static final ExecutorService CONTROL_WRITERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30,
            TimeUnit.SECONDS, new SynchronousQueue<>(), daemonThreads("yamux-control-"));
    /** Queues the keep-alive pings of every session; never writes itself. */
    private static final ScheduledExecutorService KEEP_ALIVE = Executors.newSingleThreadScheduledExecutor(
            daemonThreads("yamux-keepalive-"));

    /** Threads of the shared pools: they never wait for a flush (they may be the ones doing it). */
    private static final class PoolThread extends Thread {
        PoolThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> new PoolThread(r, prefix + n.incrementAndGet());
    }

    private final SecureDuplex io;
    private final boolean initiator;
    private final YamuxConfig config;
    private final Consumer<YamuxStream> onInboundStream;
    private final String name;
    private final YamuxFrameReader frames;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentHashMap<Long, YamuxStream> streams = new ConcurrentHashMap<>();

    private final ReceiveBudget budget;

    // guarded by "this"
    private long nextLocalId;
    private long highestRemoteId;
    /** Bit i set: remote id (highestRemoteId - 2i) was opened already (replay window for late SYNs). */
    private long remoteSeen;
    private int inboundActive;
    private boolean closed;
    private String closeReason;
    private boolean localGoAway;
    private boolean remoteGoAway;
    private final Map<Long, PingWaiter> pings = new HashMap<>();
    private long nextPingId = 1;
    private long keepAlivePing = -1;
    private final List<Consumer<String>> closeListeners = new ArrayList<>();

    /** Control frames waiting for the drain task; guarded by itself, like {@code draining}. */
    private final ArrayDeque<Control> control = new ArrayDeque<>();
    private boolean draining;
    private volatile Thread reader;
    private ScheduledFuture<?> keepAliveTask;
    private final CountDownLatch channelClosed = new CountDownLatch(1);

    private record PingWaiter(long sentNanos, CompletableFuture<Duration> result) {}

    /**
     * A frame to send from the control queue. With {@code stream} set it is that stream's frame and
     * carries ACK if it is the stream's first; {@code ackOnly}: the delayed ACK of an inbound stream (with
     * our extra window as delta), skipped if another frame carried the ACK already and there is no delta.
     */
    private record Control(YamuxHeader header, YamuxStream stream, boolean ackOnly) {
        Control(YamuxHeader header) {
            this(header, null, false);
        }
    }

    /** The last item shutdown queues: the drain task closes the channel when it gets there. */
    private static final Control STOP = new Control(null);

    /**
     * @param onInboundStream called on the reader thread for each stream the peer opens; it must return
     *                        quickly (hand the stream to an executor), since no frame is read meanwhile
     */
    public YamuxSession(SecureDuplex io, boolean initiator, YamuxConfig config, Consumer<YamuxStream> onInboundStream) {
        this(io, initiator, config, ReceiveBudget.unlimited(), onInboundStream);
    }

    /**
     * @param budget each stream (either direction) reserves one receive window from it while open; an
     *               inbound stream it cannot cover is refused with RST, {@link #openStream()} fails
     */
    public YamuxSession(SecureDuplex io, boolean initiator, YamuxConfig config, ReceiveBudget budget,
                        Consumer<YamuxStream> onInboundStream) {
        this.budget = java.util.Objects.requireNonNull(budget, "budget");
        this.io = java.util.Objects.requireNonNull(io, "io");
        this.initiator = initiator;
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.onInboundStream = java.util.Objects.requireNonNull(onInboundStream, "onInboundStream");
        this.name = "yamux-" + SESSIONS.incrementAndGet() + (initiator ? "-out" : "-in");
        this.nextLocalId = initiator ? 1 : 2;
        this.frames = new YamuxFrameReader(io::read, config.maxWindow());
    }

    /** Starts the reader thread ({name}-reader) and the keep-alive pings. */
    public synchronized void start() {
        if (reader != null) throw new IllegalStateException(name + " already started");
        if (closed) throw new IllegalStateException(name + " is closed");
        reader = new Thread(this::readLoop, name + "-reader");
        reader.setDaemon(true);
        reader.start();
        if (config.keepAliveEnabled()) {
            long ms = Math.max(1, config.keepAlive().toMillis());
            keepAliveTask = KEEP_ALIVE.scheduleAtFixedRate(this::keepAliveTick, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    public String name() {
        return name;
    }

    public boolean isInitiator() {
        return initiator;
    }

    /** Opens a stream: the SYN is sent before this returns, data may be written at once. */
    public YamuxStream openStream() throws IOException {
        YamuxStream s;
        synchronized (this) {
            if (closed) throw new IOException(name + " is closed: " + closeReason);
            if (remoteGoAway) throw new IOException(name + ": the peer sent GoAway, no new streams");
            if (localGoAway) throw new IOException(name + ": going away, no new streams");
        }
        String refusal = budget.tryReserve(config.initialWindow(), false);
        if (refusal != null) throw new IOException(name + ": cannot open a stream: " + refusal);
        int extra = config.initialWindow() - YamuxConfig.SPEC_INITIAL_WINDOW;
        writeLock.lock();
        try {
            // the id is taken under the write lock so SYNs go out in id order
            synchronized (this) {
                if (nextLocalId > YamuxHeader.MAX_U32 || closed) {
                    budget.release(config.initialWindow()); // no stream took it
                    throw new IOException(name + (closed ? " is closed: " + closeReason : ": stream ids exhausted"));
                }
                s = new YamuxStream(this, nextLocalId, false, config.initialWindow());
                nextLocalId += 2;
                streams.put(s.longId(), s);
            }
            s.addCredit(extra);
            try {
                writeFrame(new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_SYN, s.longId(), extra),
                        null, 0, 0, false);
            } catch (IOException e) {
                streams.remove(s.longId(), s);
                releaseBudget(s); // the SYN never left: nothing can have arrived for it
                throw e;
            }
        } finally {
            writeLock.unlock();
        }
        return s;
    }

    /** A Yamux-level ping; completes with the round-trip time, or exceptionally when the session closes. */
    public CompletableFuture<Duration> ping() {
        CompletableFuture<Duration> f = new CompletableFuture<>();
        long id;
        synchronized (this) {
            if (closed) return CompletableFuture.failedFuture(new IOException(name + " is closed: " + closeReason));
            if (pings.size() >= MAX_OUTSTANDING_PINGS) {
                return CompletableFuture.failedFuture(new IOException(name + ": " + MAX_OUTSTANDING_PINGS + " pings already outstanding"));
            }
            id = takePingId();
            pings.put(id, new PingWaiter(System.nanoTime(), f));
        }
        if (!offerControl(new Control(new YamuxHeader(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN, 0, id)))) {
            synchronized (this) {
                pings.remove(id);
            }
            f.completeExceptionally(new IOException(name + ": control queue full"));
        }
        return f;
    }

    /**
     * Sends GoAway with {@code code} (0 normal, 1 protocol error, 2 internal error): no new streams
     * either way; open streams carry on until {@link #close()}.
     */
    public void goAway(int code) {
        synchronized (this) {
            if (closed || localGoAway) return;
            localGoAway = true;
        }
        offerControl(new Control(new YamuxHeader(YamuxHeader.TYPE_GO_AWAY, 0, 0, code & YamuxHeader.MAX_U32)));
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Why the session closed, or null while open. */
    public synchronized String closeReason() {
        return closeReason;
    }

    /** Streams open now (either direction, until both sides sent FIN or one sent RST). */
    public int activeStreams() {
        return streams.size();
    }

    /** Called once with the reason when the session closes (at once if it already has). */
    public void onClose(Consumer<String> listener) {
        String reason;
        synchronized (this) {
            if (!closed) {
                closeListeners.add(listener);
                return;
            }
            reason = closeReason;
        }
        listener.accept(reason);
    }

    /** Sends GoAway "normal", fails open streams and closes the channel. */
    @Override
    public void close() {
        shutdown("closed locally", YamuxHeader.GO_AWAY_NORMAL, true);
    }

    /** A stream closed locally is reset if the peer's FIN does not come within the close timeout. */
    void closeTimeout(YamuxStream s) {
        if (isClosed()) return;
        KEEP_ALIVE.schedule(() -> {
            if (!isClosed() && s.resetAfterCloseTimeout()) {
                LOG.debug("{}: {} reset, no FIN within {} after our close", name, s, config.streamCloseTimeout());
                offerControl(new Control(new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST,
                        s.longId(), 0)));
            }
        }, config.streamCloseTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Bytes received and not yet read by the application, over all open streams. */
    public long bufferedBytes() {
        long sum = 0;
        for (YamuxStream s : streams.values()) sum += s.bufferedBytes();
        return sum;
    }

    /** Array bytes held by the streams' receive buffers (at most about twice {@link #bufferedBytes()}). */
    long heldBytes() {
        long sum = 0;
        for (YamuxStream s : streams.values()) sum += s.heldBytes();
        return sum;
    }

    int maxFrameBody() {
        return config.maxFrameBody();
    }

    // ---- writing ----

    /**
     * A frame of stream {@code s} from an application thread; carries ACK if it is the stream's first.
     * Called on the reader thread (an inbound-stream callback that resets, closes or reads a stream),
     * a body-less frame is queued instead, since the reader must never block on the channel.
     */
    void sendStreamFrame(YamuxStream s, int type, int flags, long length, byte[] body, int off, int len) throws IOException {
        if (len == 0 && Thread.currentThread() == reader) {
            if (!offerControl(new Control(new YamuxHeader(type, flags, s.longId(), length), s, false))) {
                throw new IOException(name + ": control queue full");
            }
            return;
        }
        writeLock.lock();
        try {
            if (s.takeAckPending()) flags |= YamuxHeader.FLAG_ACK;
            writeFrame(new YamuxHeader(type, flags, s.longId(), length), body, off, len, false);
        } finally {
            writeLock.unlock();
        }
    }

    /** Holding the write lock: header and body in one channel write. */
    private void writeFrame(YamuxHeader h, byte[] body, int off, int len, boolean fromControlWriter) throws IOException {
        synchronized (this) {
            if (closed && !fromControlWriter) throw new IOException(name + " is closed: " + closeReason);
        }
        byte[] frame = new byte[YamuxHeader.SIZE + len];
        h.encode(frame, 0);
        if (len > 0) System.arraycopy(body, off, frame, YamuxHeader.SIZE, len);
        try {
            io.write(frame, 0, frame.length);
        } catch (IOException e) {
            if (!fromControlWriter) shutdown("write failed: " + e.getMessage(), YamuxHeader.GO_AWAY_INTERNAL_ERROR, false);
            throw e;
        }
    }

    /** Queues a control frame; false if the queue is full or the session closed. */
    private boolean offerControl(Control c) {
        synchronized (control) {
            if (control.size() >= config.maxPendingControl()) return false;
            control.addLast(c);
            scheduleDrain();
        }
        return true;
    }

    /** Holding {@code control}: makes sure one drain task runs. */
    private void scheduleDrain() {
        if (draining) return;
        draining = true;
        CONTROL_WRITERS.execute(this::drainControl);
    }

    /** From the reader: a full queue means the peer asks for answers faster than the link takes them. */
    private void queueControl(Control c) throws YamuxProtocolException {
        if (!offerControl(c)) {
            throw new YamuxProtocolException("more than " + config.maxPendingControl()
                    + " control frames waiting to be sent (the peer floods pings, SYNs or RSTs)");
        }
    }

    /** Writes queued control frames in order until the queue is empty; the only writer of control frames. */
    private void drainControl() {
        while (true) {
            Control c;
            synchronized (control) {
                c = control.pollFirst();
                if (c == null) {
                    draining = false;
                    return;
                }
            }
            if (c == STOP) {
                closeChannel(); // "draining" stays set: nothing is written after the GoAway
                return;
            }
            try {
                writeControl(c);
            } catch (IOException e) {
                shutdown("write failed: " + e.getMessage(), YamuxHeader.GO_AWAY_INTERNAL_ERROR, false);
                closeChannel();
                return;
            }
        }
    }

    private void writeControl(Control c) throws IOException {
        writeLock.lock();
        try {
            YamuxHeader h = c.header();
            boolean goAway = h.type() == YamuxHeader.TYPE_GO_AWAY;
            if (c.stream() != null) {
                YamuxStream s = c.stream();
                boolean ack = s.takeAckPending();
                if (c.ackOnly()) {
                    if (!ack && h.length() == 0) return;
                    s.addCredit(h.length());
                }
                if (ack) h = new YamuxHeader(h.type(), h.flags() | YamuxHeader.FLAG_ACK, h.streamId(), h.length());
            }
            // once closed only the GoAway goes out; other answers are moot (and must not end this thread)
            synchronized (this) {
                if (closed && !goAway) return;
            }
            writeFrame(h, null, 0, 0, true);
        } finally {
            writeLock.unlock();
        }
    }

    /** On the shared timer: queues a keep-alive ping, or closes the session if the last one is unanswered. */
    private void keepAliveTick() {
        long id = -1;
        synchronized (this) {
            if (closed) return;
            boolean unanswered = keepAlivePing >= 0 && pings.containsKey(keepAlivePing);
            if (!unanswered) {
                id = takePingId();
                keepAlivePing = id;
                pings.put(id, new PingWaiter(System.nanoTime(), new CompletableFuture<>()));
            }
        }
        if (id < 0) {
            shutdown("keep-alive ping unanswered for " + config.keepAlive().toMillis() + " ms",
                    YamuxHeader.GO_AWAY_NORMAL, true);
        } else {
            offerControl(new Control(new YamuxHeader(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN, 0, id)));
        }
    }

    private long takePingId() {
        long id = nextPingId;
        nextPingId = (nextPingId + 1) & YamuxHeader.MAX_U32;
        return id;
    }

    // ---- reading ----

    private void readLoop() {
        try {
            while (true) {
                YamuxHeader h = frames.readHeader();
                if (h == null) {
                    shutdown("connection closed by the peer", YamuxHeader.GO_AWAY_NORMAL, false);
                    return;
                }
                handle(h);
            }
        } catch (YamuxProtocolException e) {
            shutdown("protocol error: " + e.getMessage(), YamuxHeader.GO_AWAY_PROTOCOL_ERROR, true);
        } catch (IOException e) {
            shutdown("connection failed: " + e.getMessage(), YamuxHeader.GO_AWAY_INTERNAL_ERROR, false);
        } catch (RuntimeException e) {
            LOG.error("{}: internal error in the reader", name, e);
            shutdown("internal error: " + e, YamuxHeader.GO_AWAY_INTERNAL_ERROR, true);
        }
    }

    private void handle(YamuxHeader h) throws IOException {
        switch (h.type()) {
            case YamuxHeader.TYPE_DATA, YamuxHeader.TYPE_WINDOW_UPDATE -> handleStreamFrame(h);
            case YamuxHeader.TYPE_PING -> handlePing(h);
            case YamuxHeader.TYPE_GO_AWAY -> handleGoAway(h);
            default -> throw new YamuxProtocolException("unknown frame type " + h.type()); // decode rejects it already
        }
    }

    private void handleStreamFrame(YamuxHeader h) throws IOException {
        long id = h.streamId();
        boolean data = h.type() == YamuxHeader.TYPE_DATA;
        if (id == 0) throw new YamuxProtocolException(YamuxHeader.typeName(h.type()) + " frame on stream id 0");
        YamuxStream s = streams.get(id);
        boolean opened = false;
        if (h.has(YamuxHeader.FLAG_SYN)) {
            if (s != null) throw new YamuxProtocolException("SYN for stream " + id + " which is already open");
            s = acceptInbound(id);
            if (s == null) { // refused (RST queued); its data goes nowhere
                if (data) frames.skipBody(h.length());
                return;
            }
            opened = true;
        } else if (s == null) {
            if (!wasOpenedBefore(id)) {
                throw new YamuxProtocolException(YamuxHeader.typeName(h.type()) + " frame for stream " + id
                        + " which was never opened");
            }
            // a stream we already closed or reset: frames in flight are expected, their data is dropped
            if (data) frames.skipBody(h.length());
            return;
        }
        if (data) {
            s.checkReceive(h.length());
            byte[] body = frames.readBody((int) h.length());
            long grant = s.receive(body);
            if (grant > 0) queueControl(new Control(new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, 0, id, grant)));
        } else {
            s.windowUpdate(h.length());
        }
        if (opened) {
            int extra = config.initialWindow() - YamuxConfig.SPEC_INITIAL_WINDOW;
            queueControl(new Control(new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, 0, id, extra), s, true));
            try {
                onInboundStream.accept(s);
            } catch (RuntimeException e) {
                LOG.warn("{}: inbound stream handler failed on stream {}; resetting it", name, id, e);
                s.reset();
            }
        }
        if (h.has(YamuxHeader.FLAG_FIN)) {
            s.remoteFin();
            s.afterRemoteClose();
        }
        if (h.has(YamuxHeader.FLAG_RST)) s.remoteReset();
    }

    /** Validates a SYN from the peer; null when refused with RST (too many streams, or we are going away). */
    private YamuxStream acceptInbound(long id) throws YamuxProtocolException {
        boolean remoteOdd = !initiator;
        if ((id % 2 == 1) != remoteOdd) {
            throw new YamuxProtocolException("SYN for stream " + id + ": the " + (initiator ? "responder" : "initiator")
                    + " must open " + (remoteOdd ? "odd" : "even") + " ids");
        }
        String refusal = null;
        YamuxStream s = null;
        synchronized (this) {
            if (id > highestRemoteId) {
                long shift = (id - highestRemoteId) / 2;
                remoteSeen = shift >= 64 ? 0 : remoteSeen << shift;
                remoteSeen |= 1;
                highestRemoteId = id;
            } else {
                long back = (highestRemoteId - id) / 2;
                if (back >= REORDER_WINDOW) {
                    throw new YamuxProtocolException("SYN for stream " + id + ", far below the highest stream the peer "
                            + "opened (" + highestRemoteId + "): a reused or stale id");
                }
                if ((remoteSeen & (1L << back)) != 0) {
                    throw new YamuxProtocolException("SYN for stream " + id + " which was opened before (reused id)");
                }
                remoteSeen |= 1L << back;
            }
            if (closed) {
                // closing: the stream dies with the session, nothing to answer (and no limit was hit)
                LOG.debug("{}: ignoring SYN for stream {}: session closing ({})", name, id, closeReason);
                return null;
            } else if (localGoAway) {
                refusal = "we sent GoAway, no new streams";
            } else if (inboundActive >= config.maxStreams()) {
                refusal = inboundActive + " inbound streams already open (limit " + config.maxStreams() + ")";
            } else {
                refusal = budget.tryReserve(config.initialWindow(), true);
            }
            if (refusal == null) {
                inboundActive++;
                s = new YamuxStream(this, id, true, config.initialWindow());
                streams.put(id, s);
            }
        }
        if (refusal != null) {
            peerLog.warn("yamux.refused", "{}: refusing stream {} with RST: {}", name, id, refusal);
            queueControl(new Control(new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST, id, 0)));
        }
        return s;
    }

    private synchronized boolean wasOpenedBefore(long id) {
        boolean remoteOdd = !initiator;
        boolean remoteId = (id % 2 == 1) == remoteOdd;
        return remoteId ? id <= highestRemoteId : id < nextLocalId;
    }

    private void handlePing(YamuxHeader h) throws YamuxProtocolException {
        if (h.has(YamuxHeader.FLAG_SYN)) {
            queueControl(new Control(new YamuxHeader(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_ACK, 0, h.length())));
        } else if (h.has(YamuxHeader.FLAG_ACK)) {
            PingWaiter w;
            synchronized (this) {
                w = pings.remove(h.length());
            }
            // an answer to no ping of ours is harmless: ignored
            if (w != null) w.result().complete(Duration.ofNanos(System.nanoTime() - w.sentNanos()));
        }
    }

    private void handleGoAway(YamuxHeader h) {
        long code = h.length();
        synchronized (this) {
            remoteGoAway = true;
        }
        if (code == YamuxHeader.GO_AWAY_NORMAL) {
            LOG.info("{}: the peer sent GoAway (normal); no new streams", name);
        } else {
            String what = code == YamuxHeader.GO_AWAY_PROTOCOL_ERROR ? "protocol error"
                    : code == YamuxHeader.GO_AWAY_INTERNAL_ERROR ? "internal error" : "code " + code;
            shutdown("the peer sent GoAway (" + what + ")", YamuxHeader.GO_AWAY_NORMAL, false);
        }
    }

    void removeStream(YamuxStream s) {
        if (streams.remove(s.longId(), s) && s.isInbound()) {
            synchronized (this) {
                inboundActive--;
            }
        }
        s.maybeReleaseBudget();
    }

    /** Gives the stream's window back to the budget, once (see {@link YamuxStream#maybeReleaseBudget}). */
    void releaseBudget(YamuxStream s) {
        if (s.takeBudget()) budget.release(config.initialWindow());
    }

    // ---- closing ----

    private void shutdown(String reason, int goAwayCode, boolean sendGoAway) {
        List<Consumer<String>> listeners;
        List<PingWaiter> waiting;
        ScheduledFuture<?> ticks;
        synchronized (this) {
            if (closed) return;
            closed = true;
            closeReason = reason;
            listeners = new ArrayList<>(closeListeners);
            closeListeners.clear();
            waiting = new ArrayList<>(pings.values());
            pings.clear();
            ticks = keepAliveTask;
        }
        if (ticks != null) ticks.cancel(false);
        if (goAwayCode == YamuxHeader.GO_AWAY_PROTOCOL_ERROR) {
            peerLog.warn("yamux.protocol-error", "{}: closing: {}", name, reason);
        } else {
            peerLog.info("yamux.closing", "{}: closing: {}", name, reason);
        }
        for (YamuxStream s : streams.values()) {
            s.sessionClosed(reason);
            s.maybeReleaseBudget(); // nothing more can arrive; unread data keeps its reservation until read
        }
        IOException failure = new IOException(name + " closed: " + reason);
        for (PingWaiter w : waiting) w.result().completeExceptionally(failure);
        synchronized (control) {
            // pending answers are moot; the GoAway is the last frame, then the drain task closes the channel
            control.clear();
            // one GoAway per session: after goAway(0) a normal close has said everything already
            boolean said;
            synchronized (this) {
                said = localGoAway && goAwayCode == YamuxHeader.GO_AWAY_NORMAL;
                localGoAway = true;
            }
            if (sendGoAway && !said) control.addLast(new Control(new YamuxHeader(YamuxHeader.TYPE_GO_AWAY, 0, 0, goAwayCode)));
            control.addLast(STOP);
            scheduleDrain();
        }
        boolean mayWait = !writeLock.isHeldByCurrentThread() && !(Thread.currentThread() instanceof PoolThread);
        if (mayWait) {
            // give the GoAway a moment to leave; a blocked channel is closed anyway, which unblocks the write
            try {
                channelClosed.await(CLOSE_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeChannel();
        }
        Runnable notify = () -> {
            for (Consumer<String> l : listeners) {
                try {
                    l.accept(reason);
                } catch (RuntimeException e) {
                    LOG.warn("{}: close listener failed", name, e);
                }
            }
        };
        // listeners may take their time (a host closing its connection, telling its own listeners):
        // never on the shared timer or a control writer, which other sessions wait for
        if (Thread.currentThread() instanceof PoolThread) {
            CONTROL_WRITERS.execute(notify);
        } else {
            notify.run();
        }
    }

    private void closeChannel() {
        try {
            io.close();
        } catch (IOException e) {
            LOG.debug("{}: closing the channel: {}", name, e.toString());
        } finally {
            channelClosed.countDown();
        }
    }
}
