package net.sovereignbridge.p2p.multiaddr;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.encoding.Base58;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;

/**
 * A multiaddr restricted to the protocols the overlay speaks: ip4, ip6, dns, dns4, dns6, tcp, ws, p2p.
 *
 * <p>Binary form: a sequence of (uvarint protocol code, value) where the value is fixed-size (ip4 4 bytes,
 * ip6 16, tcp 2 big-endian, ws none) or, for dns* and p2p, uvarint length + bytes. Text form:
 * "/name/value" pairs; p2p values are base58btc multihashes. Unknown protocol codes are rejected
 * rather than skipped: a length we cannot know makes the rest of the address unreadable.
 */
public final class Multiaddr {
    /** Longest binary multiaddr we accept from a peer (identify lists several per peer). */
    public static final int MAX_BINARY_LENGTH = 1024;

    public enum Protocol {
        IP4(4, "ip4", 4),
        TCP(6, "tcp", 2),
        IP6(41, "ip6", 16),
        DNS(53, "dns", -1),
        DNS4(54, "dns4", -1),
        DNS6(55, "dns6", -1),
        P2P(421, "p2p", -1),
        /** A relayed hop: {@code <relay>/p2p-circuit/p2p/<target>} (circuit relay v2). */
        P2P_CIRCUIT(290, "p2p-circuit", 0),
        WS(477, "ws", 0);

        public final int code;
        public final String text;
        /** Value size in bytes, or -1 for a uvarint-length-prefixed value. */
        public final int size;

        Protocol(int code, String text, int size) {
            this.code = code;
            this.text = text;
            this.size = size;
        }

        static Protocol byCode(long code) {
            for (Protocol p : values()) if (p.code == code) return p;
            return null;
        }

        static Protocol byName(String name) {
            for (Protocol p : values()) if (p.text.equals(name)) return p;
            return null;
        }
    }

    /** One (protocol, raw value bytes) pair. */
    public record Component(Protocol protocol, byte[] value) {
        public String valueText() {
            switch (protocol) {
                case IP4:
                case IP6:
                    try {
                        String s = InetAddress.getByAddress(value).getHostAddress();
                        return protocol == Protocol.IP6 ? compressIp6(value) : s;
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e); // sizes were checked on construction
                    }
                case TCP:
                    return Integer.toString(((value[0] & 0xFF) << 8) | (value[1] & 0xFF));
                case DNS:
                case DNS4:
                case DNS6:
                    return new String(value, StandardCharsets.UTF_8);
                case P2P:
                    return Base58.encode(value);
                default:
                    return "";
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Component c && c.protocol == protocol && Arrays.equals(c.value, value);
        }

        @Override
        public int hashCode() {
            return protocol.hashCode() * 31 + Arrays.hashCode(value);
        }
    }

    private final List<Component> components;

    private Multiaddr(List<Component> components) {
        this.components = List.copyOf(components);
    }

    public List<Component> components() {
        return components;
    }

    /** The value of the first component of that protocol, or null. */
    public Component first(Protocol protocol) {
        for (Component c : components) if (c.protocol == protocol) return c;
        return null;
    }

    /** This address with a trailing /p2p/... removed, e.g. to dial it. */
    public Multiaddr withoutPeerId() {
        if (!components.isEmpty() && components.get(components.size() - 1).protocol == Protocol.P2P) {
            return new Multiaddr(components.subList(0, components.size() - 1));
        }
        return this;
    }

    /**
     * The trailing /p2p component (the peer this address reaches), or null. Unlike {@code first(P2P)} it
     * names the target of a relayed address, {@code <relay>/p2p/R/p2p-circuit/p2p/T}, not its relay.
     */
    public Component trailingPeerId() {
        Component last = components.isEmpty() ? null : components.get(components.size() - 1);
        return last != null && last.protocol == Protocol.P2P ? last : null;
    }

