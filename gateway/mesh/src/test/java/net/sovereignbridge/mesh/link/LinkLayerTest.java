package net.sovereignbridge.mesh.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.HopAck;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.sim.VirtualTime;
import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The link layer alone, over recording transports in virtual time: what reaches the air and what goes up. */
class LinkLayerTest {
    static final MeshAddress SELF = LinkFixture.identity(1).address();
    static final MeshAddress PEER = LinkFixture.identity(2).address();
    static final TransportProfile LAN = TransportProfile.of(TransportKind.DUPLEX, 255, PreferenceClass.LOCAL_FAST);

    final LinkFixture fixture = new LinkFixture();
    final VirtualTime time = fixture.time;
    final TransportManager manager = fixture.manager;
    final List<String> up = new ArrayList<>();
    LinkLayer links;

    @AfterEach
    void close() {
        fixture.close();
    }

    RecordingTransport add(String id, TransportProfile p) {
        return fixture.add(id, p);
    }

    LinkLayer start() {
        return start(time.executor());
    }

    /** Starts the link layer; what it hands up is written to {@link #up}. */
    LinkLayer start(java.util.concurrent.ExecutorService receiveThread) {
        links = fixture.start(SELF, new LinkLayer.Receiver() {
            @Override
            public void onFrame(Link link, Endpoint from, MeshFrame frame, LinkQuality quality) {
                up.add("frame " + frame.type() + " " + frame.messageId() + " from " + from);
            }

            @Override
            public void onLinkState(Link link, TransportState state) {
                up.add(link.id() + " " + state);
            }

            @Override
            public void onNewNeighbour(Link link, Endpoint neighbour) {
                up.add("neighbour " + neighbour);
            }

            @Override
            public void onNeighbourLost(Endpoint neighbour) {
                up.add("lost " + neighbour);
            }
        }, receiveThread);
        return links;
    }

    static byte[] data(MeshAddress from, MeshAddress to, int id, int payloadBytes, boolean hopAck) {
        byte[] f = FrameCodec.encode(new MeshFrame(FrameType.DATA, 0, 8, 0, to, from, id, new byte[payloadBytes]));
        return FrameCodec.withHopAck(f, hopAck);
    }

    @Test
    void aFrameOverTheMtuLeavesAsFragmentsAndComesBackWhole() {
        RecordingTransport lan = add("lan", LAN);
        start();
        byte[] big = data(SELF, PEER, 42, 600, false);
        Endpoint peer = new Endpoint("lan", "peer");
        assertTrue(links.send(peer, big, TrafficOrigin.DEVICE));
        assertEquals(3, lan.sent.size(), "600 bytes in 250-byte chunks");
        assertTrue(lan.sent.stream().allMatch(s -> s.isFragment() && s.origin() == TrafficOrigin.DEVICE));
        // The same fragments, arriving from the peer (as if it had sent them), are one frame again.
        byte[] fromPeer = data(PEER, SELF, 43, 600, false);
        lan.sent.clear();
        assertTrue(links.send(peer, fromPeer, TrafficOrigin.LOCAL));
        lan.sent.forEach(s -> lan.receive(peer, s.frame()));
        time.runFor(10);
        assertEquals(List.of("lan ACTIVE", "frame DATA 43 from lan:peer"), up);
    }

    @Test
    void aHopIsAcknowledgedOnlyWhereTheMediumCanAddressTheNeighbour() {
        RecordingTransport lan = add("lan", LAN);
        RecordingTransport air = add("air", TransportProfile.of(TransportKind.BROADCAST, 255, PreferenceClass.LOCAL_SLOW)
                .withUnicast(false).withHopAcks(false));
        RecordingTransport sat = add("sat", TransportProfile.of(TransportKind.RECEIVE_ONLY, 255, PreferenceClass.GLOBAL));
        start();
        lan.receive(new Endpoint("lan", "peer"), data(PEER, MeshAddress.of(new byte[16], 0), 1, 10, true));
        air.receive(new Endpoint("air", "peer"), data(PEER, MeshAddress.of(new byte[16], 0), 2, 10, true));
        sat.receive(new Endpoint("sat", "peer"), data(PEER, MeshAddress.of(new byte[16], 0), 3, 10, true));
        time.runFor(10);
        assertEquals(1, lan.sent.size());
        assertTrue(lan.sent.get(0).isHopAck());
        assertEquals(new HopAck(PEER, 1, FrameType.DATA.code), HopAck.decode(lan.sent.get(0).frame()).value());
        assertEquals(List.of(), air.sent, "a broadcast-only medium cannot answer one neighbour");
        assertEquals(List.of(), sat.sent, "a receive-only medium never sends");
        assertEquals(3, up.stream().filter(s -> s.startsWith("frame")).count(), "all three go up");
    }

