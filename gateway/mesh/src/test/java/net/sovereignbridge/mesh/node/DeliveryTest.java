package net.sovereignbridge.mesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.envelope.Envelope;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.link.RecordingTransport;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportProfile;
import org.junit.jupiter.api.Test;

/** End-to-end delivery alone: send into custody and onto the router, retries, ACKs, the inbox. */
class DeliveryTest {
    static final TransportProfile LAN = TransportProfile.of(TransportKind.DUPLEX, 1200, PreferenceClass.LOCAL_FAST);
    final NodeIdentity peer = Parts.identity(9);
    final NodeIdentity stranger = Parts.identity(10);

    static Delivery delivery(Parts p) {
        Delivery d = new Delivery(p.envelope, p.replay, p.peers, p.inbox, p.custody, p.router, p.links, p.rt,
                Delivery.Options.defaults(), 8);
        d.start();
        return d;
    }

    void know(Parts p, NodeIdentity who) throws Exception {
        p.peers.learn(who.publicIdentity(), "peer", p.time.millis() / 1000, p.time.millis());
    }

    MeshFrame ackFrom(NodeIdentity who, Parts p, int acked) {
        byte[] body = ByteBuffer.allocate(8).putInt(acked).putInt((int) (p.time.millis() / 1000)).array();
        return new Envelope(who).seal(FrameType.ACK, p.identity.publicIdentity(), 77, p.time.millis() / 1000, 0, 8,
                body);
    }

    @Test
    void refusesWhatItCannotDeliver() throws Exception {
        try (Parts p = new Parts(1)) {
            p.add("lan", LAN);
            p.start();
            Delivery d = delivery(p);
            SendException unknown = assertThrows(SendException.class,
                    () -> d.send(peer.address(), "x".getBytes(), SendOptions.defaults()));
            assertEquals(SendException.Reason.UNKNOWN_DESTINATION, unknown.reason());
            know(p, peer);
            SendException region = assertThrows(SendException.class,
                    () -> d.send(peer.address(), "x".getBytes(), SendOptions.defaults().withRegion("not a geohash!")));
            assertEquals(SendException.Reason.SEND_FAILED, region.reason());
            SendException big = assertThrows(SendException.class,
                    () -> d.send(peer.address(), new byte[400_000], SendOptions.defaults()));
            assertEquals(SendException.Reason.TOO_LARGE, big.reason());
        }
    }

    @Test
    void aMessageWithoutRouteIsFloodedKeptAndRetriedUntilItsAck() throws Exception {
        try (Parts p = new Parts(2)) {
            RecordingTransport lan = p.add("lan", LAN);
            p.start();
            Delivery d = delivery(p);
            List<StateChange> states = new ArrayList<>();
            d.addStateListener(states::add);
            know(p, peer);
            SendResult sent = d.send(peer.address(), "hello".getBytes(), SendOptions.defaults().withOrigin(TrafficOrigin.DEVICE));
            assertEquals("flood", sent.via());
            assertEquals(MessageState.SENT, sent.state());
            assertEquals(MessageState.SENT, p.custody.ownMessage(p.identity.address(), sent.messageId()).orElseThrow().state());
            assertEquals(1, lan.sent.size());
            assertEquals(TrafficOrigin.DEVICE, lan.sent.get(0).origin(), "the origin reaches the transport");
            // Retries: no route still, so only every fourth attempt floods; each keeps the message's origin.
            p.time.runFor(120_000);
            int floodsBeforeAck = lan.sent.size();
            assertTrue(floodsBeforeAck >= 2, "retried: " + floodsBeforeAck);
            assertTrue(lan.sent.stream().allMatch(s -> s.origin() == TrafficOrigin.DEVICE));

            // A third party cannot acknowledge it: only the destination's sealed ACK counts.
            know(p, stranger);
            d.onAck(p.link("lan"), new Endpoint("lan", "x"), ackFrom(stranger, p, sent.messageId()));
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.MALFORMED_PAYLOAD));
            d.onAck(p.link("lan"), new Endpoint("lan", "x"), ackFrom(peer, p, sent.messageId()));
            assertEquals(List.of(new StateChange(sent.messageId(), peer.address(), MessageState.SENT),
                    new StateChange(sent.messageId(), peer.address(), MessageState.DELIVERED)), states);
            p.time.runFor(600_000);
            assertEquals(floodsBeforeAck, lan.sent.size(), "no retry after the ACK");
        }
    }

    @Test
    void aMessageForUsIsStoredOnceAndAcknowledgedEveryTime() throws Exception {
        try (Parts p = new Parts(3)) {
            RecordingTransport lan = p.add("lan", LAN);
            p.start();
            Delivery d = delivery(p);
            List<Inbox.Message> got = new ArrayList<>();
            d.addDeliveryListener(got::add);
            MeshFrame data = new Envelope(peer).seal(FrameType.DATA, p.identity.publicIdentity(), 5,
                    p.time.millis() / 1000, MeshFrame.FLAG_WANT_ACK, 8, "to you".getBytes());
            Endpoint from = new Endpoint("lan", "peer");
            d.onData(p.link("lan"), from, data);
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.UNKNOWN_SENDER), "no key yet: dropped");
            know(p, peer);
            d.onData(p.link("lan"), from, data);
            d.onData(p.link("lan"), from, data); // our ACK was lost: the sender repeats
            p.time.runFor(10);
            assertEquals(1, got.size());
            assertEquals("to you", new String(got.get(0).body()));
            assertEquals(1, p.inbox.count());
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.DUPLICATE));
            List<MeshFrame> acks = lan.frames().stream().filter(f -> f.type() == FrameType.ACK).toList();
            assertEquals(2, acks.size(), "both copies acknowledged");
            // Heard directly: the ACK goes back as a unicast hop to the sender, not as a flood.
            assertTrue(lan.sent.stream().filter(s -> s.decoded() != null).allMatch(s -> s.to().equals(from)));
        }
    }
}
