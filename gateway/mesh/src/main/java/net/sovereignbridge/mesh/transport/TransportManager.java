package net.sovereignbridge.mesh.transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the node's transports: starts and stops them, restarts FAILED ones with exponential backoff
 * (1 s doubling to 5 min), leaves UNAVAILABLE ones alone (hardware missing: only reconfiguration helps),
 * counts traffic, and fans transport callbacks out to the node and to observers.
 */
public final class TransportManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransportManager.class);
    private static final long MAX_BACKOFF_MILLIS = 300_000;

    /** What the manager tells the node and observers. */
    public interface Events {
        void onFrame(Transport transport, Endpoint from, byte[] frame, LinkQuality quality);

        default void onStateChanged(Transport transport, TransportState state, String reason) {}

        default void onNeighbour(Transport transport, Neighbour neighbour, boolean up) {}
    }

    private final Map<String, Managed> transports = new ConcurrentHashMap<>();
    private final List<Events> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "transport-retry");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    public void addListener(Events events) {
        listeners.add(events);
    }

    public void add(Transport transport) {
        if (transports.putIfAbsent(transport.id(), new Managed(transport)) != null) {
            throw new IllegalArgumentException("duplicate transport id '" + transport.id() + "'");
        }
    }

    public void startAll() {
        transports.values().forEach(this::start);
    }

    private void start(Managed m) {
        if (closed) return;
        try {
            m.transport.start(m);
            m.lastReason = "";
        } catch (TransportException | RuntimeException e) {
            m.lastReason = e.getMessage();
            if (m.transport.state() == TransportState.UNAVAILABLE) {
                log.warn("transport {} unavailable: {}", m.transport.id(), e.getMessage());
                return;
            }
            log.warn("transport {} failed to start: {}; retrying in {} ms", m.transport.id(), e.getMessage(),
                    m.backoffMillis);
            scheduleRetry(m);
        }
    }

    private void scheduleRetry(Managed m) {
        if (closed) return;
        long delay = m.backoffMillis;
        m.backoffMillis = Math.min(MAX_BACKOFF_MILLIS, m.backoffMillis * 2);
        retry.schedule(() -> {
            if (!closed && m.transport.state() != TransportState.ACTIVE) start(m);
        }, delay, TimeUnit.MILLISECONDS);
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
        Managed m = transports.get(transportId);
        if (m == null) return false;
        try {
            m.transport.send(to, frame);
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
        volatile long backoffMillis = 1000;
        volatile String lastReason = "";

        Managed(Transport transport) {
            this.transport = transport;
        }

        @Override
        public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality quality) {
            counters.framesIn.incrementAndGet();
            counters.bytesIn.addAndGet(frame.length);
            for (Events e : listeners) {
                try {
                    e.onFrame(t, from, frame, quality);
                } catch (RuntimeException ex) {
                    // A bug in one consumer must not stop the receive loop of a transport.
                    log.error("frame handler failed for a frame from {}", from, ex);
                }
            }
        }

        @Override
        public void onStateChanged(Transport t, TransportState state, String reason) {
            log.info("transport {} is {}{}", t.id(), state, reason == null || reason.isEmpty() ? "" : ": " + reason);
            if (reason != null && !reason.isEmpty()) lastReason = reason;
            if (state == TransportState.ACTIVE) backoffMillis = 1000;
            listeners.forEach(e -> e.onStateChanged(t, state, reason));
            if (state == TransportState.FAILED) scheduleRetry(this);
        }

        @Override
        public void onNeighbour(Transport t, Neighbour neighbour, boolean up) {
            listeners.forEach(e -> e.onNeighbour(t, neighbour, up));
        }
    }
}
