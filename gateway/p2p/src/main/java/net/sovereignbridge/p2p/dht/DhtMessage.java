package net.sovereignbridge.p2p.dht;

import java.util.Arrays;
import java.util.List;

/**
 * The libp2p kad-dht RPC message (the same protobuf for requests and responses):
 *
 * <pre>
 * message Record  { bytes key = 1; bytes value = 2; string timeReceived = 5; }
 * message Message {
 *   enum MessageType { PUT_VALUE = 0; GET_VALUE = 1; ADD_PROVIDER = 2; GET_PROVIDERS = 3; FIND_NODE = 4; PING = 5; }
 *   enum ConnectionType { NOT_CONNECTED = 0; CONNECTED = 1; CAN_CONNECT = 2; CANNOT_CONNECT = 3; }
 *   message Peer { bytes id = 1; repeated bytes addrs = 2; ConnectionType connection = 3; }
 *   MessageType type = 1; int32 clusterLevelRaw = 10; bytes key = 2; Record record = 3;
 *   repeated Peer closerPeers = 8; repeated Peer providerPeers = 9;
 * }
 * </pre>
 *
 * @param key empty when absent
 * @param record null when absent
 */
public record DhtMessage(Type type, byte[] key, Record record, List<Peer> closerPeers, List<Peer> providerPeers) {

    public enum Type {
        PUT_VALUE(0), GET_VALUE(1), ADD_PROVIDER(2), GET_PROVIDERS(3), FIND_NODE(4), PING(5);

        public final int code;

        Type(int code) {
            this.code = code;
        }

        static Type fromCode(long code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }
    }

    public enum Connection {
        NOT_CONNECTED(0), CONNECTED(1), CAN_CONNECT(2), CANNOT_CONNECT(3);

        public final int code;

        Connection(int code) {
            this.code = code;
        }

        static Connection fromCode(long code) {
            for (Connection c : values()) if (c.code == code) return c;
            return NOT_CONNECTED; // proto3 open enums: an unknown value is not an error
        }
    }

    /** A stored value; timeReceived is RFC 3339 text set by the node that hands it out, or empty. */
    public record Record(byte[] key, byte[] value, String timeReceived) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Record r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                    && timeReceived.equals(r.timeReceived);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Record[key=" + key.length + "B, value=" + value.length + "B, timeReceived=" + timeReceived + "]";
        }
    }

    public record Peer(byte[] id, List<byte[]> addrs, Connection connection) {
        public static Peer of(DhtPeer p) {
            return new Peer(p.id(), p.addrs(), Connection.NOT_CONNECTED);
        }

        public DhtPeer toDhtPeer() {
            return new DhtPeer(id, addrs);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Peer p) || !Arrays.equals(id, p.id) || connection != p.connection
                    || addrs.size() != p.addrs.size()) {
                return false;
            }
            for (int i = 0; i < addrs.size(); i++) if (!Arrays.equals(addrs.get(i), p.addrs.get(i))) return false;
            return true;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(id);
        }
    }

    public DhtMessage {
        key = key == null ? new byte[0] : key;
        closerPeers = closerPeers == null ? List.of() : List.copyOf(closerPeers);
        providerPeers = providerPeers == null ? List.of() : List.copyOf(providerPeers);
    }

    public static DhtMessage request(Type type, byte[] key) {
        return new DhtMessage(type, key, null, List.of(), List.of());
    }

    public static DhtMessage putValue(byte[] key, byte[] value) {
        return new DhtMessage(Type.PUT_VALUE, key, new Record(key, value, ""), List.of(), List.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DhtMessage m && type == m.type && Arrays.equals(key, m.key)
                && java.util.Objects.equals(record, m.record) && closerPeers.equals(m.closerPeers)
                && providerPeers.equals(m.providerPeers);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "DhtMessage[" + type + ", key=" + key.length + "B, record=" + record + ", closer=" + closerPeers.size()
                + ", providers=" + providerPeers.size() + "]";
    }
}
