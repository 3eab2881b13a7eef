package net.sovereignbridge.app.overlay;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.connmgr.ConnectionLimits;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.autonat.AutonatConfig;
import net.sovereignbridge.p2p.relay.RelayConfig;

/**
 * The {@code p2p.*} keys (docs/configuration.md): the daemon's one libp2p host, which the mesh overlay
 * transport and the DHT share.
 *
 * @param enabled run the overlay (default true)
 * @param listen where the host listens: /ip4|ip6/ADDR/tcp/PORT, optionally /ws
 * @param announce binary multiaddrs (without /p2p) to tell others instead of the bound ones; empty = bound
 * @param staticPeers peers kept connected (redialled with backoff), each ending in /p2p/PEERID
 * @param limits connection limits (inbound and outbound configurable, the rest the defaults)
 * @param relayService the circuit relay v2 service we offer ({@code p2p.relay.*})
 * @param relays relays to hold reservations on ({@code p2p.relay.use}), each ending in /p2p/PEERID
 * @param autonat AutoNAT v1 client and server ({@code p2p.autonat.*}); null when off
 */
public record P2pSettings(boolean enabled, List<Multiaddr> listen, List<byte[]> announce, List<Multiaddr> staticPeers,
        ConnectionLimits limits, RelayConfig relayService, List<Multiaddr> relays, AutonatConfig autonat) {
    public static final List<String> DEFAULT_LISTEN = List.of("/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/tcp/4002/ws");
    static final int MAX_LISTEN = 8;
    static final int MAX_ANNOUNCE = 16;
    static final int MAX_STATIC = 64;
    static final int MAX_RELAYS = 4;

    public static P2pSettings defaults() {
        try {
            return read(ConfigNode.empty(), false);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param required the bootstrap role: the overlay cannot be switched off */
    public static P2pSettings read(ConfigNode p2p, boolean required) throws ConfigException {
        boolean enabled = p2p.bool("enabled", true);
        if (required && !enabled) throw p2p.invalid("enabled", "the bootstrap role needs the overlay (it carries the DHT)");
        List<Multiaddr> listen = new ArrayList<>();
        for (String s : p2p.strings("listen", DEFAULT_LISTEN)) {
            try {
                listen.add(listenable(s));
            } catch (IllegalArgumentException e) {
                throw p2p.invalid("listen", e.getMessage());
            }
        }
        if (listen.size() > MAX_LISTEN) throw p2p.invalid("listen", "at most " + MAX_LISTEN + " addresses");
        if (enabled && listen.isEmpty()) throw p2p.invalid("listen", "empty; set p2p.enabled: false to run without the overlay");
        List<byte[]> announce = new ArrayList<>();
        for (String s : p2p.strings("announce", List.of())) {
            try {
                announce.add(dialable(s, false).toBytes());
            } catch (IllegalArgumentException e) {
                throw p2p.invalid("announce", e.getMessage());
            }
        }
        if (announce.size() > MAX_ANNOUNCE) {
            throw p2p.invalid("announce", "at most " + MAX_ANNOUNCE + " addresses (they travel in the contact record)");
        }
        List<Multiaddr> peers = new ArrayList<>();
        for (String s : p2p.strings("static-peers", List.of())) {
            try {
                peers.add(s.contains("/p2p-circuit") ? relayed(s) : dialable(s, true));
            } catch (IllegalArgumentException e) {
                throw p2p.invalid("static-peers", e.getMessage());
            }
        }
        if (peers.size() > MAX_STATIC) throw p2p.invalid("static-peers", "at most " + MAX_STATIC + " peers");
        ConnectionLimits d = ConnectionLimits.DEFAULT;
        int inbound = (int) p2p.integer("max-inbound", d.maxInbound(), 0, 1024);
        int outbound = (int) p2p.integer("max-outbound", d.maxOutbound(), 1, 1024);
        int streams = (int) p2p.integer("max-streams-per-connection", d.maxStreamsPerConnection(), 1, 1024);
        ConnectionLimits limits = new ConnectionLimits(inbound, outbound, d.maxPerPeer(),
                Math.max(1, Math.min(d.maxHandshaking(), inbound)), streams, d.maxBufferedPerConnection(), d.maxBufferedTotal());
        ConfigNode relay = p2p.section("relay");
        RelayConfig rd = RelayConfig.defaults();
        RelayConfig.Mode mode = RelayConfig.Mode.valueOf(relay.choice("service", "auto", "auto", "on", "off").toUpperCase());
        RelayConfig relayService;
        try {
            relayService = new RelayConfig(mode,
                    (int) relay.integer("max-reservations", rd.maxReservations(), 0, 4096),
                    (int) relay.integer("max-reservations-per-address", rd.maxReservationsPerIp(), 1, 4096),
                    (int) relay.integer("max-circuits", rd.maxCircuits(), 0, 1024),
                    (int) relay.integer("max-circuits-per-peer", rd.maxCircuitsPerPeer(), 1, 1024),
                    java.time.Duration.ofSeconds(relay.integer("reservation-ttl-seconds", rd.reservationTtl().toSeconds(), 60, 86400)),
                    java.time.Duration.ofSeconds(relay.integer("circuit-duration-seconds", rd.circuitDuration().toSeconds(), 0, 86400)),
                    relay.integer("circuit-data-bytes", rd.circuitData(), 0, 1L << 40));
        } catch (IllegalArgumentException e) {
            throw p2p.invalid("relay", e.getMessage());
        }
        List<Multiaddr> relays = new ArrayList<>();
        for (String s : relay.strings("use", List.of())) {
            try {
                relays.add(dialable(s, true));
            } catch (IllegalArgumentException e) {
                throw relay.invalid("use", e.getMessage());
            }
        }
        if (relays.size() > MAX_RELAYS) throw relay.invalid("use", "at most " + MAX_RELAYS + " relays");
        ConfigNode an = p2p.section("autonat");
        AutonatConfig ad = AutonatConfig.defaults();
        AutonatConfig autonat = null;
        boolean anOn = an.bool("enabled", true);
        boolean anServer = an.bool("server", ad.server());
        int anDials = (int) an.integer("dials-per-minute", ad.dialsPerMinute(), 1, 600);
        int anPerPeer = (int) an.integer("dials-per-peer-per-minute", ad.perPeerPerMinute(), 1, 60);
        int anConfidence = (int) an.integer("confidence", ad.confidence(), 1, 8);
        long anRefresh = an.integer("refresh-seconds", ad.refresh().toSeconds(), 60, 86400);
        if (anOn) {
            autonat = new AutonatConfig(anServer, anDials, anPerPeer, anConfidence, java.time.Duration.ofSeconds(anRefresh),
                    ad.dialTimeout());
        }
        return new P2pSettings(enabled, List.copyOf(listen), List.copyOf(announce), List.copyOf(peers), limits, relayService,
                List.copyOf(relays), autonat);
    }

    /** {@code <relay address>/p2p/<relay>/p2p-circuit/p2p/<target>}: a peer reached through a relay. */
    static Multiaddr relayed(String text) {
        String t = text.trim();
        int at = t.indexOf("/p2p-circuit");
        String target = t.substring(at + "/p2p-circuit".length());
        dialable(t.substring(0, at), true);
        if (!target.startsWith("/p2p/") || target.indexOf('/', "/p2p/".length()) >= 0) {
            throw new IllegalArgumentException("'" + text + "': a relayed address must end in /p2p-circuit/p2p/12D3KooW... (the target)");
        }
        Multiaddr m = parse(t);
        try {
            PeerId.fromBytes(m.trailingPeerId().value());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
        }
        return m;
    }

    /** /ip4|ip6/ADDRESS/tcp/PORT or the same with /ws. */
    static Multiaddr listenable(String text) {
        Multiaddr m = parse(text);
        List<Multiaddr.Component> c = m.components();
        boolean ip = !c.isEmpty() && (c.get(0).protocol() == Multiaddr.Protocol.IP4 || c.get(0).protocol() == Multiaddr.Protocol.IP6);
        boolean tcp = c.size() >= 2 && c.get(1).protocol() == Multiaddr.Protocol.TCP;
        boolean ws = c.size() == 3 && c.get(2).protocol() == Multiaddr.Protocol.WS;
        if (!ip || !tcp || (c.size() != 2 && !ws)) {
            throw new IllegalArgumentException("'" + text + "' must be /ip4/ADDRESS/tcp/PORT or /ip6/ADDRESS/tcp/PORT, optionally ending in /ws");
        }
        return m;
    }

    /** A multiaddr we (or others) can dial: ip4/ip6/dns*, tcp, optional /ws, then /p2p exactly when {@code withPeer}. */
    static Multiaddr dialable(String text, boolean withPeer) {
        Multiaddr m = parse(text);
        List<Multiaddr.Component> c = m.components();
        boolean host = !c.isEmpty() && switch (c.get(0).protocol()) {
            case IP4, IP6, DNS, DNS4, DNS6 -> true;
            default -> false;
        };
        int i = 2;
        boolean tcp = c.size() >= 2 && c.get(1).protocol() == Multiaddr.Protocol.TCP;
        if (c.size() > i && c.get(i).protocol() == Multiaddr.Protocol.WS) i++;
        boolean peer = c.size() > i && c.get(i).protocol() == Multiaddr.Protocol.P2P;
        if (peer) i++;
        if (!host || !tcp || i != c.size() || peer != withPeer) {
            throw new IllegalArgumentException("'" + text + "' must look like /ip4/192.0.2.1/tcp/4001" + (withPeer
                    ? "/p2p/12D3KooW... (the peer's id is needed to check whom we reach; /tcp/4002/ws/p2p/... for WebSocket)"
                    : " or /dns4/gw.example.org/tcp/4002/ws, without /p2p"));
        }
        if (peer) {
            try {
                PeerId.fromBytes(m.first(Multiaddr.Protocol.P2P).value());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
            }
        }
        return m;
    }

    private static Multiaddr parse(String text) {
        try {
            return Multiaddr.parse(text.trim());
        } catch (MultiaddrException e) {
            throw new IllegalArgumentException("'" + text + "' is not a multiaddr: " + e.getMessage());
        }
    }

    /**
     * True when others can probably reach us without NAT help: an announced address, or a listener bound
     * to one specific (non-wildcard) address. Used by the DHT's "auto" mode.
     */
    public boolean boundOrAnnounced() {
        if (!announce.isEmpty()) return true;
        for (Multiaddr m : listen) {
            try {
                if (!InetAddress.getByAddress(m.components().get(0).value()).isAnyLocalAddress()) return true;
            } catch (UnknownHostException e) {
                // not an IP: cannot happen for a checked listen address
            }
        }
        return false;
    }
}
