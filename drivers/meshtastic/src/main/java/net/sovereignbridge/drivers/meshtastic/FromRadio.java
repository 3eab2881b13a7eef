package net.sovereignbridge.drivers.meshtastic;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * From a device to its client over the stream API (protobuf {@code meshtastic.FromRadio}, mesh.proto). Read here:
 * id 1, packet 2 (a MeshPacket the device received, decoded), my_info 3 (MyNodeInfo: my_node_num 1),
 * config_complete_id 7, rebooted 8. The other variants (node_info, config, channel, metadata...) are reported by
 * their field number only ({@link #otherVariant()}), so a bridge can skip them knowingly.
 */
public record FromRadio(int id, Optional<MeshPacket> packet, OptionalInt myNodeNum, OptionalInt configCompleteId,
                        boolean rebooted, OptionalInt otherVariant) {

    public static FromRadio packet(int id, MeshPacket p) {
        return new FromRadio(id, Optional.of(p), OptionalInt.empty(), OptionalInt.empty(), false, OptionalInt.empty());
    }

    public byte[] encode() {
        ProtoWriter w = new ProtoWriter().uint(1, Integer.toUnsignedLong(id));
        packet.ifPresent(p -> w.bytesAlways(2, p.encode()));
        myNodeNum.ifPresent(n -> w.bytesAlways(3, new ProtoWriter().uint(1, Integer.toUnsignedLong(n)).toByteArray()));
        configCompleteId.ifPresent(c -> w.uintAlways(7, Integer.toUnsignedLong(c)));
        return w.bool(8, rebooted).toByteArray();
    }

    public static FromRadio decode(byte[] bytes) throws MeshtasticException {
        ProtoReader r = new ProtoReader("FromRadio", bytes);
        int id = 0;
        Optional<MeshPacket> packet = Optional.empty();
        OptionalInt myNode = OptionalInt.empty(), complete = OptionalInt.empty(), other = OptionalInt.empty();
        boolean rebooted = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> id = r.uint32();
                case 2 -> packet = Optional.of(MeshPacket.decode(r.bytes(StreamFraming.MAX_PAYLOAD)));
                case 3 -> {
                    ProtoReader info = new ProtoReader("MyNodeInfo", r.bytes(StreamFraming.MAX_PAYLOAD));
                    myNode = OptionalInt.of(0); // proto3: an absent my_node_num is 0 (and 0 is sent as absent)
                    while (info.next()) {
                        if (info.field() == 1) myNode = OptionalInt.of(info.uint32());
                        else info.skip();
                    }
                }
                case 7 -> complete = OptionalInt.of(r.uint32());
                case 8 -> rebooted = r.bool();
                default -> {
                    other = OptionalInt.of(r.field());
                    r.skip();
                }
            }
        }
        return new FromRadio(id, packet, myNode, complete, rebooted, other);
    }
}
