package net.sovereignbridge.app.meshtastic;

import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.TransportSettings;
import net.sovereignbridge.app.transport.lora.BoardCatalog;
import net.sovereignbridge.app.transport.lora.BoardConfig;
import net.sovereignbridge.app.transport.lora.BoardConfigParser;
import net.sovereignbridge.app.transport.lora.LoraBringUp;
import net.sovereignbridge.app.transport.lora.LoraTransport;
import net.sovereignbridge.drivers.meshtastic.Channel;
import net.sovereignbridge.drivers.meshtastic.MeshtasticRegion;
import net.sovereignbridge.drivers.meshtastic.ModemPreset;
import net.sovereignbridge.drivers.meshtastic.PacketHeader;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.CodingRate;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.topics.TopicBody;
import net.sovereignbridge.mesh.transport.radio.Region;

/**
 * A Meshtastic channel on a LoRa radio of its own ({@link MeshtasticTransport}), one per {@code transports:} section
 * of type {@code meshtastic}: keys {@code board, region, preset, channel, psk, node-number, long-name, short-name,
 * topic, dm-to, hop-limit, relay-hop-limit, internet-share, node-info-interval-s, power, mqtt-broker, mqtt-root,
 * mqtt-downlink}
 * (docs/configuration.md). The
 * radio is brought up as the LoRa transport's is ({@link LoraBringUp#openRadio}), on the channel's frequency slot and
 * the preset's modulation with Meshtastic's sync word, within both our regulator's and Meshtastic's power limit.
 */
public final class MeshtasticTransportFactory implements TransportFactory {
    public static final String TYPE = "meshtastic";

    private final LoraBringUp.BusOpener opener;
    private final LoraTransport.TimeSource time;

    /** @param opener opens a board's SPI and GPIO lines (Pi4J, or an emulated chip in tests) */
    public MeshtasticTransportFactory(LoraBringUp.BusOpener opener, LoraTransport.TimeSource time) {
        this.opener = opener;
        this.time = time;
    }

    /**
     * One checked section.
     *
     * @param nodeNumber empty: derived from the node's mesh address ({@link #nodeNumberOf})
     * @param longName empty: "Sovereign Bridge " and the node number's last four hex digits
     * @param dmTo where direct messages to our node number go; empty: counted and dropped
     * @param nodeInfoIntervalSeconds 0: our NodeInfo only at start
     * @param powerDbm chip output power; empty: the highest both limits and the board allow
     */
    public record Config(String board, MeshtasticRegion region, ModemPreset preset, Channel channel,
                         Optional<Integer> nodeNumber, String longName, String shortName, String topic,
                         Optional<MeshAddress> dmTo, int hopLimit, int relayHopLimit, double internetShare,
                         long nodeInfoIntervalSeconds, OptionalInt powerDbm, Optional<String> mqttBroker,
                         String mqttRoot, boolean mqttDownlink) {}

