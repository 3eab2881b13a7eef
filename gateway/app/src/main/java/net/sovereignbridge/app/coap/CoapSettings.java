package net.sovereignbridge.app.coap;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;

/**
 * The {@code coap.*} configuration keys (docs/configuration.md). Plain CoAP listens on loopback and the
 * addresses or interfaces named in {@code coap.bind}; DTLS runs when at least one PSK identity is
 * configured or {@code coap.dtls.raw-public-key} is on.
 */
public record CoapSettings(boolean enabled, int port, List<String> bind, int dtlsPort, List<Psk> psks,
        boolean rawPublicKey, List<String> trustedKeys, int ingressPerMinute, int ingressBurst, PlainAccess plainAccess,
        int maxObservers, int maxObserversPerPeer) {

    /**
     * Who may use the resources that act as the gateway ({@code /msg}, {@code /receipts}, publishing on
     * {@code /topics/{name}}) over plain CoAP; DTLS clients with a configured identity always may.
     * OWNER: loopback datagrams from sockets of the gateway's Unix user (or root); LOCAL: any loopback
     * datagram, whichever local user sent it; ANY: everyone who reaches a plain CoAP address.
     */
    public enum PlainAccess { OWNER, LOCAL, ANY }

    /** One pre-shared key: the identity a client presents and the secret (16..64 bytes). */
    public record Psk(String identity, byte[] key) {
        @Override
        public String toString() {
            return "Psk[" + identity + "]"; // never the secret
        }
    }

    public boolean dtlsEnabled() {
        return enabled && (!psks.isEmpty() || rawPublicKey);
    }

    public static CoapSettings defaults() {
        return new CoapSettings(true, 5683, List.of("127.0.0.1"), 5684, List.of(), false, List.of(), 60, 20,
                PlainAccess.OWNER, 64, 8);
    }

    public static CoapSettings read(ConfigNode coap) throws ConfigException {
        CoapSettings d = defaults();
        boolean enabled = coap.bool("enabled", d.enabled());
        int port = (int) coap.integer("port", d.port(), 0, 65535);
        List<String> bind = coap.strings("bind", d.bind());
        for (String b : bind) {
            if (b.isBlank() || !b.matches("[0-9A-Za-z.:%_-]+")) {
                throw coap.invalid("bind", "'" + b + "' is neither an IP address nor an interface name");
            }
        }
        if (bind.isEmpty()) throw coap.invalid("bind", "needs at least one address or interface (127.0.0.1 for loopback only)");
        int perMinute = (int) coap.integer("ingress-per-minute", d.ingressPerMinute(), 1, 100_000);
        int burst = (int) coap.integer("ingress-burst", d.ingressBurst(), 1, 10_000);
        PlainAccess access = PlainAccess.valueOf(coap.choice("plain-access", "owner", "owner", "local", "any")
                .toUpperCase(java.util.Locale.ROOT));
        int maxObservers = (int) coap.integer("max-observers", d.maxObservers(), 4, 1000);
        int perPeer = (int) coap.integer("max-observers-per-peer", d.maxObserversPerPeer(), 1, 1000);
        if (perPeer > maxObservers) {
            throw coap.invalid("max-observers-per-peer", perPeer + " is more than coap.max-observers (" + maxObservers + ")");
        }
        ConfigNode dtls = coap.section("dtls");
        int dtlsPort = (int) dtls.integer("port", d.dtlsPort(), 0, 65535);
        List<Psk> psks = new ArrayList<>();
        for (String entry : dtls.strings("psk", List.of())) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0) throw dtls.invalid("psk", "entries are 'identity:hexkey'");
            String identity = entry.substring(0, colon);
            byte[] key;
            try {
                key = HexFormat.of().parseHex(entry.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw dtls.invalid("psk", "the key of identity '" + identity + "' is not hex");
            }
            if (key.length < 16 || key.length > 64) {
                throw dtls.invalid("psk", "the key of identity '" + identity + "' has " + key.length
                        + " bytes; 16..64 are accepted");
            }
            if (psks.stream().anyMatch(p -> p.identity().equals(identity))) {
                throw dtls.invalid("psk", "identity '" + identity + "' appears twice");
            }
            psks.add(new Psk(identity, key));
        }
        boolean rpk = dtls.bool("raw-public-key", false);
        List<String> trusted = dtls.strings("trusted-keys", List.of());
        for (String t : trusted) {
            try {
                java.util.Base64.getDecoder().decode(t);
            } catch (IllegalArgumentException e) {
                throw dtls.invalid("trusted-keys", "entries are base64 SubjectPublicKeyInfo (DER)");
            }
        }
        return new CoapSettings(enabled, port, List.copyOf(bind), dtlsPort, List.copyOf(psks), rpk, List.copyOf(trusted),
                perMinute, burst, access, maxObservers, perPeer);
    }
}
