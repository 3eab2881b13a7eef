package net.sovereignbridge.drivers.sx127x.emulator;

import java.util.PriorityQueue;

/**
 * Air time that runs {@code speedup} times faster than the wall clock, with a thread that fires due tasks. A
 * 9-second SF12 packet takes 90 ms of wall time at speedup 100. Close it when done.
 */
public final class ScaledAirClock implements AirClock, AutoCloseable {
    private record Task(long at, long order, Runnable task) {}

    private final double speedup;
    private final long origin = System.nanoTime();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private final Thread runner;
    private long order;
    private volatile boolean closed;

    public ScaledAirClock(double speedup) {
        if (!(speedup > 0)) throw new IllegalArgumentException("speedup must be positive");
        this.speedup = speedup;
        runner = new Thread(this::run, "simulated-air");
        runner.setDaemon(true);
        runner.start();
    }

    public double speedup() {
        return speedup;
    }

    @Override
    public long nanoTime() {
        return (long) ((System.nanoTime() - origin) * speedup);
    }

    @Override
    public synchronized void schedule(long atNanos, Runnable task) {
        tasks.add(new Task(atNanos, order++, task));
        notifyAll();
    }

    private void run() {
        while (!closed) {
            Runnable due = null;
            long parkNanos = 0;
            synchronized (this) {
                Task next = tasks.peek();
                long now = nanoTime();
                if (next == null) {
                    waitQuietly(50);
                } else if (next.at <= now) {
                    due = tasks.poll().task;
                } else {
                    long wallNanos = (long) ((next.at - now) / speedup);
                    if (wallNanos >= 2_000_000) {
                        waitQuietly(wallNanos / 1_000_000 - 1); // wakes early for a precise park below
                    } else {
                        parkNanos = wallNanos;
                    }
                }
            }
            if (parkNanos > 0) {
                // Object.wait has millisecond granularity; parking keeps short air intervals accurate
                java.util.concurrent.locks.LockSupport.parkNanos(parkNanos);
            }
            if (due != null) {
                try {
                    due.run();
                } catch (RuntimeException e) {
                    e.printStackTrace(); // a test fixture: make failures visible
                }
            }
        }
    }

    private void waitQuietly(long millis) {
        try {
            if (millis > 0) wait(millis);
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        runner.interrupt();
    }
}
