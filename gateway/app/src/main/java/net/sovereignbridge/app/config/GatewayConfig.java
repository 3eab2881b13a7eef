package net.sovereignbridge.app.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sovereignbridge.app.coap.CoapSettings;
import net.sovereignbridge.app.dht.DhtSettings;
import net.sovereignbridge.app.mqtt.MqttSettings;
import net.sovereignbridge.app.overlay.P2pSettings;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.TransportSections;
import net.sovereignbridge.app.transport.TransportSettings;
import net.sovereignbridge.app.web.WebSettings;
import net.sovereignbridge.mesh.custody.CustodyQueue;

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
        List<TransportSettings> transports,
        String logLevel,
        CoapSettings coap,
        MqttSettings mqtt,
        DhtSettings dht,
        P2pSettings p2p,
        Role role,
        Routing routing,
        CustodyQueue.Limits custody,
        net.sovereignbridge.app.content.ContentSettings content,
        WebSettings web,
        net.sovereignbridge.app.gps.GpsSettings gps) {

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
        return load(file, stateDirOverride, lanPortOverride, role, TransportFactories.all());
    }

    /**
     * @param lanPortOverride {@code run --lan-port}: the UDP port of every LAN transport; null = as configured
     * @param factories the transport kinds the configuration may name ({@link TransportFactories#all()})
     */
    public static GatewayConfig load(Path file, Path stateDirOverride, Integer lanPortOverride, Role role,
            List<TransportFactory> factories) throws ConfigException {
        ConfigNode root = file == null ? ConfigNode.empty() : ConfigNode.load(file);
        GatewayConfig c = read(root, file, role, factories);
        root.rejectUnknownKeys();
        Path stateDir = stateDirOverride != null ? stateDirOverride : c.stateDir();
        List<TransportSettings> transports = c.transports();
        if (lanPortOverride != null) {
            if (lanPortOverride < 0 || lanPortOverride > 65535) {
                throw new ConfigException("--lan-port: " + lanPortOverride + " is out of range 0..65535");
            }
            List<TransportSettings> overridden = new ArrayList<>();
            for (TransportSettings t : transports) {
                TransportSettings o = t.withListenPort(lanPortOverride);
                overridden.add(o == null ? t : o);
            }
            transports = List.copyOf(overridden);
        }
        return new GatewayConfig(c.nodeName(), stateDir, c.hopLimit(), c.announceIntervalSeconds(), transports,
                c.logLevel(), c.coap(), c.mqtt(), c.dht(), c.p2p(), role, c.routing(), c.custody(), c.content(), c.web(), c.gps());
    }

    public static GatewayConfig read(ConfigNode root) throws ConfigException {
        return read(root, null, Role.GATEWAY);
    }

    public static GatewayConfig read(ConfigNode root, Path file, Role role) throws ConfigException {
        return read(root, file, role, TransportFactories.all());
    }

    /** @param factories the transport kinds the configuration may name ({@link TransportFactories#all()}) */
    public static GatewayConfig read(ConfigNode root, Path file, Role role, List<TransportFactory> factories)
            throws ConfigException {
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

        CustodyQueue.Limits custody = readCustody(root.section("custody"));
        List<TransportSettings> transports = TransportSections.read(root, factories, role == Role.BOOTSTRAP);

        ConfigNode log = root.section("log");
        String level = log.choice("level", "info", "error", "warn", "info", "debug", "trace");
        CoapSettings coap = CoapSettings.read(root.section("coap"));
        MqttSettings mqtt = MqttSettings.read(root.section("mqtt"));
        DhtSettings dht = DhtSettings.read(root.section("dht"), file, role == Role.BOOTSTRAP);
        ConfigNode p2pNode = root.section("p2p");
        P2pSettings p2p = P2pSettings.read(p2pNode, role == Role.BOOTSTRAP);
        if (dht.enabled() && !p2p.enabled()) {
            throw p2pNode.invalid("enabled", "the DHT runs on the overlay's libp2p host: turn p2p on or set dht.enabled: false");
        }
        var content = net.sovereignbridge.app.content.ContentSettings.read(root.section("content"));
        WebSettings web = WebSettings.read(root.section("web"));
        var gps = net.sovereignbridge.app.gps.GpsSettings.read(root.section("gps"));
        return new GatewayConfig(name, stateDir, hopLimit, announce, transports, level, coap, mqtt, dht, p2p, role, routing,
                custody, content, web, gps);
    }

    /**
     * The {@code custody:} section: our own messages and frames held for others have separate budgets
     * (docs/routing.md, "Custody budgets"); each limit on what we hold for others lies within the one above it.
     */
    static CustodyQueue.Limits readCustody(ConfigNode section) throws ConfigException {
        CustodyQueue.Limits d = CustodyQueue.Limits.defaults();
        int ownTotal = (int) section.integer("own-total", d.ownTotal(), 1, 1_000_000);
        int ownPerDestination = within(section, "own-per-destination", d.ownPerDestination(), "own-total", ownTotal);
        int relayedTotal = (int) section.integer("relayed-total", d.relayedTotal(), 1, 1_000_000);
        int perNeighbour = within(section, "relayed-per-neighbour", d.relayedPerNeighbour(), "relayed-total",
                relayedTotal);
        int perOrigin = within(section, "relayed-per-origin", d.relayedPerOrigin(), "relayed-per-neighbour",
                perNeighbour);
        int unknown = within(section, "relayed-unknown-origins", d.relayedUnknownOrigins(), "relayed-total",
                relayedTotal);
        return new CustodyQueue.Limits(ownTotal, ownPerDestination, relayedTotal, perNeighbour, perOrigin, unknown);
    }

    /** A limit that may not exceed {@code outer}; its default shrinks to {@code outer} when that is smaller. */
    private static int within(ConfigNode section, String key, int def, String outerKey, int outer)
            throws ConfigException {
        int v = (int) section.integer(key, Math.min(def, outer), 1, 1_000_000);
        if (v > outer) {
            throw section.invalid(key, v + " is more than " + outerKey + " (" + outer + "), the limit it lies within");
        }
        return v;
    }

    /** The configured transport {@code id}, if any. */
    public Optional<TransportSettings> transport(String id) {
        return transports.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** ./var/sbridge, or $XDG_STATE_HOME/sbridge when that is set. */
    public static Path defaultStateDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg, "sbridge") : Path.of("var", "sbridge");
    }
}
