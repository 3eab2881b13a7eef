package net.sovereignbridge.mesh.node;

import java.time.Clock;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the parts of one node share: its clock, its timer thread, its random source (jitter, flood delays;
 * seeded in a simulation so a run repeats) and its message ids (one sequence for every frame type, so an id
 * is never reused for another frame of the same source).
 */
record NodeRuntime(Clock clock, ScheduledExecutorService timers, Random random, AtomicInteger messageIds) {
    int nextMessageId() {
        return messageIds.getAndIncrement();
    }

    /** Runs {@code task} on the timer thread; nothing when the node is shutting down. */
    void soon(Runnable task) {
        try {
            timers.execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            // the node is closing
        }
    }
}
