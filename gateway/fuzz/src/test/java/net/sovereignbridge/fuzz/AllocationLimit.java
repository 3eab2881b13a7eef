package net.sovereignbridge.fuzz;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;

/**
 * The "a length field cannot make us allocate more than the limit" property of the fuzz targets: runs one
 * decode and fails when the calling thread allocated more heap than the decoder's documented limit allows.
 * It measures the JVM's per-thread allocation counter, so a decoder that trusts a length field and
 * allocates a large buffer is caught even when the input is far too short to fill it (where no
 * OutOfMemoryError would happen at fuzzing sizes). A decode during which a class was loaded is not judged:
 * loading (and the fuzzer's instrumentation of) a class allocates megabytes on the loading thread.
 */
public final class AllocationLimit {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();
    /**
     * What any decode may allocate beyond its limit: exception objects with stack traces, error message
     * strings, boxed values and the fuzzer's own comparison hooks.
     */
    public static final long SLACK = 256 * 1024;

    private AllocationLimit() {}

    /** A decode that may throw its declared (checked) error. */
    @FunctionalInterface
    public interface Decoding<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code decoding} and checks that it allocated at most {@code limitBytes} + {@link #SLACK}; the
     * decoder's own checked error passes through (the caller asserts on it), an allocation over the limit
     * is an AssertionError naming {@code what}.
     */
    public static <T, E extends Exception> T check(String what, long limitBytes, Decoding<T, E> decoding) throws E {
        long classesBefore = CLASSES.getTotalLoadedClassCount();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        T result;
        try {
            result = decoding.run();
        } finally {
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (allocated > limitBytes + SLACK && CLASSES.getTotalLoadedClassCount() == classesBefore) {
                throw new AssertionError(what + " allocated " + allocated + " bytes; its limit is " + limitBytes
                        + " (+" + SLACK + " slack)");
            }
        }
        return result;
    }

    /** Checks that a decoder's error says what went wrong: a message, not a bare exception. */
    public static void assertExplained(Throwable error) {
        String m = error.getMessage();
        if (m == null || m.isBlank()) throw new AssertionError("error without a message: " + error.getClass().getName(), error);
    }

    /** The same for a typed error result's detail text. */
    public static void assertExplained(String what, String detail) {
        if (detail == null || detail.isBlank()) throw new AssertionError(what + " without a detail");
    }
}
