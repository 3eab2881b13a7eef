package net.sovereignbridge.p2p.relay;

/**
 * HopMessage{type 1, peer 2, reservation 3, limit 4, status 5} on {@code /libp2p/circuit/relay/0.2.0/hop}:
 * a client sends RESERVE or CONNECT, the relay answers STATUS. Absent fields are null.
 */
public record HopMessage(Type type, CircuitPeer peer, Reservation reservation, CircuitLimit limit, CircuitStatus status) {
    public enum Type {
        RESERVE(0), CONNECT(1), STATUS(2);

        public final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(long code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }
    }

    public HopMessage {
        if (type == null) throw new IllegalArgumentException("a hop message needs a type");
    }

    public static HopMessage reserve() {
        return new HopMessage(Type.RESERVE, null, null, null, null);
    }

    public static HopMessage connect(CircuitPeer target) {
        return new HopMessage(Type.CONNECT, target, null, null, null);
    }

    public static HopMessage status(CircuitStatus status) {
        return new HopMessage(Type.STATUS, null, null, null, status);
    }
}