    /** True for a relayed address (one with /p2p-circuit). */
    public boolean isRelayed() {
        return first(Protocol.P2P_CIRCUIT) != null;
    }

    /** The address of these components (checked as a decoded address is). */
    public static Multiaddr of(List<Component> components) throws MultiaddrException {
        if (components.isEmpty()) throw new MultiaddrException("empty multiaddr");
        List<Component> list = new ArrayList<>();
        for (Component c : components) list.add(checked(c.protocol(), c.value()));
        Multiaddr m = new Multiaddr(list);
        if (m.toBytes().length > MAX_BINARY_LENGTH) throw new MultiaddrException("multiaddr longer than " + MAX_BINARY_LENGTH + " bytes");
        return m;
    }

    public Multiaddr with(Protocol protocol, byte[] value) throws MultiaddrException {
        List<Component> list = new ArrayList<>(components);
        list.add(checked(protocol, value));
        return new Multiaddr(list);
    }

    public static Multiaddr parse(String text) throws MultiaddrException {
        if (text == null || text.isEmpty() || text.charAt(0) != '/') {
            throw new MultiaddrException("multiaddr must start with '/'");
        }
        if (text.length() > 4 * MAX_BINARY_LENGTH) throw new MultiaddrException("multiaddr text too long");
        String[] parts = text.substring(1).split("/", -1);
        List<Component> list = new ArrayList<>();
        int i = 0;
        while (i < parts.length) {
            String name = parts[i++];
            if (name.isEmpty() && i == parts.length && !list.isEmpty()) break; // trailing slash
            Protocol p = Protocol.byName(name);
            if (p == null) throw new MultiaddrException("unsupported protocol '" + name + "'");
            if (p.size == 0) {
                list.add(new Component(p, new byte[0]));
                continue;
            }
            if (i >= parts.length || parts[i].isEmpty()) throw new MultiaddrException("/" + name + " needs a value");
            list.add(checked(p, valueFromText(p, parts[i++])));
        }
        if (list.isEmpty()) throw new MultiaddrException("empty multiaddr");
        Multiaddr m = new Multiaddr(list);
        // The same limit as decode, so that every address we accept can be sent and read back.
        if (m.toBytes().length > MAX_BINARY_LENGTH) throw new MultiaddrException("multiaddr longer than " + MAX_BINARY_LENGTH + " bytes");
        return m;
    }

