package net.sovereignbridge.mesh.transport;

/**
 * Static facts about a transport that routing and handover use to compare links.
 *
 * @param mtu largest frame {@link Transport#send} accepts, in bytes
 * @param nominalBitrate bits per second the medium carries when idle
 * @param nominalLatencyMillis one-way latency of a small frame on an idle link
 * @param cost relative cost of a byte (0 = free LAN, higher = metered or scarce); used as a tie breaker
 * @param regulatedAirtime true when law limits the share of time on air (duty cycle)
 */
public record TransportProfile(
        int mtu, long nominalBitrate, int nominalLatencyMillis, int cost, boolean regulatedAirtime) {
    public TransportProfile {
        if (mtu < 32) throw new IllegalArgumentException("mtu must be at least 32 bytes, got " + mtu);
        if (nominalBitrate <= 0) throw new IllegalArgumentException("nominalBitrate must be positive");
        if (nominalLatencyMillis < 0 || cost < 0) throw new IllegalArgumentException("latency and cost must be >= 0");
    }
}
