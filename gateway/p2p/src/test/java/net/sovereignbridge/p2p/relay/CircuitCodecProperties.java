package net.sovereignbridge.p2p.relay;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;

/** The relay decoders: every message decodes to itself, and hostile bytes give only typed errors. */
class CircuitCodecProperties {
    @Provide
    Arbitrary<HopMessage> hops() {
        Arbitrary<CircuitPeer> peers = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40)
                .map(d -> {
                    byte[] id = new byte[d.length + 2];
                    id[0] = 0x00;
                    id[1] = (byte) d.length;
                    System.arraycopy(d, 0, id, 2, d.length);
                    return id;
                })
                .flatMap(id -> addrs().map(a -> new CircuitPeer(id, a)));
        Arbitrary<Reservation> reservations = Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE), addrs(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(100).injectNull(0.3)).as(Reservation::new);
        Arbitrary<CircuitLimit> limits = Combinators.combine(Arbitraries.longs().between(0, 0xFFFFFFFFL),
                Arbitraries.longs().between(0, Long.MAX_VALUE)).as(CircuitLimit::new);
        return Combinators.combine(Arbitraries.of(HopMessage.Type.class), peers.injectNull(0.3), reservations.injectNull(0.5),
                limits.injectNull(0.5), Arbitraries.of(CircuitStatus.class).injectNull(0.5)).as(HopMessage::new);
    }

    Arbitrary<List<Multiaddr>> addrs() {
        return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 65535))
                .as((a, p) -> {
                    try {
                        return Multiaddr.parse("/ip4/10.0.0." + a + "/tcp/" + p);
                    } catch (MultiaddrException e) {
                        throw new IllegalStateException(e);
                    }
                }).list().ofMaxSize(4);
    }

    @Property(tries = 500)
    void everyHopMessageDecodesToItself(@ForAll("hops") HopMessage m) throws Exception {
        assertEquals(m, CircuitCodec.decodeHop(CircuitCodec.encode(m)));
        StopMessage s = new StopMessage(m.type() == HopMessage.Type.STATUS ? StopMessage.Type.STATUS : StopMessage.Type.CONNECT,
                m.peer(), m.limit(), m.status());
        assertEquals(s, CircuitCodec.decodeStop(CircuitCodec.encode(s)));
    }

    @Property(tries = 3000)
    void hostileBytesGiveOnlyTypedErrors(@ForAll @Size(max = 300) byte[] junk) {
        decodeBoth(junk);
    }

    @Property(tries = 1000)
    void corruptedMessagesGiveOnlyTypedErrors(@ForAll("hops") HopMessage m, @ForAll int position, @ForAll byte value,
                                              @ForAll boolean truncate) {
        byte[] data = CircuitCodec.encode(m);
        int at = Math.floorMod(position, data.length);
        byte[] bad = truncate ? Arrays.copyOf(data, at) : data.clone();
        if (!truncate) bad[at] = value;
        decodeBoth(bad);
    }

    private static void decodeBoth(byte[] bytes) {
        try {
            assertNotNull(CircuitCodec.decodeHop(bytes));
        } catch (CircuitMessageException e) {
            assertNotNull(e.error);
        }
        try {
            assertNotNull(CircuitCodec.decodeStop(bytes));
        } catch (CircuitMessageException e) {
            assertNotNull(e.error);
        }
    }
}
