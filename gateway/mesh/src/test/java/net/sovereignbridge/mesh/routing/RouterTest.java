package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.link.Link;
import net.sovereignbridge.mesh.link.LinkFixture;
import net.sovereignbridge.mesh.link.LinkLayer;
import net.sovereignbridge.mesh.link.RecordingTransport;
import net.sovereignbridge.mesh.sim.VirtualTime;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router over a real link layer and recording transports: which tier, which link, in virtual time. */
class RouterTest {
    static final MeshAddress SELF = LinkFixture.identity(1).address();
    static final MeshAddress DEST = LinkFixture.identity(2).address();
    static final MeshAddress OTHER = LinkFixture.identity(3).address();

    /** A BLE-like link: local and fast, but slower than the overlay. */
    static final TransportProfile BLE = TransportProfile.of(TransportKind.DUPLEX, 244, PreferenceClass.LOCAL_FAST)
            .withBitrate(300_000).withLatency(30);
    static final TransportProfile LAN = TransportProfile.of(TransportKind.DUPLEX, 1200, PreferenceClass.LOCAL_FAST)
            .withBitrate(100_000_000).withLatency(1);
    /** As the overlay transport describes itself (p2p MeshOverlayTransport). */
    static final TransportProfile OVERLAY = TransportProfile.of(TransportKind.DUPLEX, 1200, PreferenceClass.GLOBAL)
            .withBitrate(10_000_000).withLatency(50).withCost(1);
    static final TransportProfile LORA = TransportProfile.of(TransportKind.BROADCAST, 255, PreferenceClass.LOCAL_RADIO)
            .withBitrate(5_000).withLatency(50).withNeighbourTimeout(3_600_000);

    final LinkFixture fixture = new LinkFixture();
    final VirtualTime time = fixture.time;
    LinkLayer links;
    Router router;

    @AfterEach
    void close() {
        fixture.close();
    }

    RecordingTransport add(String id, TransportProfile p) {
        return fixture.add(id, p);
    }

    /** The router over a link layer whose only upper part is the router's own reaction to a link going down. */
    void start() {
        FloodControl flood = new FloodControl(time.executor(), time.clock(), new Random(1), 50, 400, 1_000, 1_000);
        links = fixture.start(SELF, new LinkLayer.Receiver() {
            @Override
            public void onFrame(Link link, Endpoint from, MeshFrame frame, LinkQuality quality) {}

            @Override
            public void onLinkState(Link link, TransportState state) {
                if (!state.canSend()) router.linkDown(link.id());
            }

            @Override
            public void onNewNeighbour(Link link, Endpoint neighbour) {}

            @Override
            public void onNeighbourLost(Endpoint neighbour) {}
        });
        router = new Router(links, flood, time.clock(), Router.Options.defaults());
    }

    static byte[] frame(MeshAddress to, int id, String region) {
        return FrameCodec.encode(new MeshFrame(FrameType.DATA, MeshFrame.FLAG_WANT_ACK, 8, 0, to, SELF, id,
                new byte[20], region));
    }

    void heardDirectly(MeshAddress who, Endpoint on) {
        router.neighbours().heard(who, on, time.millis());
    }