    @Test
    void anUnacknowledgedHopIsRetransmittedThenMovesOnAndItsSilentNeighbourIsReported() {
        RecordingTransport lan = add("lan", LAN);
        start();
        Endpoint a = new Endpoint("lan", "a");
        Endpoint b = new Endpoint("lan", "b");
        for (int round = 0; round < HopAcks.SILENT_ROUNDS_UNTIL_GONE; round++) {
            lan.sent.clear();
            links.sendHop(data(SELF, PEER, 100 + round, 10, false), List.of(a, b), TrafficOrigin.LOCAL);
            time.runFor(10_000);
            List<Endpoint> to = lan.sent.stream().map(RecordingTransport.Sent::to).toList();
            assertEquals(List.of(a, a, a, b, b, b), to, "three tries each, in candidate order");
            assertTrue(lan.sent.stream().allMatch(s -> FrameCodec.wantsHopAck(s.frame())));
        }
        assertEquals(List.of("lost lan:a", "lost lan:b"), up.stream().filter(s -> s.startsWith("lost")).toList());

        // An answer stops the retransmissions.
        lan.sent.clear();
        links.sendHop(data(SELF, PEER, 200, 10, false), List.of(a, b), TrafficOrigin.LOCAL);
        lan.receive(a, new HopAck(SELF, 200, FrameType.DATA.code).encode());
        time.runFor(10_000);
        assertEquals(1, lan.sent.size());
    }

    @Test
    void anAirtimeGovernedLinkRetransmitsButNeverReportsANeighbourLost() {
        RecordingTransport radio = add("radio", TransportProfile.of(TransportKind.BROADCAST, 255,
                PreferenceClass.LOCAL_RADIO).withBitrate(50_000).withAirtime(AirtimeBudget.ofBitrate(50_000, 0.01)));
        start();
        Endpoint a = new Endpoint("radio", "a");
        for (int round = 0; round < 4; round++) {
            links.sendHop(data(SELF, PEER, round, 10, false), List.of(a), TrafficOrigin.LOCAL);
            time.runFor(10_000);
        }
        assertEquals(12, radio.sent.size());
        assertTrue(up.stream().noneMatch(s -> s.startsWith("lost")), up.toString());
    }

    @Test
    void aLinkWithoutHopAcksCarriesAHopOnceWithoutTheFlag() {
        RecordingTransport overlay = add("overlay", TransportProfile.of(TransportKind.DUPLEX, 1200,
                PreferenceClass.GLOBAL).withHopAcks(false));
        start();
        links.sendHop(data(SELF, PEER, 9, 10, false), List.of(new Endpoint("overlay", "x")), TrafficOrigin.INTERNET);
        time.runFor(10_000);
        assertEquals(1, overlay.sent.size());
        assertFalse(FrameCodec.wantsHopAck(overlay.sent.get(0).frame()));
        assertEquals(TrafficOrigin.INTERNET, overlay.sent.get(0).origin());
    }

    @Test
    void nothingIsSentOnAMediumThatCannotSendOrALinkThatIsDown() {
        RecordingTransport sat = add("sat", TransportProfile.of(TransportKind.RECEIVE_ONLY, 255, PreferenceClass.GLOBAL));
        RecordingTransport lan = add("lan", LAN);
        start();
        assertFalse(links.send(Endpoint.broadcast("sat"), data(SELF, PEER, 1, 10, false), TrafficOrigin.LOCAL));
        assertFalse(links.link("sat").orElseThrow().canSend());
        assertFalse(links.usable(new Endpoint("sat", "x"), 10));
        lan.setState(TransportState.FAILED);
        assertFalse(links.send(Endpoint.broadcast("lan"), data(SELF, PEER, 2, 10, false), TrafficOrigin.LOCAL));
        assertFalse(links.usable(new Endpoint("lan", "x"), 10));
        assertEquals(List.of(), sat.sent);
        assertEquals(List.of(), lan.sent);
        assertEquals(0, manager.counters("sat").sendFailures.get(), "not even tried");
    }

