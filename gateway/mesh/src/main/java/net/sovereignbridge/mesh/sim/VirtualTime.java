package net.sovereignbridge.mesh.sim;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.sovereignbridge.mesh.transport.MillisClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discrete-event time for simulations: one queue of tasks ordered by (virtual time, submission order), run
 * one at a time on the thread that calls {@link #runUntil}. Every node of a simulation schedules its timers
 * and its receive work here, so a network of a thousand nodes needs no thread of its own, time jumps from
 * event to event (faster than real time when the network is idle), and a run is fully determined by its
 * seed: there is no thread interleaving left to vary. Work takes no virtual time, so the figures leave out
 * CPU cost (crypto, SQLite); latency comes from the simulated links only.
 *
 * <p>{@link #executor()} gives each node its own view: shutting one view down (a node closing) drops that
 * node's pending tasks and leaves the others running.
 */
public final class VirtualTime {
    private static final Logger log = LoggerFactory.getLogger(VirtualTime.class);
    /** Virtual time starts at 2026-12-01T00:00:00Z, so timestamps in frames look like real ones. */
    public static final long EPOCH_MILLIS = 1_796_083_200_000L;

    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long nowMillis = EPOCH_MILLIS;
    private long sequence;
    private long executed;

    /** Milliseconds since 1970 in virtual time. */
    public synchronized long millis() {
        return nowMillis;
    }

    /** Virtual milliseconds since the simulation started. */
    public synchronized long elapsedMillis() {
        return nowMillis - EPOCH_MILLIS;
    }

    public synchronized long executedTasks() {
        return executed;
    }

    public synchronized int pendingTasks() {
        return queue.size();
    }

    /** A {@link Clock} reading virtual time. */
    public Clock clock() {
        return new MillisClock(this::millis);
    }

    /** A scheduler view for one node (or one component). */
    public ScheduledExecutorService executor() {
        return new View();
    }

    /** Runs every task due up to {@code untilMillis} (virtual, since 1970), then sets the clock to it. */
    public void runUntil(long untilMillis) {
        while (true) {
            Task<?> t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.at > untilMillis) {
                    if (untilMillis > nowMillis) nowMillis = untilMillis;
                    return;
                }
                queue.poll();
                if (t.at > nowMillis) nowMillis = t.at;
                executed++;
            }
            t.run();
        }
    }

    public void runFor(long millis) {
        runUntil(millis() + millis);
    }

    /**
     * Runs until {@code done} holds, checked every {@code checkEveryMillis} of virtual time, or until
     * {@code maxMillis} have passed. Returns the virtual milliseconds it took, or -1 when it timed out.
     */
    public long runUntil(BooleanSupplier done, long checkEveryMillis, long maxMillis) {
        long start = millis();
        while (true) {
            if (done.getAsBoolean()) return millis() - start;
            if (millis() - start >= maxMillis) return -1;
            runUntil(Math.min(start + maxMillis, millis() + checkEveryMillis));
        }
    }

    private synchronized <T> Task<T> add(View owner, Callable<T> work, long delayMillis, long periodMillis) {
        if (owner.shutdown) throw new RejectedExecutionException("scheduler view is shut down");
        Task<T> t = new Task<>(owner, work, nowMillis + Math.max(0, delayMillis), periodMillis, sequence++);
        queue.add(t);
        return t;
    }

    private synchronized void requeue(Task<?> t) {
        t.sequence = sequence++;
        queue.add(t);
    }

    private final class Task<T> implements ScheduledFuture<T> {
        final View owner;
        final Callable<T> work;
        long at;
        final long period; // > 0 fixed rate, < 0 fixed delay, 0 once
        long sequence;
        volatile boolean cancelled;
        volatile boolean done;
        T result;
        Throwable failure;

        Task(View owner, Callable<T> work, long at, long period, long sequence) {
            this.owner = owner;
            this.work = work;
            this.at = at;
            this.period = period;
            this.sequence = sequence;
        }

        void run() {
            if (cancelled || owner.shutdown) return;
            try {
                T r = work.call();
                if (period == 0) {
                    result = r;
                    done = true;
                    return;
                }
            } catch (Throwable e) {
                // As a ScheduledThreadPoolExecutor does: a failing periodic task is not run again.
                failure = e;
                done = true;
                if (period != 0) log.warn("periodic simulation task failed: {}", e.toString());
                return;
            }
            at = millis() + Math.abs(period);
            if (!cancelled && !owner.shutdown) requeue(this);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - millis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Task<?> other = (Task<?>) o;
            int c = Long.compare(at, other.at);
            return c != 0 ? c : Long.compare(sequence, other.sequence);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) return false;
            // Left in the queue and skipped when due: removing from a heap of 10^5 tasks is a linear scan,
            // and flood suppression cancels thousands of tasks per second in a large network.
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public T get() throws ExecutionException {
            if (cancelled) throw new CancellationException();
            if (!done) throw new IllegalStateException("virtual-time task not run yet: advance the simulation");
            if (failure != null) throw new ExecutionException(failure);
            return result;
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws ExecutionException {
            return get();
        }
    }

    private final class View extends AbstractExecutorService implements ScheduledExecutorService {
        volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            add(this, () -> {
                command.run();
                return null;
            }, 0, 0);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return add(this, () -> {
                command.run();
                return null;
            }, unit.toMillis(delay), 0);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return add(this, callable, unit.toMillis(delay), 0);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            if (period <= 0) throw new IllegalArgumentException("period must be positive");
            return add(this, () -> {
                command.run();
                return null;
            }, unit.toMillis(initialDelay), Math.max(1, unit.toMillis(period)));
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                TimeUnit unit) {
            if (delay <= 0) throw new IllegalArgumentException("delay must be positive");
            return add(this, () -> {
                command.run();
                return null;
            }, unit.toMillis(initialDelay), -Math.max(1, unit.toMillis(delay)));
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true; // its tasks are skipped when due (see Task.run)
            return new ArrayList<>();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }

        @Override
        public <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) {
            throw new UnsupportedOperationException("blocking calls cannot run in virtual time");
        }
    }
}
