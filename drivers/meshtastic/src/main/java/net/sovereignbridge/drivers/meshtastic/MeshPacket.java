package net.sovereignbridge.drivers.meshtastic;

import java.util.Arrays;
import java.util.Optional;

/**
 * Protobuf {@code meshtastic.MeshPacket} (mesh.proto), the form a packet takes off the air: inside MQTT's
 * ServiceEnvelope and the serial API's FromRadio/ToRadio. Fields used: from 1, to 2 (fixed32), channel 3 (uint32:
 * the channel hash when encrypted, the channel index on the serial API), decoded 4 (Data) or encrypted 5 (bytes),
 * id 6 (fixed32), rx_time 7 (fixed32), rx_snr 8 (float), hop_limit 9, want_ack 10, priority 11, rx_rssi 12
 * (int32), via_mqtt 14, hop_start 15, next_hop 18, relay_node 19. Others are skipped.
 */
public record MeshPacket(int from, int to, int channel, Optional<Data> decoded, Optional<byte[]> encrypted, int id,
                         int rxTime, float rxSnr, int hopLimit, boolean wantAck, int priority, int rxRssi,
                         boolean viaMqtt, int hopStart, int nextHop, int relayNode) {
    /** An encrypted payload is at most a LoRa frame less the header. */
    public static final int MAX_ENCRYPTED = 255 - PacketHeader.SIZE;

    public MeshPacket {
        if (decoded.isPresent() == encrypted.isPresent()) {
            throw new IllegalArgumentException("a MeshPacket carries either decoded or encrypted content");
        }
        encrypted = encrypted.map(byte[]::clone);
    }

    /** The protobuf form of a packet heard on the air, still encrypted (what MQTT gateways publish on /e/). */
    public static MeshPacket fromAir(PacketHeader h, byte[] encryptedPayload, int rxTime, float snr, int rssi) {
        return new MeshPacket(h.from(), h.to(), h.channelHash(), Optional.empty(), Optional.of(encryptedPayload),
                h.id(), rxTime, snr, h.hopLimit(), h.wantAck(), 0, rssi, h.viaMqtt(), h.hopStart(), h.nextHop(),
                h.relayNode());
    }

    public static MeshPacket decoded(int from, int to, int channel, int id, int hopLimit, boolean wantAck, Data data) {
        return new MeshPacket(from, to, channel, Optional.of(data), Optional.empty(), id, 0, 0f, hopLimit, wantAck, 0,
                0, false, hopLimit, 0, 0);
    }

    @Override
    public Optional<byte[]> encrypted() {
        return encrypted.map(byte[]::clone);
    }

    /** The over-the-air header for this packet (channel = hash: valid for encrypted packets). */
    public PacketHeader header() {
        return new PacketHeader(to, from, id, Math.min(7, hopLimit), wantAck, viaMqtt, Math.min(7, hopStart),
                channel & 0xFF, nextHop & 0xFF, relayNode & 0xFF);
    }

    public byte[] encode() {
        ProtoWriter w = new ProtoWriter().fixed32(1, from).fixed32(2, to).uint(3, Integer.toUnsignedLong(channel));
        decoded.ifPresent(d -> w.bytesAlways(4, d.encode()));
        encrypted.ifPresent(e -> w.bytesAlways(5, e));
        return w.fixed32(6, id).fixed32(7, rxTime).float32(8, rxSnr).uint(9, hopLimit).bool(10, wantAck)
                .uint(11, priority).int32(12, rxRssi).bool(14, viaMqtt).uint(15, hopStart).uint(18, nextHop)
                .uint(19, relayNode).toByteArray();
    }

    public static MeshPacket decode(byte[] bytes) throws MeshtasticException {
        ProtoReader r = new ProtoReader("MeshPacket", bytes);
        int from = 0, to = 0, channel = 0, id = 0, rxTime = 0, hopLimit = 0, priority = 0, rssi = 0, hopStart = 0,
                nextHop = 0, relay = 0;
        float snr = 0;
        boolean wantAck = false, viaMqtt = false;
        Optional<Data> decoded = Optional.empty();
        Optional<byte[]> encrypted = Optional.empty();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> from = r.fixed32();
                case 2 -> to = r.fixed32();
                case 3 -> channel = r.uint32();
                case 4 -> {
                    decoded = Optional.of(Data.decode(r.bytes(512)));
                    encrypted = Optional.empty(); // a oneof: the last one wins
                }
                case 5 -> {
                    encrypted = Optional.of(r.bytes(MAX_ENCRYPTED));
                    decoded = Optional.empty();
                }
                case 6 -> id = r.fixed32();
                case 7 -> rxTime = r.fixed32();
                case 8 -> snr = r.float32();
                case 9 -> hopLimit = r.uint32();
                case 10 -> wantAck = r.bool();
                case 11 -> priority = r.uint32();
                case 12 -> rssi = r.uint32();
                case 14 -> viaMqtt = r.bool();
                case 15 -> hopStart = r.uint32();
                case 18 -> nextHop = r.uint32();
                case 19 -> relay = r.uint32();
                default -> r.skip();
            }
        }
        if (decoded.isEmpty() && encrypted.isEmpty()) {
            throw new MeshtasticException.Malformed("MeshPacket without decoded (4) or encrypted (5) content");
        }
        if (hopLimit > PacketHeader.MAX_HOPS || hopStart > PacketHeader.MAX_HOPS) {
            throw new MeshtasticException.Malformed("MeshPacket hop limit " + hopLimit + " / hop start " + hopStart
                    + " above 7");
        }
        return new MeshPacket(from, to, channel, decoded, encrypted, id, rxTime, snr, hopLimit, wantAck, priority,
                rssi, viaMqtt, hopStart, nextHop, relay);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeshPacket p && p.from == from && p.to == to && p.channel == channel && p.id == id
                && p.decoded.equals(decoded) && p.encrypted.isPresent() == encrypted.isPresent()
                && (encrypted.isEmpty() || Arrays.equals(p.encrypted.get(), encrypted.get())) && p.rxTime == rxTime
                && Float.compare(p.rxSnr, rxSnr) == 0 && p.hopLimit == hopLimit && p.wantAck == wantAck
                && p.priority == priority && p.rxRssi == rxRssi && p.viaMqtt == viaMqtt && p.hopStart == hopStart
                && p.nextHop == nextHop && p.relayNode == relayNode;
    }

    @Override
    public int hashCode() {
        return from * 31 + id;
    }
}
