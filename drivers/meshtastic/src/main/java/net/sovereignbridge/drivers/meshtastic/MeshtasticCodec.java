package net.sovereignbridge.drivers.meshtastic;

import java.util.ArrayList;
import java.util.List;

/**
 * Seals a Data message into a LoRa frame for a channel, and opens frames with the channels we know. Opening tries
 * every channel whose hash matches the header (the hash is one byte, so two channels can share it); a channel
 * "fits" when its key turns the payload into a Data message with a known-looking port (AES-CTR has no MAC, so a
 * parse that fails is the only sign of a wrong key).
 */
public final class MeshtasticCodec {
    private MeshtasticCodec() {}

    /** A frame opened with one of our channels. */
    public record Opened(PacketHeader header, Channel channel, Data data) {}

    /** Encrypts {@code data} with {@code channel} under {@code header}, whose channel hash must be the channel's. */
    public static byte[] seal(PacketHeader header, Data data, Channel channel) {
        if (header.channelHash() != channel.hash()) {
            throw new IllegalArgumentException(String.format("header channel hash 0x%02x is not %s's 0x%02x",
                    header.channelHash(), channel.name(), channel.hash()));
        }
        byte[] plain = data.encode();
        if (plain.length > RadioFrame.MAX_PAYLOAD) {
            throw new IllegalArgumentException("the Data message is " + plain.length + " bytes; at most "
                    + RadioFrame.MAX_PAYLOAD + " fit a LoRa frame");
        }
        return new RadioFrame(header, channel.crypt(header.id(), header.from(), plain)).encode();
    }

    /** A text broadcast from {@code from} with the default hop limit 3, as a phone app would send it. */
    public static byte[] textBroadcast(Channel channel, int from, int id, String text) {
        return seal(PacketHeader.originate(PacketHeader.BROADCAST, from, id, 3, false, channel.hash()), Data.text(text),
                channel);
    }

    public static Opened open(byte[] frame, List<Channel> channels) throws MeshtasticException {
        RadioFrame f = RadioFrame.decode(frame);
        return open(f.header(), f.encryptedPayload(), channels);
    }

    /** Opens an encrypted payload whose header is known (from the air, or a MeshPacket off MQTT). */
    public static Opened open(PacketHeader h, byte[] encrypted, List<Channel> channels) throws MeshtasticException {
        List<Channel> candidates = new ArrayList<>();
        for (Channel c : channels) if (c.hash() == h.channelHash()) candidates.add(c);
        if (candidates.isEmpty()) {
            throw new MeshtasticException.WrongChannel(h.channelHash(), String.format(
                    "no configured channel has hash 0x%02x (packet 0x%08x from %s)", h.channelHash(), h.id(),
                    PacketHeader.nodeId(h.from())));
        }
        MeshtasticException last = null;
        for (Channel c : candidates) {
            try {
                Data d = Data.decode(c.crypt(h.id(), h.from(), encrypted));
                if (d.portnum() <= 0 || d.portnum() > 511) {
                    throw new MeshtasticException.Malformed("Data with port " + d.portnum());
                }
                return new Opened(h, c, d);
            } catch (MeshtasticException e) {
                last = e;
            }
        }
        throw new MeshtasticException.WrongChannel(h.channelHash(), String.format("packet 0x%08x from %s has hash "
                + "0x%02x, but no key of ours decrypts it to a Data message (%s)", h.id(), PacketHeader.nodeId(h.from()),
                h.channelHash(), last.getMessage()));
    }
}
