package net.sovereignbridge.mesh.transport.radio;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongUnaryOperator;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * The send side of a half-duplex, airtime-governed radio: two bounded queues, one for this mesh's own traffic
 * ({@link TrafficOrigin#LOCAL}) and one for traffic that entered from outside ({@link TrafficOrigin#capped()}),
 * and a {@link DutyCycleGovernor} that decides when the head of each may go on air. The radio's one sending
 * thread calls {@link #take}; it gets the next packet whose airtime fits now, local first, and waits otherwise.
 * A packet beyond the budget waits in its queue; it never goes on air early. Thread-safe.
 */
public final class AirtimeQueue {
    /** One packet as it goes on air, with where it entered the mesh and its time on air. */
    public record Packet(byte[] bytes, TrafficOrigin origin, long airtimeNanos) {}

    /** What {@link #offer} did. */
    public enum Offer { QUEUED, FULL, CLOSED }

    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DutyCycleGovernor governor;
    private final int limitPerOrigin;
    private final LongUnaryOperator wallNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Packet> local = new ArrayDeque<>();
    private final ArrayDeque<Packet> capped = new ArrayDeque<>();
    private final AtomicLong budgetWaits = new AtomicLong();
    private boolean open;

    /**
     * @param limitPerOrigin packets each queue holds before {@link #offer} refuses more
     * @param wallNanos converts the governor's clock to wall-clock nanoseconds (identity in production; the
     *     emulated air of tests runs faster)
     */
    public AirtimeQueue(DutyCycleGovernor governor, int limitPerOrigin, LongUnaryOperator wallNanos) {
        if (limitPerOrigin <= 0) throw new IllegalArgumentException("queue limit must be positive");
        this.governor = governor;
        this.limitPerOrigin = limitPerOrigin;
        this.wallNanos = wallNanos;
    }

    public DutyCycleGovernor governor() {
        return governor;
    }

    public int limitPerOrigin() {
        return limitPerOrigin;
    }

    /** Accepts packets and lets {@link #take} return them. */
    public void open() {
        lock.lock();
        try {
            open = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further packets and makes {@link #take} return null; queued packets stay for the next open. */
    public void close() {
        lock.lock();
        try {
            open = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public Offer offer(Packet p) {
        lock.lock();
        try {
            if (!open) return Offer.CLOSED;
            ArrayDeque<Packet> q = p.origin().capped() ? capped : local;
            if (q.size() >= limitPerOrigin) return Offer.FULL;
            q.addLast(p);
            changed.signalAll();
            return Offer.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next packet the duty cycle lets go on air now, local traffic first; waits until there is one. While
     * waiting it runs {@code whileWaiting} at least once a second of wall time (housekeeping of the radio
     * thread: neighbour expiry). Returns null once the queue is closed.
     */
    public Packet take(Runnable whileWaiting) throws InterruptedException {
        lock.lock();
        try {
            while (open) {
                long wait = Long.MAX_VALUE;
                for (ArrayDeque<Packet> q : List.of(local, capped)) {
                    Packet head = q.peekFirst();
                    if (head == null) continue;
                    long d = governor.delayNanos(head.airtimeNanos(), head.origin());
                    if (d == 0) return q.pollFirst();
                    wait = Math.min(wait, d);
                }
                if (wait != Long.MAX_VALUE) budgetWaits.incrementAndGet();
                long wallWait = wait == Long.MAX_VALUE ? MAX_WAIT_NANOS
                        : Math.max(100_000, Math.min(MAX_WAIT_NANOS, wallNanos.applyAsLong(wait)));
                changed.awaitNanos(wallWait);
                whileWaiting.run();
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Packets waiting: [0] local, [1] capped (internet and devices). */
    public int[] sizes() {
        lock.lock();
        try {
            return new int[] {local.size(), capped.size()};
        } finally {
            lock.unlock();
        }
    }

    /** Times the sending thread found packets waiting that the duty cycle did not let go yet. */
    public long budgetWaits() {
        return budgetWaits.get();
    }
}