    public static Multiaddr decode(byte[] bytes) throws MultiaddrException {
        if (bytes == null || bytes.length == 0) throw new MultiaddrException("empty multiaddr");
        if (bytes.length > MAX_BINARY_LENGTH) throw new MultiaddrException("multiaddr longer than " + MAX_BINARY_LENGTH);
        List<Component> list = new ArrayList<>();
        int pos = 0;
        while (pos < bytes.length) {
            UnsignedVarint.Decoded code = UnsignedVarint.decode(bytes, pos);
            if (code == null) throw new MultiaddrException("bad protocol code at " + pos);
            pos += code.length();
            Protocol p = Protocol.byCode(code.value());
            if (p == null) throw new MultiaddrException("unsupported protocol code " + code.value());
            int size = p.size;
            if (size < 0) {
                UnsignedVarint.Decoded len = UnsignedVarint.decode(bytes, pos);
                if (len == null) throw new MultiaddrException("bad length at " + pos);
                pos += len.length();
                if (len.value() > bytes.length - pos) throw new MultiaddrException("value runs past the end");
                size = (int) len.value();
            }
            if (size > bytes.length - pos) throw new MultiaddrException("value runs past the end");
            list.add(checked(p, Arrays.copyOfRange(bytes, pos, pos + size)));
            pos += size;
        }
        return new Multiaddr(list);
    }

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Component c : components) {
            UnsignedVarint.write(c.protocol.code, out);
            if (c.protocol.size < 0) UnsignedVarint.write(c.value.length, out);
            out.writeBytes(c.value);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append('/').append(c.protocol.text);
            if (c.protocol.size != 0) sb.append('/').append(c.valueText());
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr m && m.components.equals(components);
    }

    @Override
    public int hashCode() {
        return components.hashCode();
    }

    private static byte[] valueFromText(Protocol p, String v) throws MultiaddrException {
        switch (p) {
            case IP4:
                return parseIp4(v);
            case IP6:
                return parseIp6(v);
            case TCP:
                try {
                    int port = Integer.parseInt(v);
                    if (port < 0 || port > 65535 || !v.equals(Integer.toString(port))) throw new NumberFormatException();
                    return new byte[] {(byte) (port >> 8), (byte) port};
                } catch (NumberFormatException e) {
                    throw new MultiaddrException("bad tcp port '" + v + "'");
                }
            case DNS:
            case DNS4:
            case DNS6:
                return v.getBytes(StandardCharsets.UTF_8);
            case P2P:
                try {
                    return Base58.decode(v);
                } catch (IllegalArgumentException e) {
                    throw new MultiaddrException("bad /p2p value: " + e.getMessage());
                }
            default:
                throw new MultiaddrException("unexpected value for /" + p.text);
        }
    }

    /** Validates a component's bytes so that every Multiaddr in memory can be formatted. */
    private static Component checked(Protocol p, byte[] value) throws MultiaddrException {
        if (p.size >= 0 && value.length != p.size) {
            throw new MultiaddrException("/" + p.text + " value must be " + p.size + " bytes");
        }
        switch (p) {
            case DNS, DNS4, DNS6 -> {
                if (value.length == 0 || value.length > 255) throw new MultiaddrException("bad dns name length");
                for (byte b : value) {
                    if (b == '/' || (b & 0xFF) < 0x21 || (b & 0xFF) > 0x7E) throw new MultiaddrException("bad dns name");
                }
            }
            case P2P -> {
                // a multihash: uvarint code, uvarint length, digest of that length
                UnsignedVarint.Decoded code = UnsignedVarint.decode(value, 0);
                UnsignedVarint.Decoded len = code == null ? null : UnsignedVarint.decode(value, code.length());
                if (len == null || len.value() != value.length - code.length() - len.length()) {
                    throw new MultiaddrException("/p2p value is not a multihash");
                }
                if (value.length > 128) throw new MultiaddrException("/p2p value too long");
            }
            default -> { }
        }
        return new Component(p, value.clone());
    }

    private static byte[] parseIp4(String v) throws MultiaddrException {
        String[] parts = v.split("\\.", -1);
        if (parts.length != 4) throw new MultiaddrException("bad ip4 '" + v + "'");
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            try {
                int n = Integer.parseInt(parts[i]);
                if (n < 0 || n > 255 || !parts[i].equals(Integer.toString(n))) throw new NumberFormatException();
                out[i] = (byte) n;
            } catch (NumberFormatException e) {
                throw new MultiaddrException("bad ip4 '" + v + "'");
            }
        }
        return out;
    }

    private static byte[] parseIp6(String v) throws MultiaddrException {
        // Only hex digits, ':' and '.' reach InetAddress, so no name lookup can happen.
        if (v.indexOf(':') < 0 || !v.matches("[0-9A-Fa-f:.]{2,45}")) throw new MultiaddrException("bad ip6 '" + v + "'");
        try {
            byte[] raw = InetAddress.getByName(v).getAddress();
            if (raw.length == 16) return raw;
            byte[] mapped = new byte[16]; // Java collapses ::ffff:a.b.c.d to IPv4
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(raw, 0, mapped, 12, 4);
            return mapped;
        } catch (UnknownHostException e) {
            throw new MultiaddrException("bad ip6 '" + v + "'");
        }
    }

    /** RFC 5952 text: lowercase, longest run of two or more zero groups as "::". */
    static String compressIp6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