    @Test
    void theLocalClassBeatsTheOverlayThoughTheOverlaysLinkCostIsLower() {
        RecordingTransport ble = add("ble", BLE);
        RecordingTransport overlay = add("overlay", OVERLAY);
        start();
        double bleCost = RouteTable.linkCost(BLE, 0);
        double overlayCost = RouteTable.linkCost(OVERLAY, 0);
        assertTrue(overlayCost < bleCost, "by cost alone the overlay (" + overlayCost + ") would win over BLE (" + bleCost + ")");
        heardDirectly(DEST, new Endpoint("overlay", "peer"));
        heardDirectly(DEST, new Endpoint("ble", "aa:bb"));
        assertEquals(List.of(new Endpoint("ble", "aa:bb"), new Endpoint("overlay", "peer")), router.knownHops(DEST, 100));
        assertEquals("ble:aa:bb", router.forward(DEST, frame(DEST, 1, null), true, true, TrafficOrigin.LOCAL));
        time.runFor(10);
        assertEquals(1, ble.frames().size());
        assertEquals(0, overlay.sent.size());

        // The BLE link goes down: the overlay takes over (handover), and takes nothing once BLE is back.
        ble.setState(TransportState.FAILED);
        assertEquals("overlay:peer", router.forward(DEST, frame(DEST, 2, null), true, true, TrafficOrigin.LOCAL));
        ble.setState(TransportState.ACTIVE);
        assertEquals("ble:aa:bb", router.forward(DEST, frame(DEST, 3, null), true, true, TrafficOrigin.LOCAL));
    }

    @Test
    void aNodeOnTheLanAndTheOverlayIsReachedOverTheLanEvenAsALongerRoute() {
        add("lan", LAN);
        add("overlay", OVERLAY);
        start();
        long now = time.millis();
        // Directly on the overlay, three hops away over the LAN.
        heardDirectly(DEST, new Endpoint("overlay", "peer"));
        router.routes().learn(DEST, new Endpoint("lan", "192.0.2.7:4242"), 3, PreferenceClass.LOCAL_FAST,
                RouteTable.linkCost(LAN, 0), 100, now);
        router.routes().learn(DEST, new Endpoint("overlay", "peer"), 1, PreferenceClass.GLOBAL,
                RouteTable.linkCost(OVERLAY, 0), 100, now);
        assertEquals(new Endpoint("lan", "192.0.2.7:4242"), router.routes().best(DEST, now).orElseThrow().via(),
                "the route table ranks the LAN route first");
        assertEquals(new Endpoint("lan", "192.0.2.7:4242"), router.knownHops(DEST, 100).get(0));
        assertEquals("lan:192.0.2.7:4242", router.forward(DEST, frame(DEST, 1, null), true, true, TrafficOrigin.LOCAL));
    }

    @Test
    void receiveOnlyAndBroadcastOnlyMediaNeverCarryAUnicastHop() {
        RecordingTransport sat = add("sat", TransportProfile.of(TransportKind.RECEIVE_ONLY, 255, PreferenceClass.GLOBAL));
        RecordingTransport audio = add("audio", TransportProfile.of(TransportKind.BROADCAST, 64, PreferenceClass.LOCAL_SLOW)
                .withBitrate(100).withUnicast(false).withHopAcks(false));
        start();
        heardDirectly(DEST, new Endpoint("sat", "downlink"));
        heardDirectly(DEST, new Endpoint("audio", "peer"));
        router.routes().learn(DEST, new Endpoint("sat", "downlink"), 2, PreferenceClass.GLOBAL, 1, 100, time.millis());
        assertEquals(List.of(), router.knownHops(DEST, 40));
        assertNull(router.forward(DEST, frame(DEST, 1, null), false, true, TrafficOrigin.LOCAL), "no hop, no flood");
        assertEquals("flood", router.forward(DEST, frame(DEST, 2, null), true, true, TrafficOrigin.LOCAL));
        time.runFor(10);
        assertEquals(List.of(), sat.sent, "a receive-only medium is never chosen");
        assertTrue(audio.sent.size() >= 1 && audio.sent.stream().allMatch(s -> s.to().isBroadcast()),
                "a broadcast-only medium carries the flood");
        assertTrue(audio.sent.stream().noneMatch(s -> FrameCodec.wantsHopAck(s.frame())), "a flood asks for no hop ACK");
    }

