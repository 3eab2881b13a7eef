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
 * @param maxConnections     open connections in total (further inbound ones are closed at once)
 * @param maxPendingUpgrades inbound connections in the handshake at once (a slow-loris bound)
 * @param maxInboundStreams  inbound streams being served at once over all connections (each takes a
 *                           thread); further ones are reset until one ends
 * @param yamux              muxer windows and limits (inbound streams per connection among them)
 * @param inlineMuxer        offer /yamux/1.0.0 in the Noise handshake (inlined muxer negotiation, one
 *                           round trip less when the remote offers it too; multistream otherwise)
 */
public record HostConfig(String agentVersion, Duration handshakeTimeout, Duration negotiateTimeout, Duration identifyTimeout,
                         int maxConnections, int maxPendingUpgrades, int maxInboundStreams, YamuxConfig yamux,
                         boolean inlineMuxer) {
    public static final String PROTOCOL_VERSION = "ipfs/0.1.0";

    public static HostConfig defaults() {
        return new HostConfig("sbridge/" + version(), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10),
                256, 32, 1024, YamuxConfig.defaults(), true);
    }

    public HostConfig withHandshakeTimeout(Duration d) {
        return new HostConfig(agentVersion, d, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades,
                maxInboundStreams, yamux, inlineMuxer);
    }

    public HostConfig withYamux(YamuxConfig y) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades,
                maxInboundStreams, y, inlineMuxer);
    }

    public HostConfig withMaxConnections(int n) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, n, maxPendingUpgrades,
                maxInboundStreams, yamux, inlineMuxer);
    }

    public HostConfig withInlineMuxer(boolean on) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades,
                maxInboundStreams, yamux, on);
    }

    public HostConfig withMaxInboundStreams(int n) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades,
                n, yamux, inlineMuxer);
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
