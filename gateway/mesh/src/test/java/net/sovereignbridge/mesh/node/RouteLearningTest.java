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

            // The same announce relayed by b: a second route, no second signature check needed.
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
}
