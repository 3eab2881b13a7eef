package net.sovereignbridge.drivers.sx127x.emulator;

import java.util.PriorityQueue;

/** Air time that moves only when a test calls {@link #advance}; due tasks run on the caller's thread. */
public final class ManualAirClock implements AirClock {
    private record Task(long at, long order, Runnable task) {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long now;
    private long order;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void schedule(long atNanos, Runnable task) {
        tasks.add(new Task(Math.max(atNanos, now), order++, task));
    }

    /** Moves time forward by {@code nanos}, running every task that falls due, in time order. */
    public void advance(long nanos) {
        long target;
        synchronized (this) {
            target = now + nanos;
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.at > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = next.at;
            }
            next.task.run();
        }
    }

    public void advanceMillis(double millis) {
        advance((long) (millis * 1_000_000));
    }
}
