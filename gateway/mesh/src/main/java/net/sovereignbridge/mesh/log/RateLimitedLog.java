package net.sovereignbridge.mesh.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Log lines that a stranger can trigger (a malformed datagram, a failed handshake, a full disk under a
 * flood), rate-limited per key so that a flood costs a few lines instead of gigabytes.
 *
 * <p>Rules:
 * <ul>
 *   <li>Each key may print {@code burst} lines per window (default 5 per 60 s); further lines with that
 *       key are counted, not printed. When the window has ended, one line says how many were suppressed
 *       ({@code "<key>: 1234 more suppressed in the last 60 s"}), at the most severe level among them: at
 *       the key's next line, or from a shared timer thread when the flood has stopped.
 *   <li>Keys are a fixed vocabulary chosen by the code ("lan.receive", "host.handshake"), never text a
 *       peer controls: a peer must not be able to create keys. The table is capped anyway
 *       ({@value #MAX_KEYS} keys per log; later keys share one overflow key).
 *   <li>Expected errors (any {@link IOException}, also wrapped in {@link UncheckedIOException}) passed
 *       as the last argument print as one line of text (class, message and causes), never as a stack
 *       trace, unless the logger is at DEBUG. Any other throwable is a bug and keeps its trace, within
 *       the same budget.
 *   <li>Arguments are printed escaped (control characters as {@code \\uXXXX}) and cut to
 *       {@value #MAX_ARGUMENT} characters: a peer's text cannot forge log lines or make one line huge.
 * </ul>
 * A level that is off costs one check and counts nothing.
 */
public final class RateLimitedLog {
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
    public static final int DEFAULT_BURST = 5;
    static final int MAX_KEYS = 256;
    static final int MAX_ARGUMENT = 300;
    static final String OVERFLOW_KEY = "(other)";

    private static final Object SCHEDULER_LOCK = new Object();
    private static ScheduledExecutorService scheduler;

    private final Logger logger;
    private final long windowNanos;
    private final int burst;
    private final LongSupplier nanoTime;
    private final boolean autoFlush;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicLong suppressedTotal = new AtomicLong();

    private RateLimitedLog(Logger logger, Duration window, int burst, LongSupplier nanoTime, boolean autoFlush) {
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive");
        if (burst < 1) throw new IllegalArgumentException("burst must be at least 1");
        this.logger = logger;
        this.windowNanos = window.toNanos();
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.autoFlush = autoFlush;
    }

    /** The usual log for a class: {@value #DEFAULT_BURST} lines per key per 60 s, summaries on a timer. */
    public static RateLimitedLog of(Class<?> owner) {
        return new RateLimitedLog(LoggerFactory.getLogger(owner), DEFAULT_WINDOW, DEFAULT_BURST, System::nanoTime, true);
    }

    /** A log with its own window and burst, on the real clock, summaries on a timer. */
    public static RateLimitedLog of(Logger logger, Duration window, int burst) {
        return new RateLimitedLog(logger, window, burst, System::nanoTime, true);
    }

    /**
     * A log on an injected clock (tests, simulations in virtual time): summaries are printed at the key's
     * next line or by {@link #flush()}, never by a timer, since the timer would not know this clock.
     */
    public static RateLimitedLog of(Logger logger, Duration window, int burst, LongSupplier nanoTime) {
        return new RateLimitedLog(logger, window, burst, nanoTime, false);
    }

    public void error(String key, String format, Object... args) {
        log(Level.ERROR, key, format, args);
    }

    public void warn(String key, String format, Object... args) {
        log(Level.WARN, key, format, args);
    }

    public void info(String key, String format, Object... args) {
        log(Level.INFO, key, format, args);
    }

    public void debug(String key, String format, Object... args) {
        log(Level.DEBUG, key, format, args);
    }

    /** Lines not printed so far, over all keys (summaries included them as they were printed). */
    public long suppressed() {
        return suppressedTotal.get();
    }

    /** Prints the summary of every key whose window has ended with lines suppressed. */
    public void flush() {
        long now = nanoTime.getAsLong();
        List<Summary> due = new ArrayList<>();
        boolean pending = false;
        for (Map.Entry<String, Window> e : windows.entrySet()) {
            Window w = e.getValue();
            synchronized (w) {
                if (w.suppressed == 0) continue;
                if (now - w.start >= windowNanos) {
                    due.add(w.takeSummary(e.getKey(), now));
                } else {
                    pending = true;
                }
            }
        }
        for (Summary s : due) print(s);
        if (pending && autoFlush) scheduleFlush();
    }

    private void log(Level level, String key, String format, Object... args) {
        if (!logger.isEnabledForLevel(level)) return;
        Window w = window(key);
        long now = nanoTime.getAsLong();
        Summary summary = null;
        boolean print;
        synchronized (w) {
            if (now - w.start >= windowNanos) {
                if (w.suppressed > 0) summary = w.takeSummary(w.key, now);
                w.start = now;
                w.printed = 0;
            }
            print = w.printed < burst;
            if (print) {
                w.printed++;
            } else {
                w.suppressed++;
                if (w.worst == null || level.toInt() > w.worst.toInt()) w.worst = level;
            }
        }
        if (summary != null) print(summary);
        if (print) {
            emit(level, Printable.format(format, args, logger.isDebugEnabled()), Printable.arguments(format, args,
                    logger.isDebugEnabled()));
        } else {
            suppressedTotal.incrementAndGet();
            if (autoFlush) scheduleFlush();
        }
    }

    private Window window(String key) {
        Window w = windows.get(key);
        if (w != null) return w;
        if (windows.size() >= MAX_KEYS) return windows.computeIfAbsent(OVERFLOW_KEY, k -> new Window(k, nanoTime.getAsLong() - windowNanos));
        // a fresh key starts with an ended window, so its first line prints at once
        return windows.computeIfAbsent(key, k -> new Window(k, nanoTime.getAsLong() - windowNanos));
    }

    private void print(Summary s) {
        emit(s.level, "{}: {} more suppressed in the last {} s",
                new Object[] {s.key, s.count, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(s.elapsedNanos))});
    }

    private void emit(Level level, String format, Object[] args) {
        switch (level) {
            case ERROR -> logger.error(format, args);
            case WARN -> logger.warn(format, args);
            case INFO -> logger.info(format, args);
            case DEBUG -> logger.debug(format, args);
            default -> logger.trace(format, args);
        }
    }

    private void scheduleFlush() {
        if (!flushScheduled.compareAndSet(false, true)) return;
        scheduler().schedule(() -> {
            flushScheduled.set(false);
            flush();
        }, windowNanos, TimeUnit.NANOSECONDS);
    }

    /** One daemon thread for the whole process; it only runs while some log has suppressed lines. */
    private static ScheduledExecutorService scheduler() {
        synchronized (SCHEDULER_LOCK) {
            if (scheduler == null) {
                ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, "log-summaries");
                    t.setDaemon(true);
                    return t;
                });
                s.setRemoveOnCancelPolicy(true);
                scheduler = s;
            }
            return scheduler;
        }
    }

    private static final class Window {
        final String key;
        long start;
        int printed;
        long suppressed;
        Level worst;

        Window(String key, long start) {
            this.key = key;
            this.start = start;
        }

        Summary takeSummary(String name, long now) {
            Summary s = new Summary(name, suppressed, worst, now - start);
            suppressed = 0;
            worst = null;
            start = now;
            printed = 0;
            return s;
        }
    }

    private record Summary(String key, long count, Level level, long elapsedNanos) {}

    /** Turns caller arguments into safe text: escaped, bounded, and expected errors without a trace. */
    static final class Printable {
        private Printable() {}

        /** The format, with a slot appended for a trailing throwable that became text. */
        static String format(String format, Object[] args, boolean keepTraces) {
            Throwable t = trailingThrowable(format, args);
            return t != null && !keepsTrace(t, keepTraces) ? format + ": {}" : format;
        }

        static Object[] arguments(String format, Object[] args, boolean keepTraces) {
            Object[] out = new Object[args.length];
            Throwable trailing = trailingThrowable(format, args);
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a == trailing && i == args.length - 1 && keepsTrace(trailing, keepTraces)) {
                    out[i] = a; // slf4j prints it with its stack trace
                } else if (a instanceof Throwable th) {
                    out[i] = describe(th);
                } else {
                    out[i] = escape(String.valueOf(a));
                }
            }
            return out;
        }

        /** The last argument when it is a throwable that no "{}" of the format consumes. */
        private static Throwable trailingThrowable(String format, Object[] args) {
            if (args.length == 0 || !(args[args.length - 1] instanceof Throwable t)) return null;
            return placeholders(format) < args.length ? t : null;
        }

        private static boolean keepsTrace(Throwable t, boolean debug) {
            return debug || !expected(t);
        }

        static boolean expected(Throwable t) {
            return t instanceof IOException || t instanceof UncheckedIOException;
        }

        private static int placeholders(String format) {
            int n = 0;
            for (int i = format.indexOf("{}"); i >= 0; i = format.indexOf("{}", i + 2)) n++;
            return n;
        }

        /** "IOException: message (caused by ...)" in one bounded, escaped line. */
        static String describe(Throwable t) {
            StringBuilder sb = new StringBuilder();
            int depth = 0;
            for (Throwable c = t; c != null && depth < 4; c = c.getCause() == c ? null : c.getCause(), depth++) {
                if (depth > 0) sb.append(" (caused by ");
                sb.append(c.getClass().getSimpleName());
                if (c.getMessage() != null) sb.append(": ").append(c.getMessage());
            }
            sb.append(")".repeat(Math.max(0, depth - 1)));
            return escape(sb.toString());
        }

        static String escape(String s) {
            StringBuilder sb = null;
            int n = Math.min(s.length(), MAX_ARGUMENT);
            if (n < s.length() && Character.isHighSurrogate(s.charAt(n - 1))) n--; // never cut a pair in two
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                boolean bad = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029'
                        || Character.isSurrogate(c) && !validPair(s, i);
                if (bad && sb == null) sb = new StringBuilder(s.substring(0, i));
                if (sb != null) {
                    if (bad) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
            String out = sb == null ? s.substring(0, n) : sb.toString();
            return s.length() > MAX_ARGUMENT ? out + "...(" + s.length() + " chars)" : out;
        }

        private static boolean validPair(String s, int i) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
    }
}
