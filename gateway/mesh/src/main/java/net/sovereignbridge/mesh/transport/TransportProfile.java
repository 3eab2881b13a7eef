package net.sovereignbridge.mesh.transport;

import java.util.Objects;
import java.util.Optional;

/**
 * What a transport can do, as data: the router, the announcer and the link layer read these fields and
 * never ask which transport they talk to. Build one with {@link #of} and the {@code with...} methods.
 *
 * @param kind how the medium carries frames; only {@link TransportKind#canSend() sending kinds} are ever
 *     chosen to send, announce, flood or acknowledge on
 * @param mtu largest frame {@link Transport#send} accepts, in bytes
 * @param nominalBitrate bits per second the medium carries when idle
 * @param nominalLatencyMillis one-way latency of a small frame on an idle link
 * @param cost relative cost of a byte (0 = free LAN, higher = metered or scarce); a tie breaker
 * @param preference the class compared first by route cost and handover (local first, global second)
 * @param unicast the medium can address one neighbour; false: every frame reaches everyone in range
 * @param hopAcks unicast hops on this medium ask for a hop-by-hop acknowledgement and are retransmitted
 *     without one
 * @param neighbourTimeoutMillis a neighbour silent this long is gone, for the transport and for routing;
 *     a few of the medium's announce intervals
 * @param airtime present where time on air is scarce (duty cycle, shared acoustic channel): announces are
 *     booked against a share of it, are sent at the long announce interval and no greeting is sent to a new
 *     neighbour; a missed hop ACK is no evidence of a lost neighbour (collisions, duty-cycle waits)
 */
public record TransportProfile(
        TransportKind kind,
        int mtu,
        long nominalBitrate,
        int nominalLatencyMillis,
        int cost,
        PreferenceClass preference,
        boolean unicast,
        boolean hopAcks,
        long neighbourTimeoutMillis,
        Optional<AirtimeBudget> airtime) {

    /** Six of the default announce interval (30 s): a neighbour that missed six announces is gone. */
    public static final long DEFAULT_NEIGHBOUR_TIMEOUT_MILLIS = 180_000;

    public TransportProfile {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(preference, "preference");
        Objects.requireNonNull(airtime, "airtime");
        if (mtu < 32) throw new IllegalArgumentException("mtu must be at least 32 bytes, got " + mtu);
        if (nominalBitrate <= 0) throw new IllegalArgumentException("nominalBitrate must be positive");
        if (nominalLatencyMillis < 0 || cost < 0) throw new IllegalArgumentException("latency and cost must be >= 0");
        if (neighbourTimeoutMillis <= 0) throw new IllegalArgumentException("neighbourTimeoutMillis must be positive");
        if (!kind.canSend() && (unicast || hopAcks)) {
            throw new IllegalArgumentException(kind + " media neither address neighbours nor acknowledge hops");
        }
    }

    /**
     * A profile with the defaults of its kind: 1 Mbit/s, 10 ms, cost 0, unicast and hop ACKs where the kind
     * can send, the default neighbour timeout, no airtime budget.
     */
    public static TransportProfile of(TransportKind kind, int mtu, PreferenceClass preference) {
        return new TransportProfile(kind, mtu, 1_000_000, 10, 0, preference, kind.canSend(), kind.canSend(),
                DEFAULT_NEIGHBOUR_TIMEOUT_MILLIS, Optional.empty());
    }

    /** True for media this node can transmit on. */
    public boolean canSend() {
        return kind.canSend();
    }

    /** True where time on air is scarce: see {@link #airtime}. */
    public boolean airtimeGoverned() {
        return airtime.isPresent();
    }

    public TransportProfile withBitrate(long bitsPerSecond) {
        return new TransportProfile(kind, mtu, bitsPerSecond, nominalLatencyMillis, cost, preference, unicast, hopAcks,
                neighbourTimeoutMillis, airtime);
    }

    public TransportProfile withLatency(int millis) {
        return new TransportProfile(kind, mtu, nominalBitrate, millis, cost, preference, unicast, hopAcks,
                neighbourTimeoutMillis, airtime);
    }

    public TransportProfile withCost(int c) {
        return new TransportProfile(kind, mtu, nominalBitrate, nominalLatencyMillis, c, preference, unicast, hopAcks,
                neighbourTimeoutMillis, airtime);
    }

    public TransportProfile withUnicast(boolean u) {
        return new TransportProfile(kind, mtu, nominalBitrate, nominalLatencyMillis, cost, preference, u, hopAcks,
                neighbourTimeoutMillis, airtime);
    }

    public TransportProfile withHopAcks(boolean h) {
        return new TransportProfile(kind, mtu, nominalBitrate, nominalLatencyMillis, cost, preference, unicast, h,
                neighbourTimeoutMillis, airtime);
    }

    public TransportProfile withNeighbourTimeout(long millis) {
        return new TransportProfile(kind, mtu, nominalBitrate, nominalLatencyMillis, cost, preference, unicast, hopAcks,
                millis, airtime);
    }

    /** With an airtime budget; null removes it. */
    public TransportProfile withAirtime(AirtimeBudget budget) {
        return new TransportProfile(kind, mtu, nominalBitrate, nominalLatencyMillis, cost, preference, unicast, hopAcks,
                neighbourTimeoutMillis, Optional.ofNullable(budget));
    }
}
