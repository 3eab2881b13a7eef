package net.sovereignbridge.mesh.transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.frame.DecodeError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the node's transports: starts and stops them, restarts FAILED ones with exponential backoff
 * (1 s doubling to 5 min), leaves UNAVAILABLE ones alone (hardware missing: the operator fixes the cause and
 * starts it again, {@link #start(String)}),
 * counts traffic, and fans transport callbacks out to the node and to observers.
 *
 * <p>A transport that fails both reports FAILED and throws from {@code start}; the manager keeps at most one
 * retry pending per transport, so the two signals never turn into two retry chains.
 */
public final class TransportManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransportManager.class);
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;

    private final Map<String, Managed> transports = new ConcurrentHashMap<>();
    private final List<TransportListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService retry;
    private volatile boolean closed;

    /** Retries start after 1 s and double up to 5 min. */
    public TransportManager() {
        this(1_000, 300_000);
    }

    public TransportManager(long initialBackoffMillis, long maxBackoffMillis) {
        this(initialBackoffMillis, maxBackoffMillis, Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "transport-retry");
            t.setDaemon(true);
            return t;
        }));
    }

    /** With restarts scheduled on {@code retry} (a simulation's shared scheduler); closing shuts it down. */
    public TransportManager(long initialBackoffMillis, long maxBackoffMillis, ScheduledExecutorService retry) {
        this.retry = retry;
        if (initialBackoffMillis <= 0 || maxBackoffMillis < initialBackoffMillis) {
            throw new IllegalArgumentException("backoff must be 0 < initial <= max");
        }
        this.initialBackoffMillis = initialBackoffMillis;
        this.maxBackoffMillis = maxBackoffMillis;
    }

    /** {@code listener} hears every transport's frames, state changes and neighbours (the node's link layer). */
    public void addListener(TransportListener listener) {
        listeners.add(listener);
    }

    public void add(Transport transport) {
        if (transports.putIfAbsent(transport.id(), new Managed(transport, initialBackoffMillis)) != null) {
            throw new IllegalArgumentException("duplicate transport id '" + transport.id() + "'");
        }
    }

    public void startAll() {
        transports.values().forEach(this::start);
    }

    /** Stops one transport for good and cancels its pending retry. */
    public void stop(String id) {
        Managed m = transports.get(id);
        if (m == null) throw new IllegalArgumentException("no transport '" + id + "'");
        m.stopped = true;
        try {
            m.transport.stop();
        } catch (RuntimeException e) {
            log.warn("stopping transport {}: {}", id, e.getMessage());
        }
    }

    /**
     * Starts one transport now: one added after {@link #startAll}, or, at the operator's word, one that is
     * UNAVAILABLE (the cause fixed) or was stopped. Its backoff starts again from the initial delay.
     */
    public void start(String id) {
        Managed m = transports.get(id);
        if (m == null) throw new IllegalArgumentException("no transport '" + id + "'");
        m.stopped = false;
        m.backoffMillis = m.initialBackoff;
        start(m);
    }

    /** How many start attempts the manager made for a transport (first start included). */
    public long startAttempts(String id) {
        Managed m = transports.get(id);
        return m == null ? 0 : m.startAttempts.get();
    }

    private void start(Managed m) {
        if (closed || m.stopped) return;
        m.startAttempts.incrementAndGet();
        try {
            m.transport.start(m);
            m.lastReason = "";
        } catch (TransportException | RuntimeException e) {
            m.lastReason = e.getMessage();
            if (m.transport.state() == TransportState.UNAVAILABLE) {
                log.warn("transport {} unavailable: {}", m.transport.id(), e.getMessage());
                return;
            }
            log.warn("transport {} failed to start: {}", m.transport.id(), e.getMessage());
            scheduleRetry(m);
        }
    }

    private void scheduleRetry(Managed m) {
        if (closed || m.stopped || !m.retryPending.compareAndSet(false, true)) return;
        long delay = m.backoffMillis;
        m.backoffMillis = Math.min(maxBackoffMillis, m.backoffMillis * 2);
        log.info("transport {}: next start attempt in {} ms", m.transport.id(), delay);
        try {
            retry.schedule(() -> {
                m.retryPending.set(false);
                if (!closed && !m.stopped && m.transport.state() != TransportState.ACTIVE) start(m);
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            m.retryPending.set(false); // closing
        }
    }

    public Transport get(String id) {
        Managed m = transports.get(id);
        return m == null ? null : m.transport;
    }

    public Collection<Transport> all() {
        List<Transport> out = new ArrayList<>();
        transports.values().forEach(m -> out.add(m.transport));
        return out;
    }

    public TransportCounters counters(String id) {
        Managed m = transports.get(id);
        if (m == null) throw new IllegalArgumentException("no transport '" + id + "'");
        return m.counters;
    }

    public String lastReason(String id) {
        Managed m = transports.get(id);
        return m == null ? "" : m.lastReason;
    }

    /** Sends one link frame, counting it; false (and counted) when the transport refused it. */
    public boolean send(String transportId, Endpoint to, byte[] frame) {
        return send(transportId, to, frame, TrafficOrigin.LOCAL);
    }

    /** Sends one link frame on behalf of traffic from {@code origin} (airtime caps), counting it. */
    public boolean send(String transportId, Endpoint to, byte[] frame, TrafficOrigin origin) {
        Managed m = transports.get(transportId);
        if (m == null) return false;
        try {
            m.transport.send(to, frame, origin);
            m.counters.framesOut.incrementAndGet();
            m.counters.bytesOut.addAndGet(frame.length);
            return true;
        } catch (TransportException | RuntimeException e) {
            m.counters.sendFailures.incrementAndGet();
            log.debug("send on {} to {} failed: {}", transportId, to, e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        retry.shutdownNow();
        transports.values().forEach(m -> {
            try {
                m.transport.stop();
            } catch (RuntimeException e) {
                log.warn("stopping transport {}: {}", m.transport.id(), e.getMessage());
            }
        });
    }

    private final class Managed implements TransportListener {
        final Transport transport;
        final TransportCounters counters = new TransportCounters();
        final long initialBackoff;
        final AtomicBoolean retryPending = new AtomicBoolean();
        final AtomicLong startAttempts = new AtomicLong();
        volatile long backoffMillis;
        volatile boolean stopped;
        volatile String lastReason = "";

        Managed(Transport transport, long initialBackoff) {
            this.transport = transport;
            this.initialBackoff = initialBackoff;
            this.backoffMillis = initialBackoff;
        }

        @Override
        public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality quality) {
            counters.framesIn.incrementAndGet();
            counters.bytesIn.addAndGet(frame.length);
            for (TransportListener e : listeners) {
                try {
                    e.onFrame(t, from, frame, quality);
                } catch (RuntimeException ex) {
                    // A bug in one consumer must not stop the receive loop of a transport.
                    log.error("frame handler failed for a frame from {}", from, ex);
                }
            }
        }

        @Override
        public void onRejected(Transport t, DecodeError reason) {
            counters.drop(reason);
        }

        @Override
        public void onStateChanged(Transport t, TransportState state, String reason) {
            log.info("transport {} is {}{}", t.id(), state, reason == null || reason.isEmpty() ? "" : ": " + reason);
            if (reason != null && !reason.isEmpty()) lastReason = reason;
            if (state == TransportState.ACTIVE) backoffMillis = initialBackoff;
            for (TransportListener e : listeners) {
                try {
                    e.onStateChanged(t, state, reason);
                } catch (RuntimeException ex) {
                    log.error("state handler failed for transport {}", t.id(), ex);
                }
            }
            if (state == TransportState.FAILED) scheduleRetry(this);
        }

        @Override
        public void onNeighbour(Transport t, Neighbour neighbour, boolean up) {
            for (TransportListener e : listeners) {
                try {
                    e.onNeighbour(t, neighbour, up);
                } catch (RuntimeException ex) {
                    log.error("neighbour handler failed for {}", neighbour.endpoint(), ex);
                }
            }
        }
    }
}
