package net.sovereignbridge.app.meshtastic;

import java.io.PrintWriter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.drivers.meshtastic.Channel;
import net.sovereignbridge.drivers.meshtastic.Data;
import net.sovereignbridge.drivers.meshtastic.MeshtasticCodec;
import net.sovereignbridge.drivers.meshtastic.MeshtasticException;
import net.sovereignbridge.drivers.meshtastic.PacketHeader;
import net.sovereignbridge.drivers.meshtastic.PortNum;
import net.sovereignbridge.drivers.meshtastic.Position;
import net.sovereignbridge.drivers.meshtastic.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbridge meshtastic encode | decode}: Meshtastic LoRa frames by hand, for people debugging a mesh. */
@Command(name = "meshtastic", mixinStandardHelpOptions = true,
        description = "Encode and decode Meshtastic LoRa frames (docs/meshtastic.md)",
        subcommands = {MeshtasticCommand.Encode.class, MeshtasticCommand.Decode.class})
public final class MeshtasticCommand implements Runnable {
    private static final HexFormat HEX = HexFormat.of();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The channel options both subcommands take (a picocli mixin). */
    public static final class ChannelMixin {
        @Option(names = "--channel", defaultValue = "", description = "channel name (default: LongFast, the "
                + "default channel)")
        String name;

        @Option(names = "--key", defaultValue = "AQ==", description = "channel key in base64 (default AQ==, the "
                + "default key; AA== for none)")
        String key;

        Channel channel() {
            return Channel.of(name, key);
        }
    }

    @Command(name = "encode", mixinStandardHelpOptions = true,
            description = "Build an encrypted Meshtastic text frame; prints it in hex")
    public static final class Encode implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        ChannelMixin channel;

        @Option(names = "--from", required = true, description = "sender node number: !a1b2c3d4, 0x..., or decimal")
        String from;

        @Option(names = "--to", defaultValue = "!ffffffff", description = "destination node (default: broadcast)")
        String to;

        @Option(names = "--id", required = true, description = "packet id (with --from, the duplicate key)")
        String id;

        @Option(names = "--text", required = true, description = "the message (UTF-8, at most 233 bytes)")
        String text;

        @Option(names = "--hop-limit", defaultValue = "3", description = "0..7 (default 3)")
        int hopLimit;

        @Option(names = "--want-ack", description = "ask the destination for an acknowledgement")
        boolean wantAck;

        @Option(names = "--ok-to-mqtt", description = "allow gateways to forward it to MQTT (bitfield bit 0)")
        boolean okToMqtt;

        @Option(names = "--json", description = "print JSON: {\"hex\": ..., \"header\": {...}}")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            byte[] frame;
            PacketHeader header;
            Channel ch;
            try {
                ch = channel.channel();
                int sender = PacketHeader.parseNode(from);
                if (Integer.compareUnsigned(sender, 4) < 0 || sender == PacketHeader.BROADCAST) {
                    throw new IllegalArgumentException("--from must be a node number >= 4, not the broadcast address");
                }
                header = PacketHeader.originate(PacketHeader.parseNode(to), sender, PacketHeader.parseNode(id),
                        hopLimit, wantAck, ch.hash());
                Data data = Data.text(text);
                if (okToMqtt) data = data.withBitfield(Data.OK_TO_MQTT);
                frame = MeshtasticCodec.seal(header, data, ch);
            } catch (IllegalArgumentException e) {
                return refuse(err, "encode", e.getMessage(), ExitCodes.CONFIG);
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("hex", HEX.formatHex(frame));
                m.put("length", frame.length);
                m.put("channel", ch.name());
                m.put("channelHash", ch.hash());
                m.put("header", headerJson(header));
                out.println(Json.write(m));
            } else {
                out.println(HEX.formatHex(frame));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "decode", mixinStandardHelpOptions = true,
            description = "Decrypt and decode a Meshtastic LoRa frame given in hex")
    public static final class Decode implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "HEX", description = "the frame: 16-byte header + encrypted payload (spaces allowed)")
        String hex;

        @picocli.CommandLine.Mixin
        ChannelMixin channel;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            byte[] frame;
            Channel ch;
            try {
                frame = HEX.parseHex(hex.replaceAll("[\\s:]", "").toLowerCase(Locale.ROOT));
                ch = channel.channel();
            } catch (IllegalArgumentException e) {
                return refuse(err, "decode", e.getMessage(), ExitCodes.CONFIG);
            }
            MeshtasticCodec.Opened o;
            Map<String, Object> content;
            try {
                o = MeshtasticCodec.open(frame, List.of(ch));
                content = contentJson(o.data());
            } catch (MeshtasticException e) {
                return refuse(err, "decode", kind(e) + ": " + e.getMessage(), ExitCodes.FAILED);
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("header", headerJson(o.header()));
                m.put("channel", o.channel().name());
                m.put("data", content);
                out.println(Json.write(m));
            } else {
                out.println(o.header() + " [" + o.channel().name() + "]");
                content.forEach((k, v) -> out.println("  " + k + ": " + v));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static int refuse(PrintWriter err, String subcommand, String message, int exitCode) {
        err.println("sbridge meshtastic " + subcommand + ": " + message);
        err.flush();
        return exitCode;
    }

    private static String kind(MeshtasticException e) {
        if (e instanceof MeshtasticException.WrongChannel) return "wrong channel";
        if (e instanceof MeshtasticException.Truncated) return "truncated";
        if (e instanceof MeshtasticException.Oversize) return "oversize";
        return "malformed";
    }

    static Map<String, Object> headerJson(PacketHeader h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("to", PacketHeader.nodeId(h.to()));
        m.put("from", PacketHeader.nodeId(h.from()));
        m.put("id", Integer.toUnsignedLong(h.id()));
        m.put("hopLimit", h.hopLimit());
        m.put("hopStart", h.hopStart());
        m.put("wantAck", h.wantAck());
        m.put("viaMqtt", h.viaMqtt());
        m.put("channelHash", h.channelHash());
        m.put("nextHop", h.nextHop());
        m.put("relayNode", h.relayNode());
        return m;
    }

    /** What the Data carries, decoded for the ports we know; others as hex. */
    static Map<String, Object> contentJson(Data d) throws MeshtasticException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("port", PortNum.name(d.portnum()));
        m.put("portnum", d.portnum());
        if (d.bitfield().isPresent()) m.put("okToMqtt", d.okToMqtt());
        switch (d.portnum()) {
            case PortNum.TEXT_MESSAGE_APP -> m.put("text", d.text());
            case PortNum.NODEINFO_APP -> {
                User u = User.decode(d.payload());
                m.put("id", u.id());
                m.put("longName", u.longName());
                m.put("shortName", u.shortName());
                m.put("hwModel", u.hwModel());
                m.put("role", u.role());
                if (u.publicKey().length > 0) m.put("publicKey", HEX.formatHex(u.publicKey()));
            }
            case PortNum.POSITION_APP -> {
                Position p = Position.decode(d.payload());
                if (p.latitudeI().isPresent()) m.put("latitude", p.latitude());
                if (p.longitudeI().isPresent()) m.put("longitude", p.longitude());
                if (p.altitude().isPresent()) m.put("altitude", p.altitude().getAsInt());
                if (p.time() != 0) m.put("time", Integer.toUnsignedLong(p.time()));
                m.put("precisionBits", p.precisionBits());
            }
            default -> m.put("payload", HEX.formatHex(d.payload()));
        }
        return m;
    }
}