    @Test
    void aNeighbourStaysAliveForItsOwnTransportsTimeout() {
        RecordingTransport lan = add("lan", LAN.withNeighbourTimeout(180_000));
        RecordingTransport radio = add("radio", TransportProfile.of(TransportKind.BROADCAST, 255,
                PreferenceClass.LOCAL_RADIO).withNeighbourTimeout(3_600_000));
        start();
        Endpoint l = new Endpoint("lan", "n");
        Endpoint r = new Endpoint("radio", "n");
        lan.receive(l, data(PEER, SELF, 1, 10, false));
        radio.receive(r, data(PEER, SELF, 2, 10, false));
        time.runFor(300_000);
        long now = time.millis();
        assertFalse(links.alive(l, now), "5 minutes quiet on a 3-minute LAN timeout");
        assertTrue(links.alive(r, now), "5 minutes quiet on LoRa's hour");
        time.runFor(3_400_000);
        assertFalse(links.alive(r, time.millis()));
        assertTrue(links.alive(new Endpoint("radio", "never-heard"), time.millis()), "no evidence, no verdict");
    }

    @Test
    void ourEchoIsIgnoredAndAnOversizeFrameIsCounted() {
        RecordingTransport lan = add("lan", LAN);
        start();
        lan.receive(new Endpoint("lan", "p"), data(SELF, PEER, 5, 10, false));
        lan.receive(new Endpoint("lan", "p"), new byte[256]);
        time.runFor(10);
        assertEquals(List.of("lan ACTIVE"), up);
        assertEquals(1, manager.counters("lan").drops(DecodeError.OVERSIZE));
    }

    @Test
    void fragmentSetsGivenUpAreCountedAsEvictedOrExpired() {
        RecordingTransport lan = add("lan", LAN);
        start();
        Endpoint p = new Endpoint("lan", "p");
        byte[] big = data(PEER, SELF, 1, 600, false);
        // First fragments of ten sets from one sender: it may hold eight, so its two oldest are given up.
        for (int set = 1; set <= 10; set++) {
            lan.receive(p, net.sovereignbridge.mesh.frame.Fragmenter.split(big, 255, set).get(0));
        }
        time.runFor(10);
        assertEquals(2, manager.counters("lan").drops(DecodeError.FRAGMENT_SET_EVICTED));
        assertEquals(0, manager.counters("lan").drops(DecodeError.FRAGMENT_SET_EXPIRED));
        // The other eight never complete: once the reassembly timeout has passed they are counted as expired.
        time.runFor(31_000);
        lan.receive(p, net.sovereignbridge.mesh.frame.Fragmenter.split(big, 255, 11).get(0));
        time.runFor(10);
        assertEquals(8, manager.counters("lan").drops(DecodeError.FRAGMENT_SET_EXPIRED));
        assertEquals(2, manager.counters("lan").drops(DecodeError.FRAGMENT_SET_EVICTED));
    }

    @Test
    void aFullReceiveQueueIsCountedAsSuch() throws Exception {
        RecordingTransport lan = add("lan", LAN);
        ThreadPoolExecutor receive = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1));
        CountDownLatch blocked = new CountDownLatch(1);
        try {
            start(receive);
            receive.execute(() -> {
                try {
                    blocked.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            byte[] f = data(PEER, SELF, 1, 10, false);
            // One waits in the queue behind the blocked task, the other two find it full.
            for (int i = 0; i < 3; i++) lan.receive(new Endpoint("lan", "p"), f);
            assertEquals(2, manager.counters("lan").drops(DecodeError.RECEIVE_QUEUE_FULL));
            assertEquals(0, manager.counters("lan").drops(DecodeError.REASSEMBLY_LIMIT));
        } finally {
            blocked.countDown();
            receive.shutdown();
        }
    }

    @Test
    void neighbourReportsGoUpOnlyWhileRunning() {
        RecordingTransport lan = add("lan", LAN);
        start();
        lan.neighbourUp(new Endpoint("lan", "n1"));
        links.stop();
        lan.neighbourUp(new Endpoint("lan", "n2"));
        assertEquals(List.of("lan ACTIVE", "neighbour lan:n1"), up);
    }
}
