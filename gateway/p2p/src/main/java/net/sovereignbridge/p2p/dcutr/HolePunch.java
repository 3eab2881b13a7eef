package net.sovereignbridge.p2p.dcutr;

import java.util.List;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * DCUtR's one message, HolePunch{type 1 (CONNECT 100, SYNC 300), ObsAddrs 2 (repeated binary multiaddrs)},
 * on {@code /libp2p/dcutr} (docs/nat.md): CONNECT carries the sender's observed and listen addresses, SYNC
 * tells the other side to dial now.
 */
public record HolePunch(Type type, List<Multiaddr> obsAddrs) {
    public enum Type {
        CONNECT(100), SYNC(300);

        public final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(long code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }
    }

    public HolePunch {
        if (type == null) throw new IllegalArgumentException("a HolePunch needs a type");
        obsAddrs = List.copyOf(obsAddrs);
    }
}
