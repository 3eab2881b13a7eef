package net.sovereignbridge.app.meshtastic;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import net.sovereignbridge.app.transport.lora.LoraRadio;
import net.sovereignbridge.drivers.meshtastic.Channel;
import net.sovereignbridge.drivers.meshtastic.ChannelReceiver;
import net.sovereignbridge.drivers.meshtastic.ChannelUtilisation;
import net.sovereignbridge.drivers.meshtastic.Data;
import net.sovereignbridge.drivers.meshtastic.MeshPacket;
import net.sovereignbridge.drivers.meshtastic.MeshtasticCodec;
import net.sovereignbridge.drivers.meshtastic.MeshtasticException;
import net.sovereignbridge.drivers.meshtastic.MeshtasticRegion;
import net.sovereignbridge.drivers.meshtastic.PacketHeader;
import net.sovereignbridge.drivers.meshtastic.PacketHistory;
import net.sovereignbridge.drivers.meshtastic.PortNum;
import net.sovereignbridge.drivers.meshtastic.Position;
import net.sovereignbridge.drivers.meshtastic.User;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.radio.DutyCycleGovernor;
import net.sovereignbridge.mesh.transport.radio.Region;

/**
 * A gateway's presence on a Meshtastic channel over one LoRa radio (an SX126x or SX127x set to the channel's
 * preset and frequency slot): what it hears goes to a {@link Bridge} (the mesh topic side), what the topic side
 * says goes on air as Meshtastic text from our own node number.
 *
 * <p>Politeness: every transmission of ours, relays included, is governed by a {@link DutyCycleGovernor} at half
 * the region's Meshtastic duty cycle (EU_868: 5 % of the hour; US: 50 %), and traffic that came from the internet
 * or a local service spends at most {@code internetShare} of that. And as Meshtastic nodes do, we hold back while
 * the channel is busy ({@link ChannelUtilisation}: every frame heard and sent over the last minute): lines from the
 * internet or a local service and our NodeInfo from 25 %, everything else (the mesh's own lines, relays) from 40 %.
 * A send that does not fit now is refused with the wait, not queued: the caller (the topic bridge) decides whether a
 * late chat line is still worth sending.
 *
 * <p>OK_TO_MQTT: a packet whose sender did not set the bit is shown to nothing but DMs to us: it is not bridged to
 * the topic side, which reaches MQTT and CoAP, as a Meshtastic MQTT gateway would not upload it.
 */
public final class MeshtasticLink implements AutoCloseable {
    /** The topic side: what the link hands up. Runs on the radio's receive thread; must not block long. */
    public interface Bridge {
        /** A text on {@code channel} ({@code direct}: a DM to our node number). */
        void text(Channel channel, int from, String text, boolean direct);

        /**
         * A packet of any port that a Meshtastic MQTT gateway would upload: OK_TO_MQTT set, not itself from MQTT, not
         * addressed to us; {@code frame} is as heard (header and encrypted payload).
         */
        default void uplink(PacketHeader header, Channel channel, byte[] frame, ReceivedPacket rx) {}
    }

    /**
     * @param node our Meshtastic node number (not 0, not broadcast)
     * @param channels the channels we hold keys for; the first is the one we send on
     * @param maxRelayHopLimit 0 = never relay, else the highest hop limit a relayed copy leaves with (1..7)
     * @param internetShare 0..1 of our airtime budget that internet and device traffic may use
     */
    public record Settings(int node, String longName, String shortName, MeshtasticRegion region, List<Channel> channels,
                           int hopLimit, int maxRelayHopLimit, double internetShare) {
        public Settings {
            if (node == 0 || node == PacketHeader.BROADCAST) {
                throw new IllegalArgumentException("node number " + PacketHeader.nodeId(node) + " is reserved");
            }
            if (channels.isEmpty()) throw new IllegalArgumentException("at least one channel is needed");
            if (hopLimit < 0 || hopLimit > PacketHeader.MAX_HOPS) {
                throw new IllegalArgumentException("hopLimit must be 0..7, got " + hopLimit);
            }
            channels = List.copyOf(channels);
        }
    }