    @Test
    void tiersAreAskedInOrderAndCounted() {
        add("lan", LAN);
        start();
        String here = Geohash.encode(48.0, 11.0, 8);
        String near = Geohash.encode(48.0, 11.01, 8);
        String far = Geohash.encode(48.0, 11.1, 8);
        router.setPosition(here);
        router.geo().learn(OTHER, near, new Endpoint("lan", "east"), time.millis());

        // No hop known, a region given: the geographic tier steps towards it.
        assertEquals("geo lan:east", router.forward(DEST, frame(DEST, 1, far), true, true, TrafficOrigin.LOCAL));
        // A copy that came by flood takes no greedy step.
        assertEquals("flood", router.forward(DEST, frame(DEST, 2, far), true, false, TrafficOrigin.LOCAL));
        // A bridge over the overlay comes before the geographic tier; a miss starts a search.
        List<MeshAddress> searched = new ArrayList<>();
        router.setOverlayBridges(new OverlayBridges() {
            @Override
            public List<NextHop> known(MeshAddress destination) {
                return List.of(new NextHop(new Endpoint("lan", "bridge"), OTHER));
            }

            @Override
            public void search(MeshAddress destination, Consumer<MeshAddress> found) {
                searched.add(destination);
            }
        });
        assertEquals("lan:bridge", router.forward(DEST, frame(DEST, 3, far), true, true, TrafficOrigin.LOCAL));
        assertEquals(List.of(), searched, "known from memory: no lookup");
        // A direct neighbour beats all of them.
        heardDirectly(DEST, new Endpoint("lan", "dest"));
        assertEquals("lan:dest", router.forward(DEST, frame(DEST, 4, far), true, true, TrafficOrigin.LOCAL));
        // Far from everyone, with no neighbour nearer: a local minimum, then the flood.
        router.setOverlayBridges(null);
        router.setPosition(near);
        assertEquals("flood", router.forward(OTHER, frame(OTHER, 5, here.substring(0, 5)), true, true, TrafficOrigin.LOCAL));
        assertEquals(Map.of("direct+route", 1L, "overlay", 1L, "geo", 1L, "flood", 2L, "geoLocalMinimum", 1L),
                router.counters());
    }

    @Test
    void aQuietNeighbourIsDroppedAfterItsOwnTransportsTimeout() {
        RecordingTransport lan = add("lan", LAN);
        RecordingTransport lora = add("lora", LORA);
        start();
        Endpoint viaLan = new Endpoint("lan", "relay");
        Endpoint viaLora = new Endpoint("lora", "relay");
        // Each relay is heard once (its announce), then stays quiet.
        lan.receive(viaLan, frame(SELF, 1, null));
        lora.receive(viaLora, frame(SELF, 2, null));
        time.runFor(10);
        router.routes().learn(DEST, viaLan, 2, PreferenceClass.LOCAL_FAST, RouteTable.linkCost(LAN, 0), 100, time.millis());
        router.routes().learn(OTHER, viaLora, 2, PreferenceClass.LOCAL_RADIO, RouteTable.linkCost(LORA, 0), 100,
                time.millis());
        time.runFor(300_000);
        assertEquals(List.of(), router.knownHops(DEST, 100), "the LAN relay is 5 minutes quiet: past 180 s");
        assertEquals(List.of(viaLora), router.knownHops(OTHER, 100), "the LoRa relay is within its hour");
    }

    @Test
    void aDeadLinkOrNeighbourTakesItsRoutesAlong() {
        RecordingTransport lan = add("lan", LAN);
        add("lora", LORA);
        start();
        Endpoint a = new Endpoint("lan", "a");
        Endpoint b = new Endpoint("lora", "b");
        long now = time.millis();
        router.routes().learn(DEST, a, 2, PreferenceClass.LOCAL_FAST, 1, 100, now);
        router.routes().learn(DEST, b, 2, PreferenceClass.LOCAL_RADIO, 40, 100, now);
        heardDirectly(OTHER, b);
        router.neighbourLost(b);
        assertEquals(List.of(a), router.knownHops(DEST, 100));
        assertEquals(List.of(), router.knownHops(OTHER, 100));
        lan.setState(TransportState.FAILED);
        assertEquals(List.of(), router.routes().lookup(DEST, now), "forgotten with its transport");
    }
}
