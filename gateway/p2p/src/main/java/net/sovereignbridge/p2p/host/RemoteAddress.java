package net.sovereignbridge.p2p.host;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * Who holds a share of the host's inbound capacity: one IPv4 address, or one IPv6 /64 (a single
 * subscriber commonly gets a whole /64, so counting single IPv6 addresses would give one attacker
 * 2^64 shares). An IPv4-mapped IPv6 address counts as its IPv4 address.
 */
public final class RemoteAddress {
    private RemoteAddress() {}

    /** The share key of an address: "192.0.2.1" or "2001:db8:1:2::/64". */
    public static String shareKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
            mapped &= (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
            if (!mapped) {
                byte[] prefix = new byte[16];
                System.arraycopy(b, 0, prefix, 0, 8);
                try {
                    return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e); // 16 bytes always form an address
                }
            }
            return (b[12] & 0xFF) + "." + (b[13] & 0xFF) + "." + (b[14] & 0xFF) + "." + (b[15] & 0xFF);
        }
        return address.getHostAddress();
    }

    /**
     * The share key of a raw connection's remote address (/ip4/A/... or /ip6/A/...); the whole text for
     * an address without an IP (a relayed circuit, later), which then is its own share.
     */
    public static String shareKey(Multiaddr remote) {
        List<Multiaddr.Component> c = remote.components();
        if (!c.isEmpty() && (c.get(0).protocol() == Multiaddr.Protocol.IP4 || c.get(0).protocol() == Multiaddr.Protocol.IP6)) {
            try {
                return shareKey(InetAddress.getByAddress(c.get(0).value()));
            } catch (UnknownHostException e) {
                // not 4 or 16 bytes: cannot happen for a decoded multiaddr
            }
        }
        return remote.toString();
    }
}
