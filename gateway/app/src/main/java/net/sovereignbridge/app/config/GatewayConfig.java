package net.sovereignbridge.app.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.sovereignbridge.app.coap.CoapSettings;
import net.sovereignbridge.app.dht.DhtSettings;
import net.sovereignbridge.app.mqtt.MqttSettings;
import net.sovereignbridge.app.transport.lan.LanTransport;
import net.sovereignbridge.app.transport.lora.LoraRadioConfig;

/**
 * The gateway's whole configuration, read from one YAML file (docs/configuration.md) or from embedded
 * defaults when there is none. Every key is checked here, at start-up, so a bad file fails fast with exit
 * code 2 instead of half-starting on a roof.
 */
public record GatewayConfig(
        String nodeName,
        Path stateDir,
        int hopLimit,
        int announceIntervalSeconds,
        boolean lanEnabled,
        LanTransport.Options lan,
        Optional<LoraRadioConfig> lora,
        String logLevel,
        CoapSettings coap,
        MqttSettings mqtt,
        DhtSettings dht,
        Role role,
        Routing routing) {

    /**
     * What the daemon is for. GATEWAY: the default, radios and all. BOOTSTRAP ({@code run --role bootstrap}):
     * a high-uptime DHT seed: DHT always on in server mode with the larger bootstrap profile, no radios
     * started (a configured LoRa board is ignored), everything else as configured.
     */
    public enum Role { GATEWAY, BOOTSTRAP }

    /**
     * @param announceAirtimeShare share of a regulated transport's airtime budget announces may use
     * @param position this gateway's position as a geohash, announced for geographic routing; empty: none
     */
    public record Routing(double announceAirtimeShare, Optional<String> position) {
        public static Routing defaults() {
            return new Routing(0.02, Optional.empty());
        }
    }

    /** Reads {@code file} (null = embedded defaults), then applies command-line overrides. */
    public static GatewayConfig load(Path file, Path stateDirOverride, Integer lanPortOverride) throws ConfigException {
        return load(file, stateDirOverride, lanPortOverride, Role.GATEWAY);
    }

    public static GatewayConfig load(Path file, Path stateDirOverride, Integer lanPortOverride, Role role)
            throws ConfigException {
        ConfigNode root = file == null ? ConfigNode.empty() : ConfigNode.load(file);
        GatewayConfig c = read(root, file, role);
        root.rejectUnknownKeys();
        Path stateDir = stateDirOverride != null ? stateDirOverride : c.stateDir();
        LanTransport.Options lan = c.lan();
        if (lanPortOverride != null) {
            if (lanPortOverride < 0 || lanPortOverride > 65535) {
                throw new ConfigException("--lan-port: " + lanPortOverride + " is out of range 0..65535");
            }
            lan = new LanTransport.Options(lan.bindAddress(), lanPortOverride, lan.discoveryGroup(),
                    lan.discoveryPort(), lan.interfaces(), lan.staticPeers(), lan.discovery());
        }
        return new GatewayConfig(c.nodeName(), stateDir, c.hopLimit(), c.announceIntervalSeconds(), c.lanEnabled(),
                lan, c.lora(), c.logLevel(), c.coap(), c.mqtt(), c.dht(), role, c.routing());
    }

    public static GatewayConfig read(ConfigNode root) throws ConfigException {
        return read(root, null, Role.GATEWAY);
    }

    public static GatewayConfig read(ConfigNode root, Path file, Role role) throws ConfigException {
        ConfigNode node = root.section("node");
        String name = node.string("name", "");
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 32) {
            throw node.invalid("name", "at most 32 bytes (it travels in every announce)");
        }
        String stateDirText = node.string("state-dir", null);
        Path stateDir = stateDirText != null ? Path.of(stateDirText) : defaultStateDir();
        int hopLimit = (int) node.integer("hop-limit", 8, 1, 15);
        int announce = (int) node.integer("announce-interval-seconds", 30, 5, 86_400);
        String shareText = node.string("announce-airtime-share", "0.02");
        double share;
        try {
            share = Double.parseDouble(shareText);
        } catch (NumberFormatException e) {
            share = Double.NaN;
        }
        if (!(share >= 0.001 && share <= 1)) {
            throw node.invalid("announce-airtime-share", "'" + shareText + "' is not a number in 0.001..1");
        }
        String position = node.string("position", null);
        if (position != null && !net.sovereignbridge.mesh.routing.Geohash.isValid(position)) {
            throw node.invalid("position", "'" + position + "' is not a geohash (1..12 characters of 0-9 b-h j k m n p-z)");
        }
        Routing routing = new Routing(share, Optional.ofNullable(position));

        ConfigNode lanNode = root.section("lan");
        boolean lanEnabled = lanNode.bool("enabled", true);
        LanTransport.Options d = LanTransport.Options.defaults();
        String bind = lanNode.string("bind", d.bindAddress());
        int port = (int) lanNode.integer("port", d.port(), 0, 65535);
        boolean discovery = lanNode.bool("discovery", d.discovery());
        String group = lanNode.string("discovery-group", d.discoveryGroup());
        if (!group.matches("239\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|224\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw lanNode.invalid("discovery-group", "'" + group + "' is not an IPv4 multicast address (224.x or 239.x)");
        }
        int discoveryPort = (int) lanNode.integer("discovery-port", d.discoveryPort(), 1, 65535);
        List<String> interfaces = lanNode.strings("interfaces", List.of());
        List<InetSocketAddress> peers = new ArrayList<>();
        for (String p : lanNode.strings("peers", List.of())) {
            try {
                peers.add(LanTransport.parse(p));
            } catch (IllegalArgumentException e) {
                throw lanNode.invalid("peers", e.getMessage());
            }
        }
        LanTransport.Options lan = new LanTransport.Options(bind, port, group, discoveryPort, interfaces,
                List.copyOf(peers), discovery);

        ConfigNode loraNode = root.section("lora");
        Map<String, String> loraKeys = new LinkedHashMap<>();
        for (String k : List.of("board", "region", "channel", "internet-share", "lbt")) {
            String v = loraNode.string(k, null);
            if (v != null) loraKeys.put("lora." + k, v);
        }
        Optional<LoraRadioConfig> lora;
        try {
            lora = LoraRadioConfig.fromKeys(loraKeys);
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().split(":", 2)[0].replace("lora.", "");
            throw loraNode.invalid(key, e.getMessage().contains(":") ? e.getMessage().split(":", 2)[1].trim()
                    : e.getMessage());
        }

        ConfigNode log = root.section("log");
        String level = log.choice("level", "info", "error", "warn", "info", "debug", "trace");
        CoapSettings coap = CoapSettings.read(root.section("coap"));
        MqttSettings mqtt = MqttSettings.read(root.section("mqtt"));
        DhtSettings dht = DhtSettings.read(root.section("dht"), file, role == Role.BOOTSTRAP);
        if (role == Role.BOOTSTRAP) lora = Optional.empty(); // a seed on a server needs no radio
        return new GatewayConfig(name, stateDir, hopLimit, announce, lanEnabled, lan, lora, level, coap, mqtt, dht, role, routing);
    }

    /** ./var/sbridge, or $XDG_STATE_HOME/sbridge when that is set. */
    public static Path defaultStateDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg, "sbridge") : Path.of("var", "sbridge");
    }
}
