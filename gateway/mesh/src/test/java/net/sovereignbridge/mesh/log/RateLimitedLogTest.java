package net.sovereignbridge.mesh.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** The rate limit on a real SLF4J logger (its own formatter), on an injected clock. */
class RateLimitedLogTest {
    private static final long SECOND = 1_000_000_000L;

    /** What an SLF4J backend receives: the formatted line and the throwable it would print a trace for. */
    record Line(Level level, String text, Throwable trace) {}

    static final class CapturingLogger extends LegacyAbstractLogger {
        final List<Line> lines = new CopyOnWriteArrayList<>();
        final Level threshold;

        CapturingLogger(Level threshold) {
            this.threshold = threshold;
            this.name = "test";
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
            lines.add(new Line(level, MessageFormatter.basicArrayFormat(pattern, args), t));
        }

        private boolean on(Level l) {
            return l.toInt() >= threshold.toInt();
        }

        @Override public boolean isTraceEnabled() { return on(Level.TRACE); }
        @Override public boolean isDebugEnabled() { return on(Level.DEBUG); }
        @Override public boolean isInfoEnabled() { return on(Level.INFO); }
        @Override public boolean isWarnEnabled() { return on(Level.WARN); }
        @Override public boolean isErrorEnabled() { return on(Level.ERROR); }
    }

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final CapturingLogger logger = new CapturingLogger(Level.INFO);
    private final RateLimitedLog log = RateLimitedLog.of(logger, Duration.ofSeconds(60), 3, now::get);

    @Test
    void aFloodPrintsTheBurstThenOneSummaryWithTheCount() {
        for (int i = 0; i < 100_000; i++) log.warn("lan.receive", "garbage from {}", "10.0.0." + (i % 250));
        assertEquals(3, logger.lines.size(), "only the burst is printed while the window lasts");
        assertEquals("garbage from 10.0.0.0", logger.lines.get(0).text());
        assertEquals(99_997, log.suppressed());

        now.addAndGet(61 * SECOND);
        log.warn("lan.receive", "garbage from {}", "10.0.0.9");
        assertEquals(5, logger.lines.size());
        Line summary = logger.lines.get(3);
        assertEquals(Level.WARN, summary.level());
        assertEquals("lan.receive: 99997 more suppressed in the last 61 s", summary.text());
        assertEquals("garbage from 10.0.0.9", logger.lines.get(4).text(), "the new window prints again");
    }

    @Test
    void keysAreLimitedIndependently() {
        for (int i = 0; i < 10; i++) {
            log.warn("host.handshake", "handshake failed");
            log.info("node.drop", "dropped");
        }
        assertEquals(6, logger.lines.size());
        assertEquals(14, log.suppressed());
    }

    @Test
    void flushPrintsTheSummaryOnceTheWindowEndsEvenWhenTheFloodStopped() {
        for (int i = 0; i < 10; i++) log.info("a", "x");
        log.flush();
        assertEquals(3, logger.lines.size(), "nothing before the window ends");
        now.addAndGet(60 * SECOND);
        log.flush();
        assertEquals("a: 7 more suppressed in the last 60 s", logger.lines.get(3).text());
        log.flush();
        assertEquals(4, logger.lines.size(), "a summary is printed once");
    }

    @Test
    void theSummaryCarriesTheMostSevereSuppressedLevel() {
        for (int i = 0; i < 3; i++) log.info("disk", "info");
        log.info("disk", "info");
        log.error("disk", "error");
        log.warn("disk", "warn");
        now.addAndGet(60 * SECOND);
        log.flush();
        assertEquals(Level.ERROR, logger.lines.get(3).level());
        assertTrue(logger.lines.get(3).text().startsWith("disk: 3 more suppressed"));
    }

    @Test
    void expectedNetworkErrorsPrintWithoutAStackTrace() {
        IOException e = new IOException("connection reset", new SocketTimeoutException("read timed out"));
        log.warn("host.upgrade", "inbound connection from {} closed", "1.2.3.4:5", e);
        Line line = logger.lines.get(0);
        assertNull(line.trace(), "no stack trace for an I/O error");
        assertEquals("inbound connection from 1.2.3.4:5 closed: IOException: connection reset"
                + " (caused by SocketTimeoutException: read timed out)", line.text());
    }

    @Test
    void bugsKeepTheirStackTrace() {
        IllegalStateException bug = new IllegalStateException("bug");
        log.error("handler", "frame handler failed for {}", "peer", bug);
        assertEquals(bug, logger.lines.get(0).trace());
        assertEquals("frame handler failed for peer", logger.lines.get(0).text());
    }

    @Test
    void atDebugEvenExpectedErrorsKeepTheirTrace() {
        CapturingLogger debug = new CapturingLogger(Level.DEBUG);
        RateLimitedLog d = RateLimitedLog.of(debug, Duration.ofSeconds(60), 3, now::get);
        IOException e = new IOException("reset");
        d.debug("k", "closed", e);
        assertEquals(e, debug.lines.get(0).trace());
    }

    @Test
    void aLevelThatIsOffCountsNothing() {
        for (int i = 0; i < 100; i++) log.debug("k", "x");
        assertEquals(0, logger.lines.size());
        assertEquals(0, log.suppressed());
    }

    @Test
    void peerTextCannotForgeLinesOrGrowThem() {
        log.warn("k", "bad protocol '{}'", "x\n2026-01-01 ERROR forged\u001b[31m");
        String text = logger.lines.get(0).text();
        assertFalse(text.contains("\n"));
        assertFalse(text.contains("\u001b"));
        assertEquals("bad protocol 'x\\u000a2026-01-01 ERROR forged\\u001b[31m'", text);

        log.warn("k2", "{}", "a".repeat(100_000));
        String long1 = logger.lines.get(1).text();
        assertTrue(long1.length() < RateLimitedLog.MAX_ARGUMENT + 40, "cut: " + long1.length());
        assertTrue(long1.endsWith("...(100000 chars)"));
        log.warn("k3", "{}", "lone \ud800 surrogate, pair \ud83d\ude00");
        assertEquals("lone \\ud800 surrogate, pair \ud83d\ude00", logger.lines.get(2).text());
    }

    @Test
    void peersCannotGrowTheKeyTable() {
        for (int i = 0; i < 10 * RateLimitedLog.MAX_KEYS; i++) log.warn("key-" + i, "line");
        // MAX_KEYS keys each printed once, then every later key shares the overflow key's burst
        assertEquals(RateLimitedLog.MAX_KEYS + 3, logger.lines.size());
        now.addAndGet(60 * SECOND);
        log.flush();
        Line summary = logger.lines.get(logger.lines.size() - 1);
        assertNotNull(summary);
        assertTrue(summary.text().startsWith(RateLimitedLog.OVERFLOW_KEY + ": "), summary.text());
    }

    @Test
    void theTimerPrintsTheSummaryOfAFloodThatStopped() throws Exception {
        // the real clock and the shared timer, on a short window
        CapturingLogger real = new CapturingLogger(Level.INFO);
        RateLimitedLog timed = RateLimitedLog.of(real, Duration.ofMillis(200), 2);
        for (int i = 0; i < 50; i++) timed.warn("k", "x");
        long deadline = System.nanoTime() + 10 * SECOND;
        while (real.lines.size() < 3 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(3, real.lines.size(), "the burst and one summary: " + real.lines);
        assertTrue(real.lines.get(2).text().startsWith("k: 48 more suppressed"), real.lines.get(2).text());
    }
}