    /** A checked {@code meshtastic} section; the board file is read when the radio is brought up. */
    public record Settings(String id, Config config, LoraBringUp.BusOpener opener, LoraTransport.TimeSource time)
            implements TransportSettings {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Outcome bringUp(TransportContext context) {
            BoardConfigParser.Result parsed;
            try {
                parsed = BoardCatalog.load(config.board());
            } catch (IOException e) {
                return new Down(id + ": " + e.getMessage());
            }
            if (!parsed.ok()) return new Down(id + ": board file has errors: " + parsed.errors());
            BoardConfig b = parsed.config().get();
            ModemPreset p = config.preset();
            long f = config.region().frequencyHz(p, config.channel().name());
            if (f < b.bandLowHz() || f > b.bandHighHz()) {
                return new Down(String.format(Locale.ROOT, "%s: %s %s is on %.3f MHz, outside the band of board %s"
                        + " (%d-%d MHz)", id, config.region(), config.channel().name(), f / 1e6, b.name(),
                        b.bandLowHz() / 1_000_000, b.bandHighHz() / 1_000_000));
            }
            int limit = config.region().powerLimitDbm();
            String limitName = "Meshtastic's " + config.region();
            Optional<Region> regulator = regulatorOf(config.region());
            if (regulator.isPresent()) {
                Optional<Region.SubBand> sub = regulator.get().subBandOf(f, p.bandwidthKhz() * 1000.0);
                if (sub.isEmpty()) {
                    return new Down(String.format(Locale.ROOT, "%s: %.3f MHz with %d kHz is outside %s (%s)", id,
                            f / 1e6, p.bandwidthKhz(), regulator.get(), regulator.get().describeSubBands()));
                }
                if (sub.get().maxEirpDbm() < limit) {
                    limit = sub.get().maxEirpDbm();
                    limitName = sub.get().name();
                }
            }
            int gains = b.antennaGainDbi() + b.paGainDb();
            int power = config.powerDbm().orElse(Math.min(b.maxPowerDbm(), limit - gains));
            if (power + gains > limit) {
                return new Down(id + ": power " + power + " dBm" + (gains != 0 ? " + " + gains + " dB gain" : "")
                        + " is above the limit of " + limitName + " (" + limit + " dBm EIRP)");
            }
            if (context.mesh() == null) return new Down(id + ": no node to bridge the channel to");
            LoraBringUp.Modem modem = new LoraBringUp.Modem(f, p.spreadingFactor(), bandwidth(p),
                    codingRate(p), ModemPreset.PREAMBLE, ModemPreset.SYNC_WORD, power);
            LoraBringUp.RadioOutcome opened = LoraBringUp.openRadio(id, b, modem, opener);
            if (opened instanceof LoraBringUp.Down d) return new Down(d.reason());
            LoraBringUp.RadioUp up = (LoraBringUp.RadioUp) opened;
            int node = config.nodeNumber().orElse(nodeNumberOf(context.node()));
            String tail = PacketHeader.nodeId(node).substring(5);
            MeshtasticLink.Settings link = new MeshtasticLink.Settings(node,
                    config.longName().isEmpty() ? "Sovereign Bridge " + tail : config.longName(),
                    config.shortName().isEmpty() ? tail : config.shortName(), config.region(),
                    java.util.List.of(config.channel()), config.hopLimit(), config.relayHopLimit(),
                    config.internetShare());
            MeshtasticTransport t = new MeshtasticTransport(id, up.radio(), link, config, context.mesh(), time);
            // the driver's receive thread must stop before the bus goes away
            return new Up(t, () -> {
                up.radio().close();
                up.bus().close();
            });
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String shorthandId() {
        return "meshtastic0";
    }

    @Override
    public boolean drivesRadio() {
        return true;
    }

    /** There is no {@code meshtastic:} shorthand; an empty section asks for nothing, any key in it is an error. */
    @Override
    public Optional<TransportSettings> readShorthand(ConfigNode section) throws ConfigException {
        return TransportFactory.listEntryOnly(section, "a Meshtastic channel is configured in transports: as"
                    + " {type: meshtastic, id: mesh0, board: ..., region: ...}",
                "board", "region");
    }

    @Override
    public TransportSettings read(String id, ConfigNode section) throws ConfigException {
        String board = section.string("board", "");
        if (board.isBlank()) {
            throw section.invalid("board", "missing; a bundled board name (sbridge board list) or a board YAML file");
        }
        String regionText = section.string("region", "");
        if (regionText.isBlank()) {
            throw section.invalid("region", "missing; Meshtastic's region, e.g. EU_868 or US (" + regionNames() + ")");
        }
        MeshtasticRegion region = MeshtasticRegion.parse(regionText).orElseThrow(() -> section.invalid("region",
                "'" + regionText + "' is not one of " + regionNames()));
        String presetText = section.string("preset", ModemPreset.LONG_FAST.channelName());
        ModemPreset preset = ModemPreset.parse(presetText).orElseThrow(() -> section.invalid("preset",
                "'" + presetText + "' is not one of " + presetNames()));
        String name = section.string("channel", "");
        String psk = section.string("psk", "AQ==");
        Channel channel;
        try {
            Base64.getDecoder().decode(psk.trim());
        } catch (IllegalArgumentException e) {
            throw section.invalid("psk", "not base64 (" + e.getMessage() + ")");
        }
        try {
            channel = Channel.of(name.isEmpty() ? preset.channelName() : name, psk);
        } catch (IllegalArgumentException e) {
            throw section.invalid(e.getMessage().contains("key") ? "psk" : "channel", e.getMessage());
        }
        Optional<Integer> nodeNumber = Optional.empty();
        String nodeText = section.string("node-number", null);
        if (nodeText != null) {
            int n;
            try {
                n = PacketHeader.parseNode(nodeText);
            } catch (NumberFormatException e) {
                throw section.invalid("node-number", "'" + nodeText + "' is not a node number (!a1b2c3d4, 0x..., decimal)");
            }
            if (Integer.compareUnsigned(n, 4) < 0 || n == PacketHeader.BROADCAST) {
                throw section.invalid("node-number", PacketHeader.nodeId(n) + " is reserved (0..3 and !ffffffff)");
            }
            nodeNumber = Optional.of(n);
        }
        String longName = section.string("long-name", "");
        if (longName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 39) {
            throw section.invalid("long-name", "at most 39 bytes, as Meshtastic shows them");
        }
        String shortName = section.string("short-name", "");
        if (shortName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 4) {
            throw section.invalid("short-name", "at most 4 bytes");
        }
        String topic = section.string("topic", defaultTopic(channel.name()));
        String problem = TopicBody.nameProblem(topic);
        if (problem != null) throw section.invalid("topic", problem);
        Optional<MeshAddress> dmTo = Optional.empty();
        String dm = section.string("dm-to", null);
        if (dm != null) {
            try {
                dmTo = Optional.of(MeshAddress.parse(dm.trim()));
            } catch (IllegalArgumentException e) {
                throw section.invalid("dm-to", "'" + dm + "' is not a mesh address (" + e.getMessage() + ")");
            }
        }
        int hopLimit = (int) section.integer("hop-limit", 3, 1, PacketHeader.MAX_HOPS);
        int relayHopLimit = (int) section.integer("relay-hop-limit", 0, 0, PacketHeader.MAX_HOPS);
        double share = section.decimal("internet-share", 0.25, 0, 1);
        long nodeInfo = section.integer("node-info-interval-s", 10_800, 0, 604_800);
        if (nodeInfo != 0 && nodeInfo < 600) {
            throw section.invalid("node-info-interval-s", nodeInfo + " is below 600 (Meshtastic nodes send theirs"
                    + " every 3 hours; 0 = only at start)");
        }
        OptionalInt power = OptionalInt.empty();
        if (section.has("power")) power = OptionalInt.of((int) section.integer("power", 0, -9, 30));
        Optional<String> broker = Optional.ofNullable(section.string("mqtt-broker", null)).map(String::trim);
        if (broker.isPresent() && !broker.get().matches("(tcp|ssl)://[^/\\s]+:[0-9]{1,5}")) {
            throw section.invalid("mqtt-broker", "'" + broker.get() + "' is not tcp://HOST:PORT or ssl://HOST:PORT");
        }
        String root = section.string("mqtt-root", "msh/" + region.name());
        if (!root.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")) {
            throw section.invalid("mqtt-root", "'" + root + "' is not a topic root such as msh/EU_868 (no wildcards,"
                    + " no empty levels)");
        }
        boolean downlink = section.bool("mqtt-downlink", false);
        if (downlink && broker.isEmpty()) throw section.invalid("mqtt-downlink", "needs mqtt-broker");
        return new Settings(id, new Config(board.trim(), region, preset, channel, nodeNumber, longName, shortName,
                topic, dmTo, hopLimit, relayHopLimit, share, nodeInfo, power, broker, root, downlink), opener, time);
    }

    /** "meshtastic.LongFast": the channel name with characters a topic name cannot hold as '_'. */
    static String defaultTopic(String channelName) {
        StringBuilder b = new StringBuilder("meshtastic.");
        for (char c : channelName.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    /**
     * Our node number from our mesh address (its first four bytes): stable across restarts, as a Meshtastic node's
     * (taken from its MAC) is; the reserved values are moved aside.
     */
    public static int nodeNumberOf(MeshAddress address) {
        byte[] a = address.toBytes();
        int n = (a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | (a[3] & 0xFF);
        if (Integer.compareUnsigned(n, 4) < 0) n += 4;
        if (n == PacketHeader.BROADCAST) n = 0xFFFFFFFE;
        return n;
    }

    /** Our regulator's table for a Meshtastic region, where we have one (its EIRP limit then applies too). */
    static Optional<Region> regulatorOf(MeshtasticRegion r) {
        return switch (r) {
            case EU_868 -> Optional.of(Region.EU868);
            case EU_433 -> Optional.of(Region.EU433);
            case US -> Optional.of(Region.US915);
            default -> Optional.empty();
        };
    }

    static Bandwidth bandwidth(ModemPreset p) {
        return switch (p.bandwidthKhz()) {
            case 125 -> Bandwidth.BW_125;
            case 250 -> Bandwidth.BW_250;
            case 500 -> Bandwidth.BW_500;
            default -> throw new IllegalStateException("no bandwidth " + p.bandwidthKhz() + " kHz");
        };
    }

    static CodingRate codingRate(ModemPreset p) {
        return switch (p.codingRateDenominator()) {
            case 5 -> CodingRate.CR_4_5;
            case 6 -> CodingRate.CR_4_6;
            case 7 -> CodingRate.CR_4_7;
            default -> CodingRate.CR_4_8;
        };
    }

    private static String regionNames() {
        StringBuilder b = new StringBuilder();
        for (MeshtasticRegion r : MeshtasticRegion.values()) b.append(b.length() == 0 ? "" : ", ").append(r.name());
        return b.toString();
    }

    private static String presetNames() {
        StringBuilder b = new StringBuilder();
        for (ModemPreset p : ModemPreset.values()) b.append(b.length() == 0 ? "" : ", ").append(p.channelName());
        return b.toString();
    }
}
