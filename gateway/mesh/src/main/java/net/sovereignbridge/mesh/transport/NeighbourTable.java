package net.sovereignbridge.mesh.transport;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The neighbours one transport heard: an endpoint is a neighbour from the moment the transport records it (its
 * first well-formed frame, or the node's proof: {@link NeighbourRule}) until it has been silent for the profile's
 * neighbour timeout. Bounded: once {@code capacity} endpoints are held, frames from
 * further endpoints are still delivered but add no entry, so a peer forging source addresses cannot make us
 * store more than the capacity. Time comes from an injected {@link Clock} (virtual in the simulator and tests).
 * Thread-safe.
 */
public final class NeighbourTable {
    private final Clock clock;
    private final long timeoutMillis;
    private final int capacity;
    private final Map<Endpoint, Neighbour> entries = new LinkedHashMap<>();
    private long nextSweepMillis = Long.MIN_VALUE;

    public NeighbourTable(Clock clock, long timeoutMillis, int capacity) {
        if (timeoutMillis <= 0) throw new IllegalArgumentException("neighbour timeout must be positive");
        if (capacity <= 0) throw new IllegalArgumentException("neighbour capacity must be positive");
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
        this.capacity = capacity;
    }

    /**
     * Records a frame from {@code endpoint}; returns the new entry when the endpoint was not a neighbour before,
     * null when it was (or when the table is full).
     */
    public synchronized Neighbour heard(Endpoint endpoint, LinkQuality quality) {
        Neighbour n = new Neighbour(endpoint, quality, clock.instant());
        boolean known = entries.containsKey(endpoint);
        if (!known && entries.size() >= capacity) return null;
        entries.put(endpoint, n);
        return known ? null : n;
    }

    /**
     * Makes {@code endpoint} a neighbour unless it is one (left as it is: its frames keep it fresh); returns the
     * new entry, or null when it was one already (or the table is full).
     */
    public synchronized Neighbour add(Endpoint endpoint, LinkQuality quality) {
        if (entries.containsKey(endpoint) || entries.size() >= capacity) return null;
        Neighbour n = new Neighbour(endpoint, quality, clock.instant());
        entries.put(endpoint, n);
        return n;
    }

    /** Records a frame from {@code endpoint} if it is a neighbour already; returns whether it was one. */
    public synchronized boolean refresh(Endpoint endpoint, LinkQuality quality) {
        if (!entries.containsKey(endpoint)) return false;
        entries.put(endpoint, new Neighbour(endpoint, quality, clock.instant()));
        return true;
    }

    /**
     * As {@link #expire()}, at most once per eighth of the timeout (empty list otherwise): cheap enough to call
     * for every received frame, and a silent neighbour is reported gone at most an eighth of its timeout late.
     */
    public synchronized List<Neighbour> expireIfDue() {
        if (clock.millis() < nextSweepMillis) return List.of();
        return expire();
    }

    /** Removes and returns the neighbours silent for longer than the timeout. */
    public synchronized List<Neighbour> expire() {
        Instant now = clock.instant();
        nextSweepMillis = now.toEpochMilli() + Math.max(1, timeoutMillis / 8);
        Instant cutoff = now.minusMillis(timeoutMillis);
        List<Neighbour> gone = new ArrayList<>();
        entries.values().removeIf(n -> {
            if (!n.lastHeard().isBefore(cutoff)) return false;
            gone.add(n);
            return true;
        });
        return gone;
    }

    public synchronized List<Neighbour> snapshot() {
        return List.copyOf(entries.values());
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void clear() {
        entries.clear();
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }
}
