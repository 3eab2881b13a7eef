package net.sovereignbridge.p2p.relay;

import java.time.Duration;

/**
 * The relay service's limits (circuit relay v2 hop side). The spec's limits go to the clients in every
 * reservation and circuit (Limit{duration, data}); our caps bound what strangers can make us hold.
 *
 * @param mode                   when the hop protocol is served
 * @param maxReservations        reservations held at once
 * @param maxReservationsPerIp   of those, from one remote address (an IPv4 address or an IPv6 /64)
 * @param maxCircuits            circuits relayed at once
 * @param maxCircuitsPerPeer     of those, with one peer as source or target
 * @param reservationTtl         how long a reservation lasts (clients renew before it expires)
 * @param circuitDuration        a circuit is reset after this long (0 = no limit; sent as Limit.duration)
 * @param circuitData            bytes relayed per direction before the circuit is reset (0 = no limit; Limit.data)
 */
public record RelayConfig(Mode mode, int maxReservations, int maxReservationsPerIp, int maxCircuits, int maxCircuitsPerPeer,
                          Duration reservationTtl, Duration circuitDuration, long circuitData) {
    public enum Mode {
        /** Serve hop only while the host's reachability is PUBLIC (a NATed relay is of no use). */
        AUTO,
        ON,
        OFF
    }

    public RelayConfig {
        if (maxReservations < 0 || maxReservationsPerIp < 1 || maxCircuits < 0 || maxCircuitsPerPeer < 1) {
            throw new IllegalArgumentException("relay caps must be positive (reservations " + maxReservations + ", per ip "
                    + maxReservationsPerIp + ", circuits " + maxCircuits + ", per peer " + maxCircuitsPerPeer + ")");
        }
        if (reservationTtl.toSeconds() < 1) throw new IllegalArgumentException("relay reservation ttl " + reservationTtl + " under 1 s");
        if (circuitDuration.isNegative() || circuitDuration.toSeconds() > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("relay circuit duration " + circuitDuration + " out of range");
        }
        if (circuitData < 0) throw new IllegalArgumentException("relay circuit data " + circuitData + " negative");
    }

    /**
     * The spec's common limits (2 min and 128 KiB per circuit, 1 h reservations) with go-libp2p's caps
     * (128 reservations, 8 per address); 16 circuits at once suits a Raspberry Pi's uplink.
     */
    public static RelayConfig defaults() {
        return new RelayConfig(Mode.AUTO, 128, 8, 16, 4, Duration.ofHours(1), Duration.ofMinutes(2), 128 * 1024);
    }

    public RelayConfig withMode(Mode m) {
        return new RelayConfig(m, maxReservations, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, reservationTtl,
                circuitDuration, circuitData);
    }

    public RelayConfig withReservationTtl(Duration d) {
        return new RelayConfig(mode, maxReservations, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, d,
                circuitDuration, circuitData);
    }

    public RelayConfig withCircuitLimit(Duration duration, long data) {
        return new RelayConfig(mode, maxReservations, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, reservationTtl,
                duration, data);
    }

    public RelayConfig withCaps(int reservations, int reservationsPerIp, int circuits, int circuitsPerPeer) {
        return new RelayConfig(mode, reservations, reservationsPerIp, circuits, circuitsPerPeer, reservationTtl,
                circuitDuration, circuitData);
    }

    /** The limit sent to clients. */
    public CircuitLimit limit() {
        return new CircuitLimit(circuitDuration.toSeconds(), circuitData);
    }
}
