package net.sovereignbridge.drivers.meshtastic;

/**
 * What a Meshtastic MQTT gateway publishes (protobuf {@code meshtastic.ServiceEnvelope}, mqtt.proto): packet 1
 * (MeshPacket), channel_id 2 (the channel name), gateway_id 3 ("!%08x" of the gateway node), on the topic
 * {@code msh/<REGION>/2/e/<channel>/!<gateway id>}.
 */
public record ServiceEnvelope(MeshPacket packet, String channelId, String gatewayId) {
    public static final int MAX_SIZE = 1024;

    public byte[] encode() {
        return new ProtoWriter().bytesAlways(1, packet.encode()).string(2, channelId).string(3, gatewayId)
                .toByteArray();
    }

    public static ServiceEnvelope decode(byte[] bytes) throws MeshtasticException {
        if (bytes.length > MAX_SIZE) {
            throw new MeshtasticException.Oversize("ServiceEnvelope of " + bytes.length + " bytes (at most " + MAX_SIZE + ")");
        }
        ProtoReader r = new ProtoReader("ServiceEnvelope", bytes);
        MeshPacket packet = null;
        String channel = "", gateway = "";
        while (r.next()) {
            switch (r.field()) {
                case 1 -> packet = MeshPacket.decode(r.bytes(MAX_SIZE));
                case 2 -> channel = r.string(32);
                case 3 -> gateway = r.string(16);
                default -> r.skip();
            }
        }
        if (packet == null) throw new MeshtasticException.Malformed("ServiceEnvelope without a packet (field 1)");
        return new ServiceEnvelope(packet, channel, gateway);
    }

    /** The topic a gateway publishes this on: {@code <root>/2/e/<channel>/<gateway id>}, root e.g. "msh/EU_868". */
    public String topic(String root) {
        return root + "/2/e/" + channelId + "/" + gatewayId;
    }
}
