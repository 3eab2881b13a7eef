package net.sovereignbridge.mesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.link.RecordingTransport;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportProfile;
import org.junit.jupiter.api.Test;

/** Relaying others' DATA and ACK frames: once per frame, along a route, else flood and custody. */
class RelayTest {
    static final TransportProfile LAN = TransportProfile.of(TransportKind.DUPLEX, 1200, PreferenceClass.LOCAL_FAST);
    static final MeshAddress SOURCE = Parts.identity(20).address();
    static final MeshAddress DESTINATION = Parts.identity(21).address();
    static final Endpoint FROM = new Endpoint("lan", "upstream");

    static MeshFrame data(int id, int hopLimit, int hopCount, boolean hopAck) {
        return new MeshFrame(FrameType.DATA, hopAck ? MeshFrame.FLAG_HOP_ACK : 0, hopLimit, hopCount, DESTINATION,
                SOURCE, id, new byte[40]);
    }

    static Relay relay(Parts p) {
        return new Relay(p.router, p.custody, p.peers, p.time.clock(), 60_000);
    }

    @Test
    void withoutARouteAFrameIsFloodedOnceAndHeldUntilOneAppears() throws Exception {
        try (Parts p = new Parts(1)) {
            RecordingTransport lan = p.add("lan", LAN);
            p.start();
            Relay r = relay(p);
            r.relay(p.link("lan"), FROM, data(1, 8, 2, true), LinkQuality.UNKNOWN);
            r.relay(p.link("lan"), new Endpoint("lan", "other"), data(1, 8, 2, true), LinkQuality.UNKNOWN);
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.DUPLICATE), "the second copy");
            p.time.runFor(1_000);
            List<MeshFrame> out = lan.frames();
            assertEquals(1, out.size(), "one rebroadcast");
            assertTrue(lan.sent.get(0).to().isBroadcast());
            assertEquals(3, out.get(0).hopCount(), "one hop further");
            assertEquals(1, p.custody.pendingFor(DESTINATION, p.time.millis()).size(), "held for a route");
        }
    }

    @Test
    void withARouteAFrameGoesOnAsAUnicastHopAndIsNotHeld() throws Exception {
        try (Parts p = new Parts(2)) {
            RecordingTransport lan = p.add("lan", LAN);
            p.start();
            Endpoint next = new Endpoint("lan", "towards-destination");
            p.router.neighbours().heard(DESTINATION, next, p.time.millis());
            relay(p).relay(p.link("lan"), FROM, data(2, 8, 1, true), LinkQuality.UNKNOWN);
            p.time.runFor(10);
            assertEquals(1, lan.sent.size());
            assertEquals(next, lan.sent.get(0).to());
            assertTrue(FrameCodec.wantsHopAck(lan.sent.get(0).frame()));
            assertEquals(0, p.custody.pendingFor(DESTINATION, p.time.millis()).size());
        }
    }

    @Test
    void aUsedUpHopLimitOrAMissingDestinationIsDroppedAndCounted() throws Exception {
        try (Parts p = new Parts(3)) {
            RecordingTransport lan = p.add("lan", LAN);
            p.start();
            Relay r = relay(p);
            r.relay(p.link("lan"), FROM, data(3, 4, 4, true), LinkQuality.UNKNOWN);
            r.relay(p.link("lan"), FROM, new MeshFrame(FrameType.DATA, 0, 8, 0, null, SOURCE, 4, new byte[4]),
                    LinkQuality.UNKNOWN);
            p.time.runFor(1_000);
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.HOP_LIMIT));
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.NOT_FOR_US));
            assertEquals(List.of(), lan.sent);
            assertEquals(0, p.custody.pendingCount());
        }
    }
}
