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
 * @param yamux              muxer windows and limits
 */
public record HostConfig(String agentVersion, Duration handshakeTimeout, Duration negotiateTimeout, Duration identifyTimeout,
                         int maxConnections, int maxPendingUpgrades, YamuxConfig yamux) {
    public static final String PROTOCOL_VERSION = "ipfs/0.1.0";

    public static HostConfig defaults() {
        return new HostConfig("sbridge/" + version(), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10),
                256, 32, YamuxConfig.defaults());
    }

    public HostConfig withHandshakeTimeout(Duration d) {
        return new HostConfig(agentVersion, d, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades, yamux);
    }

    public HostConfig withYamux(YamuxConfig y) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, maxConnections, maxPendingUpgrades, y);
    }

    public HostConfig withMaxConnections(int n) {
        return new HostConfig(agentVersion, handshakeTimeout, negotiateTimeout, identifyTimeout, n, maxPendingUpgrades, yamux);
    }

    /** The sbridge version from the jar manifest, or "dev" when run from classes. */
    static String version() {
        String v = HostConfig.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
