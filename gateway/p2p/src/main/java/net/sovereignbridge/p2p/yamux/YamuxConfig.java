package net.sovereignbridge.p2p.yamux;

import java.time.Duration;

/**
 * Limits of one Yamux session.
 *
 * @param initialWindow receive window per stream, at least the spec's 256 KiB (more is announced with
 *                      the SYN or ACK window update); it bounds the bytes buffered per stream
 * @param maxWindow     the largest Data frame accepted before any stream check (no window of ours is larger),
 *                      at least {@code initialWindow}
 * @param maxStreams    inbound streams open at once; a SYN beyond it is answered with RST
 * @param maxFrameBody  the largest Data body we send in one frame (fairness between streams; 65507 makes
 *                      header + body fit one Noise transport message)
 * @param keepAlive     interval of keep-alive pings, a missing answer by the next one closes the session;
 *                      null or zero disables them
 * @param maxPendingControl control frames (ACK, RST, ping answers) queued for sending; a peer that makes
 *                      us queue more (e.g. a ping flood on a stalled link) gets the session closed
 * @param streamCloseTimeout after our {@code close()} of a stream, how long the peer has to send its FIN
 *                      before the stream is reset and its slot freed
 */
public record YamuxConfig(int initialWindow, int maxWindow, int maxStreams, int maxFrameBody, Duration keepAlive,
                          int maxPendingControl, Duration streamCloseTimeout) {
    public static final int SPEC_INITIAL_WINDOW = 256 * 1024;

    public YamuxConfig {
        if (initialWindow < SPEC_INITIAL_WINDOW) {
            throw new IllegalArgumentException("initialWindow below the spec's 256 KiB: " + initialWindow);
        }
        if (maxWindow < initialWindow) throw new IllegalArgumentException("maxWindow below initialWindow");
        if (maxStreams < 1) throw new IllegalArgumentException("maxStreams must be at least 1");
        if (maxFrameBody < 1) throw new IllegalArgumentException("maxFrameBody must be positive");
        if (keepAlive != null && keepAlive.isNegative()) throw new IllegalArgumentException("negative keepAlive");
        if (maxPendingControl < 16) throw new IllegalArgumentException("maxPendingControl must be at least 16");
        if (streamCloseTimeout == null || streamCloseTimeout.isNegative() || streamCloseTimeout.isZero()) {
            throw new IllegalArgumentException("streamCloseTimeout must be positive");
        }
    }

    /** With the default 60 s stream close timeout. */
    public YamuxConfig(int initialWindow, int maxWindow, int maxStreams, int maxFrameBody, Duration keepAlive,
                       int maxPendingControl) {
        this(initialWindow, maxWindow, maxStreams, maxFrameBody, keepAlive, maxPendingControl, Duration.ofSeconds(60));
    }

    /**
     * 256 KiB windows, 16 MiB frame cap, 256 inbound streams, 65507-byte frames, 30 s keep-alive,
     * 1024 queued control frames, 60 s for the peer's FIN after our close.
     */
    public static YamuxConfig defaults() {
        return new YamuxConfig(SPEC_INITIAL_WINDOW, 16 * 1024 * 1024, 256, 65507, Duration.ofSeconds(30), 1024,
                Duration.ofSeconds(60));
    }

    public YamuxConfig withKeepAlive(Duration d) {
        return new YamuxConfig(initialWindow, maxWindow, maxStreams, maxFrameBody, d, maxPendingControl, streamCloseTimeout);
    }

    public YamuxConfig withMaxStreams(int n) {
        return new YamuxConfig(initialWindow, maxWindow, n, maxFrameBody, keepAlive, maxPendingControl, streamCloseTimeout);
    }

    public YamuxConfig withInitialWindow(int w) {
        return new YamuxConfig(w, Math.max(w, maxWindow), maxStreams, maxFrameBody, keepAlive, maxPendingControl, streamCloseTimeout);
    }

    public YamuxConfig withMaxFrameBody(int n) {
        return new YamuxConfig(initialWindow, maxWindow, maxStreams, n, keepAlive, maxPendingControl, streamCloseTimeout);
    }

    public YamuxConfig withStreamCloseTimeout(Duration d) {
        return new YamuxConfig(initialWindow, maxWindow, maxStreams, maxFrameBody, keepAlive, maxPendingControl, d);
    }

    boolean keepAliveEnabled() {
        return keepAlive != null && !keepAlive.isZero();
    }
}
