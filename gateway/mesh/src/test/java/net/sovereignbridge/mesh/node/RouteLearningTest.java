package net.sovereignbridge.mesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.link.RecordingTransport;
import net.sovereignbridge.mesh.routing.RouteTable;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportProfile;
import org.junit.jupiter.api.Test;

/** What received announces teach: key, routes, direct neighbours; and what they must not. */
class RouteLearningTest {
    static final TransportProfile LAN = TransportProfile.of(TransportKind.DUPLEX, 1200, PreferenceClass.LOCAL_FAST);
    final NodeIdentity origin = Parts.identity(30);

    MeshFrame announce(Parts p, int id, long unixSeconds) {
        return SignedFrames.sign(origin, FrameType.ANNOUNCE, null, id, 8,
                new AnnounceBody(origin.publicIdentity(), unixSeconds, "origin", null).encode());
    }

    @Test
    void aVerifiedAnnounceTeachesKeyRouteAndNeighbourAndItsCopiesTeachMoreRoutes() throws Exception {
        try (Parts p = new Parts(1)) {
            RecordingTransport lan = p.add("lan", LAN);
            p.start();
            Announcer announcer = AnnouncerTest.announcer(p);
            List<MeshAddress> released = new ArrayList<>();
            RouteLearning learning = new RouteLearning(p.peers, p.router, announcer, p.time.clock(), 100, released::add);
            Endpoint a = new Endpoint("lan", "a");
            Endpoint b = new Endpoint("lan", "b");
            MeshFrame first = announce(p, 1, p.time.millis() / 1000);
            learning.onAnnounce(p.link("lan"), a, first, LinkQuality.UNKNOWN);
            assertTrue(p.peers.key(origin.address()).isPresent(), "the key");
            assertEquals(List.of(a), p.router.knownHops(origin.address(), 100));
            assertEquals(1, p.router.routes().best(origin.address(), p.time.millis()).orElseThrow().hops());
            assertEquals(List.of(origin.address()), released, "custody may release what waits for it");
            assertEquals(a, lan.sent.get(0).to(), "a newcomer on a duplex link is answered at once");

            // b proves itself with an announce of its own; then the same announce relayed by b is a second
            // route, with no second signature check needed.
            NodeIdentity relay = Parts.identity(31);
            learning.onAnnounce(p.link("lan"), b, SignedFrames.sign(relay, FrameType.ANNOUNCE, null, 7, 8,
                    new AnnounceBody(relay.publicIdentity(), p.time.millis() / 1000, "relay", null).encode()),
                    LinkQuality.UNKNOWN);
            learning.onAnnounce(p.link("lan"), b, first.forwarded(), LinkQuality.UNKNOWN);
            List<RouteTable.Route> routes = p.router.routes().lookup(origin.address(), p.time.millis());
            assertEquals(List.of(a, b), routes.stream().map(RouteTable.Route::via).toList());
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.DUPLICATE));

