package net.sovereignbridge.p2p.host;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Admission of inbound connections that have not finished their handshake yet (the host's libp2p
 * upgrade; the WebSocket transport's HTTP upgrade before it). A silent connection costs an attacker
 * nothing, so a plain count of pending handshakes lets one address lock everybody out by keeping the
 * slots full (reopening each as it times out). The rules:
 *
 * <ul>
 *   <li>one address ({@link RemoteAddress#shareKey}: an IPv4 address or an IPv6 /64) holds at most
 *       {@link Limits#perAddress()} pending handshakes; past that its new connections are refused;
 *   <li>the last {@link Limits#reservedForNewAddresses()} slots go only to addresses with no pending
 *       handshake, so many addresses that each hold a few cannot take the last slot from a newcomer;
 *   <li>when the slots a newcomer may use are full, the oldest pending handshake of the address holding
 *       the most is closed to make room, if that address would still hold more than the newcomer; else
 *       the oldest pending handshake older than {@link Limits#evictableAfter()} whose address holds at
 *       least as many as the newcomer would (a peer that has not finished in that time is the slowest
 *       and the likeliest attacker). Otherwise the newcomer is refused.
 * </ul>
 *
 * A legitimate handshake takes a few round trips (milliseconds on a LAN, under a second across the
 * internet), so it finishes long before it could be evicted. Thread-safe; evicted connections are
 * closed outside the lock.
 */
public final class HandshakeBudget {

    /**
     * @param total                   pending handshakes at once
     * @param perAddress              of them from one address
     * @param reservedForNewAddresses the last slots, only for addresses with none pending
     * @param evictableAfter          a pending handshake this old may be closed to admit a newcomer
     */
    public record Limits(int total, int perAddress, int reservedForNewAddresses, Duration evictableAfter) {
        public Limits {
            if (total < 1 || perAddress < 1 || perAddress > total || reservedForNewAddresses < 0
                    || reservedForNewAddresses >= total || evictableAfter.isNegative()) {
                throw new IllegalArgumentException("handshake limits: total " + total + ", per address " + perAddress
                        + ", reserved " + reservedForNewAddresses + ", evictable after " + evictableAfter);
            }
        }

        /**
         * The shares used everywhere: an address may hold a quarter of the slots, a quarter is kept for
         * addresses with none pending, and a handshake older than a fifth of the handshake timeout may be
         * evicted (2 s with the default 10 s). With 16 slots: 4 per address, 4 reserved.
         */
        public static Limits of(int total, Duration handshakeTimeout) {
            return new Limits(total, Math.max(1, total / 4), total / 4, handshakeTimeout.dividedBy(5));
        }
    }

    /** Refused: the message says which limit, for the log line and the listeners. */
    public static final class RefusedException extends IOException {
        RefusedException(String reason) {
            super(reason);
        }
    }

    /** One admitted handshake; {@link #close()} gives its slot back (idempotent). */
    public final class Ticket implements AutoCloseable {
        private final String address;
        private final Closeable connection;
        private final long admittedNanos;
        private boolean released;
        private boolean evicted;

        private Ticket(String address, Closeable connection, long admittedNanos) {
            this.address = address;
            this.connection = connection;
            this.admittedNanos = admittedNanos;
        }

        /** True when this handshake was closed to make room for another (so its failure is no surprise). */
        public boolean evicted() {
            synchronized (HandshakeBudget.this) {
                return evicted;
            }
        }

        @Override
        public void close() {
            synchronized (HandshakeBudget.this) {
                release(this);
            }
        }
    }

    private final Limits limits;
    private final LongSupplier nanoClock;
    /** Pending handshakes, oldest first. */
    private final LinkedHashSet<Ticket> pending = new LinkedHashSet<>();
    private final Map<String, Integer> byAddress = new HashMap<>();
    private long refused;
    private long evictions;

    public HandshakeBudget(Limits limits) {
        this(limits, System::nanoTime);
    }

    HandshakeBudget(Limits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Admits a handshake from {@code address} (a {@link RemoteAddress#shareKey}) on {@code connection},
     * closing another pending one if the rules above say so.
     *
     * @throws RefusedException naming the limit when it is refused (the caller closes the connection)
     */
    public Ticket admit(String address, Closeable connection) throws RefusedException {
        Ticket victim;
        Ticket ticket;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            int mine = byAddress.getOrDefault(address, 0);
            if (mine >= limits.perAddress()) {
                refused++;
                throw new RefusedException(address + " already has " + mine + " handshakes pending (limit per address "
                        + limits.perAddress() + ")");
            }
            int usable = mine == 0 ? limits.total() : limits.total() - limits.reservedForNewAddresses();
            victim = null;
            if (pending.size() >= usable) {
                victim = pending.size() == usable ? victimFor(mine + 1, now) : null;
                if (victim == null) {
                    refused++;
                    throw new RefusedException(pending.size() + " handshakes pending (limit " + limits.total()
                            + (mine > 0 ? ", " + limits.reservedForNewAddresses() + " of them kept for addresses with none" : "")
                            + ") and none may be evicted");
                }
                release(victim);
                victim.evicted = true;
                evictions++;
            }
            ticket = new Ticket(address, connection, now);
            pending.add(ticket);
            byAddress.merge(address, 1, Integer::sum);
        }
        if (victim != null) closeQuietly(victim.connection);
        return ticket;
    }

    /** The pending handshake to evict for a newcomer whose address would then hold {@code newcomerCount}. */
    private Ticket victimFor(int newcomerCount, long now) {
        String heaviest = null;
        int most = 0;
        for (Map.Entry<String, Integer> e : byAddress.entrySet()) {
            if (e.getValue() > most) {
                most = e.getValue();
                heaviest = e.getKey();
            }
        }
        if (most > newcomerCount) {
            for (Ticket t : pending) if (t.address.equals(heaviest)) return t; // oldest first
        }
        long minAge = limits.evictableAfter().toNanos();
        for (Ticket t : pending) {
            if (now - t.admittedNanos >= minAge && byAddress.get(t.address) >= newcomerCount) return t;
        }
        return null;
    }

    private void release(Ticket t) {
        if (t.released) return;
        t.released = true;
        pending.remove(t);
        byAddress.computeIfPresent(t.address, (k, n) -> n <= 1 ? null : n - 1);
    }

    public synchronized int pending() {
        return pending.size();
    }

    public synchronized int pending(String address) {
        return byAddress.getOrDefault(address, 0);
    }

    /** Handshakes refused since the start (a measurement for tests and status). */
    public synchronized long refused() {
        return refused;
    }

    /** Pending handshakes closed to make room. */
    public synchronized long evictions() {
        return evictions;
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // already gone
        }
    }
}
