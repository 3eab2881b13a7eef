package net.sovereignbridge.p2p.autonat;

import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * AutoNAT v1 Message{type 1 (DIAL 0, DIAL_RESPONSE 1), dial 2 {peer 1 {id 1, addrs 2}}, dialResponse 3
 * {status 1, statusText 2, addr 3}} (docs/nat.md): exactly one of {@link #dial} and {@link #response} is set.
 */
public record AutonatMessage(Dial dial, DialResponse response) {
    public enum Status {
        OK(0), E_DIAL_ERROR(100), E_DIAL_REFUSED(101), E_BAD_REQUEST(200), E_INTERNAL_ERROR(300);

        public final int code;

        Status(int code) {
            this.code = code;
        }

        static Status of(long code) {
            for (Status s : values()) if (s.code == code) return s;
            return null;
        }
    }

    /** A request: dial me (PeerId multihash bytes) back at these addresses. */
    public record Dial(byte[] peerId, List<Multiaddr> addrs) {
        public Dial {
            peerId = peerId.clone();
            addrs = List.copyOf(addrs);
        }

        @Override
        public byte[] peerId() {
            return peerId.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Dial d && Arrays.equals(d.peerId, peerId) && d.addrs.equals(addrs);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(peerId) * 31 + addrs.hashCode();
        }
    }

    /** The answer; {@code addr} (the address that worked) only with OK; {@code text} may be null. */
    public record DialResponse(Status status, String text, Multiaddr addr) {}

    public AutonatMessage {
        if ((dial == null) == (response == null)) throw new IllegalArgumentException("an AutoNAT message is a dial or a response");
    }

    public static AutonatMessage dial(byte[] peerId, List<Multiaddr> addrs) {
        return new AutonatMessage(new Dial(peerId, addrs), null);
    }

    public static AutonatMessage response(Status status, String text, Multiaddr addr) {
        return new AutonatMessage(null, new DialResponse(status, text, addr));
    }
}