            // A copy that is not byte for byte the verified announce teaches nothing.
            byte[] changed = first.payload().clone();
            changed[40] ^= 1;
            Endpoint c = new Endpoint("lan", "c");
            learning.onAnnounce(p.link("lan"), c, new MeshFrame(FrameType.ANNOUNCE, first.flags(), 8, 1, null,
                    origin.address(), 1, changed), LinkQuality.UNKNOWN);
            assertTrue(p.router.routes().lookup(origin.address(), p.time.millis()).stream().noneMatch(r -> r.via().equals(c)));
        }
    }

    @Test
    void aForgedOrFutureAnnounceTeachesNothing() throws Exception {
        try (Parts p = new Parts(2)) {
            p.add("lan", LAN);
            p.start();
            RouteLearning learning = new RouteLearning(p.peers, p.router, AnnouncerTest.announcer(p), p.time.clock(), 100,
                    a -> { });
            MeshFrame good = announce(p, 5, p.time.millis() / 1000);
            byte[] forged = good.payload().clone();
            forged[forged.length - 1] ^= 1;
            learning.onAnnounce(p.link("lan"), new Endpoint("lan", "a"), new MeshFrame(FrameType.ANNOUNCE, good.flags(), 8,
                    0, null, origin.address(), 5, forged), LinkQuality.UNKNOWN);
            learning.onAnnounce(p.link("lan"), new Endpoint("lan", "a"), announce(p, 6, p.time.millis() / 1000 + 3_600),
                    LinkQuality.UNKNOWN);
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.BAD_SIGNATURE));
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.STALE));
            assertTrue(p.peers.key(origin.address()).isEmpty());
            assertEquals(List.of(), p.router.knownHops(origin.address(), 100));
        }
    }
    /**
     * Replays of an authentic announce from an address of the replayer's: as a copy while flood control
     * remembers it, as a first sighting once it has forgotten it. Neither may teach a route, a neighbour or
     * an answer; relayed copies teach a route only through an endpoint that proved itself.
     */
    @Test
    void replayedAnnouncesTeachNothing() throws Exception {
        try (Parts p = new Parts(3)) {
            RecordingTransport lan = p.add("lan", LAN);
            p.start();
            RouteLearning learning = new RouteLearning(p.peers, p.router, AnnouncerTest.announcer(p), p.time.clock(), 100,
                    a -> { });
            Endpoint real = new Endpoint("lan", "origin");
            Endpoint replayer = new Endpoint("lan", "replayer");
            MeshFrame first = announce(p, 1, p.time.millis() / 1000);
            learning.onAnnounce(p.link("lan"), real, first, LinkQuality.UNKNOWN);

            learning.onAnnounce(p.link("lan"), replayer, first, LinkQuality.UNKNOWN); // a copy, hop 0
            learning.onAnnounce(p.link("lan"), replayer, first.forwarded(), LinkQuality.UNKNOWN); // a copy "relayed"
            p.time.runFor(60_000); // flood control forgets the announce; the same second, the same id
            learning.onAnnounce(p.link("lan"), replayer, first, LinkQuality.UNKNOWN);
            // An older announce of the origin, first seen now.
            learning.onAnnounce(p.link("lan"), replayer, announce(p, 2, p.time.millis() / 1000 - 120), LinkQuality.UNKNOWN);

            assertEquals(List.of(real), p.router.knownHops(origin.address(), 100));
            assertEquals(List.of(real), p.router.routes().lookup(origin.address(), p.time.millis()).stream()
                    .map(RouteTable.Route::via).toList());
            assertEquals(List.of(real), p.router.neighbours().candidates(origin.address()).stream()
                    .map(h -> h.endpoint()).toList());
            assertTrue(lan.sent.stream().noneMatch(f -> f.to().equals(replayer)), "no announce goes back to the replayer");
            assertEquals(2, p.manager.counters("lan").drops(DecodeError.REPLAY));

            // The origin's next announce (a new second) is news again, from wherever it comes.
            p.time.runFor(1_000);
            learning.onAnnounce(p.link("lan"), real, announce(p, 3, p.time.millis() / 1000), LinkQuality.UNKNOWN);
            assertEquals(2, p.manager.counters("lan").drops(DecodeError.REPLAY));
        }
    }

    @Test
    void anOriginAnnouncingOnSeveralLinksInOneSecondIsHeardOnEach() throws Exception {
        try (Parts p = new Parts(4)) {
            p.add("lan", LAN);
            p.add("ble", TransportProfile.of(TransportKind.DUPLEX, 200, PreferenceClass.LOCAL_FAST));
            p.start();
            RouteLearning learning = new RouteLearning(p.peers, p.router, AnnouncerTest.announcer(p), p.time.clock(), 100,
                    a -> { });
            long second = p.time.millis() / 1000;
            Endpoint onLan = new Endpoint("lan", "o");
            Endpoint onBle = new Endpoint("ble", "o");
            learning.onAnnounce(p.link("lan"), onLan, announce(p, 10, second), LinkQuality.UNKNOWN);
            learning.onAnnounce(p.link("ble"), onBle, announce(p, 11, second), LinkQuality.UNKNOWN);
            assertEquals(2, p.router.neighbours().candidates(origin.address()).size());
        }
    }
}
