package net.sovereignbridge.p2p.relay;

import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * Reservation{expire 1 (unix seconds), addrs 2 (the relay's addresses), voucher 3 (a signed envelope)}.
 *
 * @param voucher the envelope's bytes as received, or null when the relay sent none
 */
public record Reservation(long expireUnixSeconds, List<Multiaddr> addrs, byte[] voucher) {
    public Reservation {
        addrs = List.copyOf(addrs);
        voucher = voucher == null ? null : voucher.clone();
    }

    @Override
    public byte[] voucher() {
        return voucher == null ? null : voucher.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reservation r && r.expireUnixSeconds == expireUnixSeconds && r.addrs.equals(addrs)
                && Arrays.equals(r.voucher, voucher);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(expireUnixSeconds) * 31 + addrs.hashCode();
    }
}
