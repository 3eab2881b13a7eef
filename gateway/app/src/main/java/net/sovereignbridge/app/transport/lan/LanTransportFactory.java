package net.sovereignbridge.app.transport.lan;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.TransportSettings;

/** UDP on the LAN ({@link LanTransport}): keys {@code bind, port, discovery, discovery-group, discovery-port, interfaces, peers}. */
public final class LanTransportFactory implements TransportFactory {
    public static final String TYPE = "lan";

    /** A checked LAN section. */
    public record Settings(String id, LanTransport.Options options) implements TransportSettings {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Outcome bringUp(TransportContext context) {
            // binding happens at start: a port in use is FAILED and retried, not UNAVAILABLE
            return Up.of(new LanTransport(id, options));
        }

        @Override
        public TransportSettings withListenPort(int port) {
            LanTransport.Options o = options;
            return new Settings(id, new LanTransport.Options(o.bindAddress(), port, o.discoveryGroup(), o.discoveryPort(),
                    o.interfaces(), o.staticPeers(), o.discovery()));
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String shorthandId() {
        return "lan";
    }

    /** The LAN runs unless {@code lan.enabled: false}: a gateway with no configuration still finds its neighbours. */
    @Override
    public Optional<TransportSettings> readShorthand(ConfigNode section) throws ConfigException {
        boolean enabled = section.bool("enabled", true);
        TransportSettings s = read(shorthandId(), section); // checked even when disabled: a typo is still a typo
        return enabled ? Optional.of(s) : Optional.empty();
    }

    @Override
    public TransportSettings read(String id, ConfigNode section) throws ConfigException {
        LanTransport.Options d = LanTransport.Options.defaults();
        String bind = section.string("bind", d.bindAddress());
        int port = (int) section.integer("port", d.port(), 0, 65535);
        boolean discovery = section.bool("discovery", d.discovery());
        String group = section.string("discovery-group", d.discoveryGroup());
        if (!group.matches("239\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|224\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw section.invalid("discovery-group", "'" + group + "' is not an IPv4 multicast address (224.x or 239.x)");
        }
        int discoveryPort = (int) section.integer("discovery-port", d.discoveryPort(), 1, 65535);
        List<String> interfaces = section.strings("interfaces", List.of());
        List<InetSocketAddress> peers = new ArrayList<>();
        for (String p : section.strings("peers", List.of())) {
            try {
                peers.add(LanTransport.parse(p));
            } catch (IllegalArgumentException e) {
                throw section.invalid("peers", e.getMessage());
            }
        }
        return new Settings(id, new LanTransport.Options(bind, port, group, discoveryPort, interfaces, List.copyOf(peers),
                discovery));
    }
}
