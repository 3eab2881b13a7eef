package net.sovereignbridge.p2p.relay;

/**
 * StopMessage{type 1, peer 2, limit 3, status 4} on {@code /libp2p/circuit/relay/0.2.0/stop}: the relay
 * sends CONNECT (peer = the source) to the target, which answers STATUS. Absent fields are null.
 */
public record StopMessage(Type type, CircuitPeer peer, CircuitLimit limit, CircuitStatus status) {
    public enum Type {
        CONNECT(0), STATUS(1);

        public final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(long code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }
    }

    public StopMessage {
        if (type == null) throw new IllegalArgumentException("a stop message needs a type");
    }

    public static StopMessage status(CircuitStatus status) {
        return new StopMessage(Type.STATUS, null, null, status);
    }
}
