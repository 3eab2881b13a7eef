package net.sovereignbridge.app.dht;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.p2p.dht.DhtPeer;
import net.sovereignbridge.p2p.dht.RegionKeys;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;

/**
 * The {@code dht.*} configuration keys (docs/configuration.md) and the bootstrap-peers file.
 *
 * <p>Where the DHT listens and what it announces are the overlay host's {@code p2p.listen} and
 * {@code p2p.announce} (one libp2p host per daemon, {@code app.overlay.P2pSettings}).
 *
 * @param bootstrap seed peers (PeerId from the /p2p part, addresses without it)
 * @param mode "auto", "server" or "client"
 * @param region geohash of this node (3..12 characters) or empty
 */
public record DhtSettings(boolean enabled, boolean bootstrapRole, List<DhtPeer> bootstrap, String mode, String region, int alpha,
        int maintenanceSeconds, boolean meshBridge, List<DhtPeer> publicBootstrap) {

    /** Written by the image's first boot (image-builder firstboot.sh), one multiaddr per line. */
    public static final String BOOTSTRAP_FILE = "bootstrap-peers";

    public static DhtSettings disabled() {
        return new DhtSettings(false, false, List.of(), "auto",
                "", 3, 300, true, List.of());
    }

    /**
     * Reads the section. The DHT runs when {@code dht.enabled} says so; unset, it runs when bootstrap peers
     * are configured (in the file or the section) or in the bootstrap role: a gateway given peers to join
     * is expected to join them, one without any has nobody to talk to.
     *
     * @param configFile the configuration file (its directory holds {@code bootstrap-peers}), or null
     */
    public static DhtSettings read(ConfigNode dht, Path configFile, boolean bootstrapRole) throws ConfigException {
        for (String moved : List.of("listen", "announce")) {
            if (dht.has(moved)) {
                throw dht.invalid(moved, "moved to p2p." + moved + " (the DHT runs on the overlay's libp2p host)");
            }
        }
        List<DhtPeer> bootstrap = new ArrayList<>();
        for (String b : dht.strings("bootstrap", List.of())) bootstrap.add(peer(dht, "bootstrap", b));
        String fileText = dht.string("bootstrap-file", null);
        Path file = fileText != null ? Path.of(fileText)
                : configFile != null ? configFile.toAbsolutePath().getParent().resolve(BOOTSTRAP_FILE) : null;
        if (fileText != null && !Files.isRegularFile(file)) {
            throw dht.invalid("bootstrap-file", file + " does not exist or is not a file");
        }
        if (file != null && Files.isRegularFile(file)) bootstrap.addAll(readBootstrapFile(file));
        if (bootstrap.size() > 64) throw dht.invalid("bootstrap", bootstrap.size() + " bootstrap peers; at most 64");

        String mode = dht.choice("mode", bootstrapRole ? "server" : "auto", "auto", "server", "client");
        if (bootstrapRole && !mode.equals("server")) {
            throw dht.invalid("mode", "the bootstrap role always runs in server mode");
        }
        String region = dht.string("region", "").toLowerCase(java.util.Locale.ROOT);
        if (!region.isEmpty()) {
            if (region.length() < RegionKeys.PRECISIONS[0] || region.length() > 12) {
                throw dht.invalid("region", "'" + region + "' must be a geohash of 3..12 characters (e.g. u0vxkq)");
            }
            try {
                RegionKeys.providerKey(region);
            } catch (IllegalArgumentException e) {
                throw dht.invalid("region", "'" + region + "' is not a geohash: " + e.getMessage());
            }
        }
        int alpha = (int) dht.integer("alpha", 3, 1, 10);
        int maintenance = (int) dht.integer("maintenance-interval-seconds", 300, 10, 86_400);
        boolean meshBridge = dht.bool("mesh-bridge", true);
        // the public libp2p DHT (/ipfs/kad/1.0.0) for region rendezvous only; off unless seeds are given
        List<DhtPeer> publicBootstrap = new ArrayList<>();
        for (String b : dht.strings("public-bootstrap", List.of())) publicBootstrap.add(peer(dht, "public-bootstrap", b));
        if (publicBootstrap.size() > 64) throw dht.invalid("public-bootstrap", "at most 64 peers");
        boolean enabled = dht.bool("enabled", bootstrapRole || !bootstrap.isEmpty() || !publicBootstrap.isEmpty());
        if (bootstrapRole && !enabled) throw dht.invalid("enabled", "the bootstrap role needs the DHT");
        return new DhtSettings(enabled, bootstrapRole, List.copyOf(bootstrap),
                mode, region, alpha, maintenance, meshBridge, List.copyOf(publicBootstrap));
    }

    static Multiaddr checkDialable(String text, boolean withPeer) {
        Multiaddr m;
        try {
            m = Multiaddr.parse(text.trim());
        } catch (MultiaddrException e) {
            throw new IllegalArgumentException("'" + text + "' is not a multiaddr: " + e.getMessage());
        }
        List<Multiaddr.Component> c = m.components();
        boolean host = !c.isEmpty() && switch (c.get(0).protocol()) {
            case IP4, IP6, DNS, DNS4, DNS6 -> true;
            default -> false;
        };
        boolean tcp = c.size() >= 2 && c.get(1).protocol() == Multiaddr.Protocol.TCP;
        int expected = withPeer ? 3 : 2;
        if (!host || !tcp || c.size() != expected || (withPeer && c.get(2).protocol() != Multiaddr.Protocol.P2P)) {
            throw new IllegalArgumentException("'" + text + "' must look like /ip4/192.0.2.1/tcp/4001"
                    + (withPeer ? "/p2p/12D3KooW... (the peer's id is needed to check whom we reach)" : ""));
        }
        return m;
    }

    static DhtPeer peerOf(String text) {
        Multiaddr m = checkDialable(text, true);
        byte[] id = m.first(Multiaddr.Protocol.P2P).value();
        try {
            net.sovereignbridge.mesh.identity.PeerId.fromBytes(id);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
        }
        return new DhtPeer(id, List.of(m.withoutPeerId().toBytes()));
    }

    private static DhtPeer peer(ConfigNode dht, String key, String text) throws ConfigException {
        try {
            return peerOf(text);
        } catch (IllegalArgumentException e) {
            throw dht.invalid(key, e.getMessage());
        }
    }

    /** One multiaddr per line; blank lines and lines starting with '#' are skipped. Errors name file and line. */
    static List<DhtPeer> readBootstrapFile(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read bootstrap peers: " + e.getMessage());
        }
        List<DhtPeer> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            try {
                out.add(peerOf(l));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file + ":" + (i + 1) + ": bootstrap peer " + e.getMessage());
            }
        }
        return out;
    }
}
