package net.sovereignbridge.drivers.meshtastic;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * From a client to a device over the stream API (protobuf {@code meshtastic.ToRadio}, mesh.proto): packet 1
 * (MeshPacket to send), want_config_id 3 (uint32: "send me your configuration", answered by FromRadio records ending
 * in config_complete_id), disconnect 4 (bool), heartbeat 7 (an empty message keeping the link alive).
 */
public record ToRadio(Optional<MeshPacket> packet, OptionalInt wantConfigId, boolean disconnect, boolean heartbeat) {
    public static ToRadio send(MeshPacket p) {
        return new ToRadio(Optional.of(p), OptionalInt.empty(), false, false);
    }

    public static ToRadio wantConfig(int nonce) {
        return new ToRadio(Optional.empty(), OptionalInt.of(nonce), false, false);
    }

    public static ToRadio heartbeatMessage() {
        return new ToRadio(Optional.empty(), OptionalInt.empty(), false, true);
    }

    public byte[] encode() {
        ProtoWriter w = new ProtoWriter();
        packet.ifPresent(p -> w.bytesAlways(1, p.encode()));
        wantConfigId.ifPresent(id -> w.uintAlways(3, Integer.toUnsignedLong(id)));
        w.bool(4, disconnect);
        if (heartbeat) w.bytesAlways(7, new byte[0]);
        return w.toByteArray();
    }

    public static ToRadio decode(byte[] bytes) throws MeshtasticException {
        ProtoReader r = new ProtoReader("ToRadio", bytes);
        Optional<MeshPacket> packet = Optional.empty();
        OptionalInt want = OptionalInt.empty();
        boolean disconnect = false, heartbeat = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> packet = Optional.of(MeshPacket.decode(r.bytes(StreamFraming.MAX_PAYLOAD)));
                case 3 -> want = OptionalInt.of(r.uint32());
                case 4 -> disconnect = r.bool();
                case 7 -> {
                    r.bytes(64);
                    heartbeat = true;
                }
                default -> r.skip();
            }
        }
        return new ToRadio(packet, want, disconnect, heartbeat);
    }
}
