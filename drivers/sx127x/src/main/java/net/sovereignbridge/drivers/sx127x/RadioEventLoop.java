package net.sovereignbridge.drivers.sx127x;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The concurrency both LoRa drivers share (this SX127x driver and drivers/sx126x): one lock around every bus
 * transaction, an interrupt line (DIO0 or DIO1) whose rising edges only wake the waiting thread, the chip's IRQ
 * flags as the truth (also polled every {@code pollInterval}: an edge can be lost, and a line that stays high until
 * its flag is cleared sends no second one), and a receive thread that drains packets under the lock and delivers
 * them to the listener outside it.
 */
public final class RadioEventLoop {
    private static final Logger log = LoggerFactory.getLogger(RadioEventLoop.class);

    /** Reads the chip's IRQ flags. */
    @FunctionalInterface
    public interface FlagReader<E extends Exception> {
        int read() throws E;
    }

    /** Builds the exception for "no such flag in time" or "interrupted" (it may read the chip to say more). */
    @FunctionalInterface
    public interface TimeoutReport<E extends Exception> {
        E create(int lastFlags, long waitedMillis, boolean interrupted) throws E;
    }

    /** One round of the receive thread, under the lock: read what arrived ({@link #deliver}), check the receiver. */
    @FunctionalInterface
    public interface ReceiveRound<E extends Exception> {
        void run() throws E;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final String name;
    private final Duration pollInterval;
    private final DigitalInput line;
    private final ArrayDeque<ReceivedPacket> undelivered = new ArrayDeque<>();
    private final AtomicLong missedEdgeRecoveries = new AtomicLong();
    private long edges;
    private long edgesAtLastHandling;
    private PacketListener listener;
    private Thread receiveThread;
    private volatile boolean closed;

    /**
     * @param line the interrupt line (active high); its rising edges wake waiters
     * @param pollInterval how often the flags are read when no edge comes (100 ms on hardware)
     */
    public RadioEventLoop(String name, Duration pollInterval, DigitalInput line) {
        this.name = Objects.requireNonNull(name, "name");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.line = Objects.requireNonNull(line, "line");
        if (pollInterval.isNegative() || pollInterval.isZero()) throw new IllegalArgumentException("pollInterval");
        line.addRisingEdgeListener(this::onRisingEdge);
    }

    private void onRisingEdge() {
        lock.lock();
        try {
            edges++;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void lock() {
        lock.lock();
    }

    public void unlock() {
        lock.unlock();
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    /**
     * Called (lock held) when the flags show an event: counts it as a missed-edge recovery when the line is high
     * but no edge arrived since the last event handled.
     */
    public void eventFound() {
        if (edges == edgesAtLastHandling && line.isHigh()) missedEdgeRecoveries.incrementAndGet();
        edgesAtLastHandling = edges;
    }

    public long missedEdgeRecoveries() {
        return missedEdgeRecoveries.get();
    }

    /**
     * Waits (lock held) until one of {@code mask} is set in the flags: woken by edges, polling as a safety net.
     *
     * @return the flags that matched
     */
    public <E extends Exception> int awaitFlags(FlagReader<E> flags, int mask, long timeoutNanos,
                                                TimeoutReport<E> timeout) throws E {
        long deadline = System.nanoTime() + timeoutNanos;
        long poll = pollInterval.toNanos();
        while (true) {
            long seenEdges = edges;
            int f = flags.read();
            if ((f & mask) != 0) {
                eventFound();
                return f;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) throw timeout.create(f, TimeUnit.NANOSECONDS.toMillis(timeoutNanos), false);
            if (edges == seenEdges) {
                try {
                    wake.awaitNanos(Math.min(left, poll));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw timeout.create(f, TimeUnit.NANOSECONDS.toMillis(timeoutNanos - left), true);
                }
            }
        }
    }

    /** Queues a received packet (lock held) for the receive thread to hand to the listener. */
    public void deliver(ReceivedPacket packet) {
        undelivered.add(packet);
    }

    /** Sets the listener (lock held) and starts the receive thread once; it runs {@code round} until closed. */
    public <E extends Exception> void startReceiveThread(PacketListener packetListener, ReceiveRound<E> round) {
        listener = Objects.requireNonNull(packetListener, "packetListener");
        if (receiveThread != null) return;
        receiveThread = new Thread(() -> receiveLoop(round), name + "-rx");
        receiveThread.setDaemon(true);
        receiveThread.start();
    }

    private <E extends Exception> void receiveLoop(ReceiveRound<E> round) {
        long poll = pollInterval.toNanos();
        while (!closed) {
            ReceivedPacket[] batch = null;
            PacketListener target;
            lock.lock();
            try {
                long seenEdges = edges;
                round.run();
                if (!undelivered.isEmpty()) {
                    batch = undelivered.toArray(new ReceivedPacket[0]);
                    undelivered.clear();
                } else if (edges == seenEdges) {
                    wake.awaitNanos(poll);
                }
                target = listener;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.warn("{}: receive failed: {}", name, e.getMessage());
                sleepQuietly(pollInterval.toMillis());
                continue;
            } finally {
                lock.unlock();
            }
            if (batch != null && target != null) {
                for (ReceivedPacket p : batch) {
                    try {
                        target.onPacket(p);
                    } catch (RuntimeException e) {
                        log.warn("{}: packet listener failed", name, e);
                    }
                }
            }
        }
    }

    /** Stops the receive thread; {@code lastWords} runs under the lock first (e.g. put the chip to sleep). */
    public void close(Runnable lastWords) {
        closed = true;
        Thread t;
        lock.lock();
        try {
            t = receiveThread;
            receiveThread = null;
            lastWords.run();
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
