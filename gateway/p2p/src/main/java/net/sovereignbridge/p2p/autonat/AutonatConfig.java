package net.sovereignbridge.p2p.autonat;

import java.time.Duration;

/**
 * AutoNAT v1 settings.
 *
 * @param server            answer other peers' dial-back requests
 * @param dialsPerMinute    dial-back requests served per minute in all (further ones get E_DIAL_REFUSED)
 * @param perPeerPerMinute  of those, from one peer
 * @param confidence        distinct peers that must agree before our reachability changes
 * @param refresh           how often we ask again once reachability is known
 * @param dialTimeout       for one dial back
 */
public record AutonatConfig(boolean server, int dialsPerMinute, int perPeerPerMinute, int confidence, Duration refresh,
                            Duration dialTimeout) {
    /** At most this many of a request's addresses are dialled back. */
    public static final int MAX_DIAL_BACKS = 4;

    public AutonatConfig {
        if (dialsPerMinute < 1 || perPeerPerMinute < 1 || confidence < 1) {
            throw new IllegalArgumentException("autonat limits must be positive (dials " + dialsPerMinute + ", per peer "
                    + perPeerPerMinute + ", confidence " + confidence + ")");
        }
        if (refresh.toSeconds() < 1 || dialTimeout.toMillis() < 100) throw new IllegalArgumentException("autonat intervals too short");
    }

    /** go-libp2p's server limits (30 a minute, 3 per peer); two agreeing peers; asked again every 15 min. */
    public static AutonatConfig defaults() {
        return new AutonatConfig(true, 30, 3, 2, Duration.ofMinutes(15), Duration.ofSeconds(5));
    }

    public AutonatConfig withServer(boolean on) {
        return new AutonatConfig(on, dialsPerMinute, perPeerPerMinute, confidence, refresh, dialTimeout);
    }

    public AutonatConfig withLimits(int dials, int perPeer) {
        return new AutonatConfig(server, dials, perPeer, confidence, refresh, dialTimeout);
    }

    public AutonatConfig withConfidence(int n) {
        return new AutonatConfig(server, dialsPerMinute, perPeerPerMinute, n, refresh, dialTimeout);
    }
}
