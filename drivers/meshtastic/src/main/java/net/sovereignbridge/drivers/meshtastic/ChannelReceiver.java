package net.sovereignbridge.drivers.meshtastic;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a Meshtastic node does with a LoRa frame it hears, up to the point where the application takes over: decode
 * the header, drop copies of packets already heard ({@link PacketHistory}), open the payload with the channel the
 * hash names, and decide whether to relay it. Every outcome is a value, so the caller counts and logs it; nothing
 * here throws on what the air brings.
 *
 * <p>Relaying (our policy, see docs/meshtastic.md): off unless {@code maxRelayHopLimit > 0}. When on, a packet not
 * from us, not addressed to us only, with hops left is sent again once with its hop limit lowered by one and capped
 * at {@code maxRelayHopLimit}, and our node number's last byte as relay node; the payload stays encrypted as it came
 * (a relay needs no key, as in Meshtastic). The cap is ours: a packet sent with hop limit 7 would otherwise make
 * every relay, us included, spend airtime on it six more times.
 */
public final class ChannelReceiver {
    /** What became of one frame. */
    public sealed interface Outcome permits Accepted, Duplicate, Ignored, Rejected {}

    /**
     * A new packet on one of our channels.
     *
     * @param forUs addressed to our node number (a direct message), rather than broadcast or to someone else
     * @param relay the frame to send on, when the relay policy says so
     */
    public record Accepted(MeshtasticCodec.Opened opened, boolean forUs, Optional<byte[]> relay) implements Outcome {}

    /** A copy of a packet heard within the flood expiry time. */
    public record Duplicate(int from, int id) implements Outcome {}

    /** A well-formed frame that is not for the bridge (our own packet relayed back). */
    public record Ignored(String reason) implements Outcome {}

    /** A frame that is not a Meshtastic packet of ours: wrong channel hash or key, truncated, malformed. */
    public record Rejected(MeshtasticException problem) implements Outcome {}

    private final int ourNode;
    private final List<Channel> channels;
    private final PacketHistory history;
    private final int maxRelayHopLimit;

    /** @param maxRelayHopLimit 0 = never relay; else 1..7, the highest hop limit a relayed copy leaves with */
    public ChannelReceiver(int ourNode, List<Channel> channels, PacketHistory history, int maxRelayHopLimit) {
        if (maxRelayHopLimit < 0 || maxRelayHopLimit > PacketHeader.MAX_HOPS) {
            throw new IllegalArgumentException("maxRelayHopLimit must be 0..7, got " + maxRelayHopLimit);
        }
        this.ourNode = ourNode;
        this.channels = List.copyOf(channels);
        this.history = Objects.requireNonNull(history, "history");
        this.maxRelayHopLimit = maxRelayHopLimit;
    }

    public Outcome receive(byte[] frame) {
        RadioFrame f;
        try {
            f = RadioFrame.decode(frame);
        } catch (MeshtasticException e) {
            return new Rejected(e);
        }
        PacketHeader h = f.header();
        if (h.from() == ourNode) {
            history.seenRecently(h.from(), h.id());
            return new Ignored(String.format("our own packet 0x%08x relayed back", h.id()));
        }
        MeshtasticCodec.Opened opened;
        try {
            opened = MeshtasticCodec.open(h, f.encryptedPayload(), channels);
        } catch (MeshtasticException e) {
            return new Rejected(e);
        }
        // Recorded only once it opened (Meshtastic records before decrypting): a forged frame carrying the
        // (from, id) of a genuine packet still to come cannot shadow it; opening a copy costs one AES-CTR pass.
        if (history.seenRecently(h.from(), h.id())) return new Duplicate(h.from(), h.id());
        boolean forUs = h.to() == ourNode;
        return new Accepted(opened, forUs, forUs ? Optional.empty() : relayed(f));
    }

    private Optional<byte[]> relayed(RadioFrame f) {
        PacketHeader h = f.header();
        if (maxRelayHopLimit == 0 || h.hopLimit() == 0) return Optional.empty();
        int hops = Math.min(h.hopLimit() - 1, maxRelayHopLimit);
        PacketHeader next = new PacketHeader(h.to(), h.from(), h.id(), hops, h.wantAck(), h.viaMqtt(), h.hopStart(),
                h.channelHash(), h.nextHop(), ourNode & 0xFF);
        return Optional.of(new RadioFrame(next, f.encryptedPayload()).encode());
    }
}