    /** What became of a send. */
    public sealed interface SendResult permits Sent, Deferred, ChannelBusy, Refused {}

    public record Sent(int id, long airtimeNanos) implements SendResult {}

    /** Over the airtime budget now; may fit after {@code waitNanos}. */
    public record Deferred(long waitNanos) implements SendResult {}

    /** The channel is too busy for this frame now (Meshtastic's channel-utilisation rule); may go after {@code waitNanos}. */
    public record ChannelBusy(long waitNanos) implements SendResult {}

    /** Can never go (too long for a frame, or for the whole budget), or the radio failed. */
    public record Refused(String reason) implements SendResult {}

    private static final int MAX_NODES = 512;

    private final LoraRadio radio;
    private final Settings settings;
    private final Bridge bridge;
    private final ChannelReceiver receiver;
    private final PacketHistory history;
    private final DutyCycleGovernor governor;
    private final ChannelUtilisation utilisation;
    private final SecureRandom random = new SecureRandom();
    private final Map<Integer, User> nodes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, User> e) {
            return size() > MAX_NODES;
        }
    };
    private final Map<Integer, Position> positions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Position> e) {
            return size() > MAX_NODES;
        }
    };
    private final Map<String, AtomicLong> counters = new LinkedHashMap<>();

    public MeshtasticLink(LoraRadio radio, Settings settings, Bridge bridge, LongSupplier nanoClock) {
        this.radio = Objects.requireNonNull(radio, "radio");
        this.settings = settings;
        this.bridge = Objects.requireNonNull(bridge, "bridge");
        this.history = new PacketHistory(4096, nanoClock);
        this.receiver = new ChannelReceiver(settings.node(), settings.channels(), history, settings.maxRelayHopLimit());
        double half = settings.region().dutyCyclePercent() / 200.0;
        this.governor = new DutyCycleGovernor(new Region.SubBand("meshtastic " + settings.region(), 0, Long.MAX_VALUE,
                half, settings.region().powerLimitDbm()), settings.internetShare(), nanoClock);
        this.utilisation = new ChannelUtilisation(nanoClock);
        for (String c : List.of("received", "bridgedText", "directText", "notOkToMqtt", "nodeInfo", "position",
                "duplicate", "ignored", "rejected", "uplink", "relayed", "relayOverBudget", "relayChannelBusy", "sent", "deferred",
                "channelBusy", "refused", "mqttDownlink", "mqttDuplicate", "mqttRefused")) {
            counters.put(c, new AtomicLong());
        }
    }

    public void start() throws LoraRadio.Failure {
        radio.configure();
        radio.startReceiving(this::onFrame);
    }

    /** Puts the radio to sleep; {@link #start} brings it back. The tables and the airtime record stay. */
    public void stop() throws LoraRadio.Failure {
        radio.sleep();
    }

    public Settings settings() {
        return settings;
    }

    /** The chip and its modulation, for status lines ("SX1262 (...)", "869.525 MHz SF11 BW_250"). */
    public String chip() {
        return radio.chip();
    }

    public String modulation() {
        return radio.modulation();
    }

    /** Time on air of a frame of {@code length} bytes on this channel. */
    public long timeOnAirNanos(int length) {
        return radio.timeOnAirNanos(length);
    }

    /** Sends {@code text} as a broadcast on our first channel. */
    public SendResult sendText(String text, TrafficOrigin origin) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > Data.MAX_PAYLOAD) {
            return count(new Refused("text is " + utf8.length + " bytes; Meshtastic carries at most " + Data.MAX_PAYLOAD));
        }
        // a line from MQTT, CoAP or the internet is optional traffic; one from the mesh's own people is not
        return sendData(PacketHeader.BROADCAST, Data.text(text).withBitfield(Data.OK_TO_MQTT), origin,
                origin.capped() ? ChannelUtilisation.POLITE_PERCENT : ChannelUtilisation.MAX_PERCENT);
    }

    /** Announces our User (NodeInfo) as a broadcast, as a Meshtastic node does after boot and every few hours. */
    public SendResult sendNodeInfo() {
        User us = User.of(settings.node(), settings.longName(), settings.shortName());
        return sendData(PacketHeader.BROADCAST, Data.of(PortNum.NODEINFO_APP, us.encode()).withBitfield(Data.OK_TO_MQTT),
                TrafficOrigin.LOCAL, ChannelUtilisation.POLITE_PERCENT);
    }

    /**
     * Puts a packet from Meshtastic's MQTT (another gateway's upload of our channel, still encrypted) on our air, as
     * a Meshtastic MQTT gateway with downlink on does: with the via-MQTT flag, our hop limit at most, once per (from,
     * id) (a packet heard on air first, or twice from MQTT, is a duplicate), as internet traffic within the share and
     * as optional traffic under the channel-utilisation rule. Nothing is queued.
     */
    public SendResult transmitFromMqtt(MeshPacket p) {
        Channel ch = settings.channels().get(0);
        String problem = p.encrypted().isEmpty() ? "not encrypted" : p.from() == settings.node() ? "our own packet"
                : p.id() == 0 ? "packet id 0" : (p.channel() & 0xFF) != ch.hash() ? "another channel's hash"
                : p.from() == 0 || p.from() == PacketHeader.BROADCAST ? "a reserved sender" : null;
        if (problem != null) {
            counters.get("mqttRefused").incrementAndGet();
            return new Refused(problem);
        }
        if (history.seenRecently(p.from(), p.id())) {
            counters.get("mqttDuplicate").incrementAndGet();
            return new Refused("already heard");
        }
        byte[] payload = p.encrypted().get();
        if (payload.length > MeshPacket.MAX_ENCRYPTED) {
            counters.get("mqttRefused").incrementAndGet();
            return new Refused("payload of " + payload.length + " bytes");
        }
        PacketHeader h;
        try {
            h = p.header();
        } catch (IllegalArgumentException e) { // a hop limit or hop start no header can carry
            counters.get("mqttRefused").incrementAndGet();
            return new Refused(e.getMessage());
        }
        int hops = Math.min(h.hopLimit(), settings.hopLimit());
        PacketHeader out = new PacketHeader(h.to(), h.from(), h.id(), hops, false, true, Math.max(hops, h.hopStart()),
                ch.hash(), 0, settings.node() & 0xFF);
        byte[] header = out.encode();
        byte[] frame = java.util.Arrays.copyOf(header, header.length + payload.length);
        System.arraycopy(payload, 0, frame, header.length, payload.length);
        SendResult r = count(transmit(frame, TrafficOrigin.INTERNET, h.id(), ChannelUtilisation.POLITE_PERCENT));
        if (r instanceof Sent) counters.get("mqttDownlink").incrementAndGet();
        return r;
    }

    private SendResult sendData(int to, Data data, TrafficOrigin origin, double busyLimitPercent) {
        Channel ch = settings.channels().get(0);
        int id = random.nextInt() | 1; // 0 is "no id" in Meshtastic
        byte[] frame;
        try {
            frame = MeshtasticCodec.seal(PacketHeader.originate(to, settings.node(), id, settings.hopLimit(), false,
                    ch.hash()), data, ch);
        } catch (IllegalArgumentException e) {
            return count(new Refused(e.getMessage()));
        }
        return count(transmit(frame, origin, id, busyLimitPercent));
    }

    /**
     * @param busyLimitPercent channel utilisation from which this frame waits (Meshtastic's politeness: 25 % for
     *     optional traffic, 40 % for everything)
     */
    private synchronized SendResult transmit(byte[] frame, TrafficOrigin origin, int id, double busyLimitPercent) {
        long airtime = radio.timeOnAirNanos(frame.length);
        long busyWait = utilisation.nanosUntilBelow(busyLimitPercent);
        if (busyWait > 0) return new ChannelBusy(busyWait);
        long wait = governor.delayNanos(airtime, origin);
        if (wait == Long.MAX_VALUE) return new Refused("a frame of " + airtime / 1_000_000 + " ms never fits the budget");
        if (wait > 0) return new Deferred(wait);
        governor.record(airtime, origin);
        utilisation.record(airtime);
        try {
            radio.transmit(frame);
        } catch (LoraRadio.Failure e) {
            return new Refused("radio: " + e.getMessage());
        }
        return new Sent(id, airtime);
    }

    private SendResult count(SendResult r) {
        String name = r instanceof Sent ? "sent" : r instanceof Deferred ? "deferred"
                : r instanceof ChannelBusy ? "channelBusy" : "refused";
        counters.get(name).incrementAndGet();
        return r;
    }

    void onFrame(ReceivedPacket packet) {
        // every frame heard kept the channel busy, whether it is ours to open or not
        utilisation.record(radio.timeOnAirNanos(packet.payload().length));
        ChannelReceiver.Outcome o = receiver.receive(packet.payload());
        if (o instanceof ChannelReceiver.Accepted a) {
            accepted(a, packet);
        } else {
            counters.get(o instanceof ChannelReceiver.Duplicate ? "duplicate"
                    : o instanceof ChannelReceiver.Ignored ? "ignored" : "rejected").incrementAndGet();
        }
        // Counted last: "received" says the frame's effects (tables, bridge, relay) are all done.
        counters.get("received").incrementAndGet();
    }

    private void accepted(ChannelReceiver.Accepted a, ReceivedPacket packet) {
        Data d = a.opened().data();
        int from = a.opened().header().from();
        if (d.okToMqtt() && !a.forUs() && !a.opened().header().viaMqtt()) {
            counters.get("uplink").incrementAndGet();
            bridge.uplink(a.opened().header(), a.opened().channel(), packet.payload(), packet);
        }
        switch (d.portnum()) {
            case PortNum.TEXT_MESSAGE_APP -> {
                if (a.forUs()) {
                    counters.get("directText").incrementAndGet();
                    bridge.text(a.opened().channel(), from, d.text(), true);
                } else if (!d.okToMqtt()) {
                    counters.get("notOkToMqtt").incrementAndGet();
                } else if (a.opened().header().broadcast()) {
                    counters.get("bridgedText").incrementAndGet();
                    bridge.text(a.opened().channel(), from, d.text(), false);
                }
            }
            case PortNum.NODEINFO_APP -> {
                try {
                    User u = User.decode(d.payload());
                    synchronized (nodes) {
                        nodes.put(from, u);
                    }
                    counters.get("nodeInfo").incrementAndGet();
                } catch (MeshtasticException e) {
                    counters.get("rejected").incrementAndGet();
                }
            }
            case PortNum.POSITION_APP -> {
                try {
                    Position p = Position.decode(d.payload());
                    synchronized (positions) {
                        positions.put(from, p);
                    }
                    counters.get("position").incrementAndGet();
                } catch (MeshtasticException e) {
                    counters.get("rejected").incrementAndGet();
                }
            }
            default -> { }
        }
        if (a.relay().isPresent()) {
            // A relay is Meshtastic's own traffic, but it spends our half of the duty cycle all the same.
            SendResult r = transmit(a.relay().get(), TrafficOrigin.LOCAL, a.opened().header().id(),
                    ChannelUtilisation.MAX_PERCENT);
            counters.get(r instanceof Sent ? "relayed" : r instanceof ChannelBusy ? "relayChannelBusy"
                    : "relayOverBudget").incrementAndGet();
        }
    }

    /** The node info last heard from {@code node}, or null. */
    public User node(int node) {
        synchronized (nodes) {
            return nodes.get(node);
        }
    }

    public Position position(int node) {
        synchronized (positions) {
            return positions.get(node);
        }
    }

    public long counter(String name) {
        AtomicLong c = counters.get(name);
        if (c == null) throw new IllegalArgumentException("no counter " + name);
        return c.get();
    }

    /** Every counter by name, in a fixed order, for the status output. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        counters.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Nodes whose NodeInfo we hold. */
    public int nodesHeard() {
        synchronized (nodes) {
            return nodes.size();
        }
    }

    /** The channel's busy share of the last minute, 0..100 (every frame heard and sent). */
    public double channelUtilisationPercent() {
        return utilisation.percent();
    }

    public DutyCycleGovernor.Snapshot airtime() {
        return governor.snapshot();
    }

    @Override
    public void close() {
        radio.close();
    }
}
