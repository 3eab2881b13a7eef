package net.sovereignbridge.p2p.host;

import java.time.Duration;
import net.sovereignbridge.p2p.yamux.YamuxConfig;

/**
 * Host settings.
 *
 * @param agentVersion       sent in identify, e.g. "sbridge/0.1.0"
 * @param handshakeTimeout   for the whole upgrade of a connection (multistream, Noise, muxer selection)
 * @param negotiateTimeout   for multistream-select on one stream
 * @param identifyTimeout    for reading a remote's identify answer
 * @param maxConnections     open connections in total (further inbound ones are closed at once); one
 *                           remote address may hold a quarter of them inbound ({@link #maxInboundPerAddress()})
 * @param maxPendingUpgrades inbound connections in the handshake at once (a slow-loris bound), shared
 *                           out by {@link HandshakeBudget} ({@link #handshakeLimits()})
 * @param maxInboundStreams  inbound streams being served at once over all connections (each takes a
 *                           thread); further ones are reset until one ends
 * @param yamux              muxer windows and limits (inbound streams per connection among them)
 * @param inlineMuxer        offer /yamux/1.0.0 in the Noise handshake (inlined muxer negotiation, one
 *                           round trip less when the remote offers it too; multistream otherwise)
 * @param maxBufferedPerConnection receive window (so unread bytes) all streams of one connection may hold;
 *                           each open stream reserves one yamux window from it, a stream beyond it is refused
 * @param maxBufferedTotal   the same over all connections; a quarter of it is kept for streams we open, so
 *                           remote peers filling the rest cannot stop our own requests, and the streams of
 *                           one remote address may reserve a quarter ({@link #maxBufferedPerAddress()})
 *
 * <p>Every inbound resource a stranger can occupy has a share per remote address
 * ({@link RemoteAddress#shareKey}), so one address cannot exhaust it: a quarter of the pending handshakes
 * (and a quarter kept for addresses with none pending), a quarter of the connections, a quarter of the
 * receive budget. The served-stream count ({@code maxInboundStreams}) needs no share of its own: each
 * served stream holds a receive-window reservation, so the address's buffer share bounds it first.
 */
public record HostConfig(String agentVersion, Duration handshakeTimeout, Duration negotiateTimeout, Duration identifyTimeout,
                         int maxConnections, int maxPendingUpgrades, int maxInboundStreams, YamuxConfig yamux,
                         boolean inlineMuxer, long maxBufferedPerConnection, long maxBufferedTotal) {
    public static final String PROTOCOL_VERSION = "ipfs/0.1.0";
    public static final long DEFAULT_BUFFERED_PER_CONNECTION = 4L * 1024 * 1024;
    public static final long DEFAULT_BUFFERED_TOTAL = 32L * 1024 * 1024;

    public HostConfig {
        if (maxBufferedPerConnection < yamux.initialWindow() || maxBufferedTotal < maxBufferedPerConnection) {
            throw new IllegalArgumentException("buffer budgets: per connection " + maxBufferedPerConnection
                    + " must hold one yamux window (" + yamux.initialWindow() + ") and total " + maxBufferedTotal
                    + " one connection's");
        }
    }

    /** The pending-handshake budget: {@code maxPendingUpgrades} slots with the standard per-address shares. */
    public HandshakeBudget.Limits handshakeLimits() {
        return HandshakeBudget.Limits.of(maxPendingUpgrades, handshakeTimeout);
    }

    /** Inbound connections one remote address may hold open. */
    public int maxInboundPerAddress() {
        return Math.max(1, maxConnections / 4);
    }

    /** Receive window the streams one remote address opens may reserve (at least one yamux window). */
    public long maxBufferedPerAddress() {
        return Math.max(yamux.initialWindow(), maxBufferedTotal / 4);
    }

    /** With the default buffer budgets (4 MiB per connection, 32 MiB in total). */
    public HostConfig(String agentVersion, Duration handshakeTimeout, Duration negotiateTimeout, Duration identifyTimeout,
                      int maxConnections, int maxPendingUpgrades, int maxInboundStreams, YamuxConfig yamux,
                      boolean inlineMuxer) {
        this(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades,
                maxInboundStreams, yamux, inlineMuxer, DEFAULT_BUFFERED_PER_CONNECTION, DEFAULT_BUFFERED_TOTAL);
    }

    public static HostConfig defaults() {
        return new HostConfig("sbridge/" + version(), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10),
                256, 32, 1024, YamuxConfig.defaults(), true);
    }

    public HostConfig withHandshakeTimeout(Duration d) {
        return new HostConfig(agentVersion, d, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades,
                maxInboundStreams, yamux, inlineMuxer, maxBufferedPerConnection, maxBufferedTotal);
    }

    public HostConfig withYamux(YamuxConfig y) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades,
                maxInboundStreams, y, inlineMuxer, maxBufferedPerConnection, maxBufferedTotal);
    }

    public HostConfig withMaxConnections(int n) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, n, maxPendingUpgrades,
                maxInboundStreams, yamux, inlineMuxer, maxBufferedPerConnection, maxBufferedTotal);
    }

    public HostConfig withInlineMuxer(boolean on) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades,
                maxInboundStreams, yamux, on, maxBufferedPerConnection, maxBufferedTotal);
    }

    public HostConfig withMaxInboundStreams(int n) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades,
                n, yamux, inlineMuxer, maxBufferedPerConnection, maxBufferedTotal);
    }

    public HostConfig withMaxPendingUpgrades(int n) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, maxConnections, n,
                maxInboundStreams, yamux, inlineMuxer, maxBufferedPerConnection, maxBufferedTotal);
    }

    /** Buffer budgets: receive window per connection and over all connections. */
    public HostConfig withBufferBudget(long perConnection, long total) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades,
                maxInboundStreams, yamux, inlineMuxer, perConnection, total);
    }

    /** The sbridge version, from version.properties (filled in by the build), or "dev" without it. */
    static String version() {
        try (var in = HostConfig.class.getResourceAsStream("version.properties")) {
            if (in == null) return "dev";
            var p = new java.util.Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (java.io.IOException e) {
            return "dev";
        }
    }
}
