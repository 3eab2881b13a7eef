package net.sovereignbridge.mesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.link.RecordingTransport;
import net.sovereignbridge.mesh.topics.TopicBody;
import net.sovereignbridge.mesh.topics.TopicMessage;
import net.sovereignbridge.mesh.topics.Topics;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportProfile;
import org.junit.jupiter.api.Test;

/** Topics on the air alone: published on links that can send, received once, within their origin's rate. */
class TopicFloodPartTest {
    static final TransportProfile LAN = TransportProfile.of(TransportKind.DUPLEX, 1200, PreferenceClass.LOCAL_FAST);
    final NodeIdentity sender = Parts.identity(40);

    static TopicFlood topicFlood(Parts p, Topics topics) {
        return new TopicFlood(p.identity, p.peers, p.replay, topics, p.router, p.links, p.rt, 8);
    }

    MeshFrame topicFrame(int id, long unixSeconds, String text) {
        return SignedFrames.sign(sender, FrameType.BROADCAST, null, id, 8,
                new TopicBody(unixSeconds, TrafficOrigin.DEVICE, "sensors", text.getBytes()).encode());
    }

    @Test
    void ownMessagesAreFloodedOnLinksThatCanSendAndRateLimited() throws Exception {
        try (Parts p = new Parts(1)) {
            RecordingTransport lan = p.add("lan", LAN);
            RecordingTransport sat = p.add("sat", TransportProfile.of(TransportKind.RECEIVE_ONLY, 255, PreferenceClass.GLOBAL));
            p.start();
            Topics topics = new Topics();
            topics.subscribe("sensors");
            List<TopicMessage> local = new ArrayList<>();
            topics.addListener(local::add);
            TopicFlood t = topicFlood(p, topics);
            t.publish("sensors", "21.5".getBytes(), TrafficOrigin.DEVICE, null);
            assertEquals(1, lan.frames().size());
            assertEquals(TrafficOrigin.DEVICE, lan.sent.get(0).origin());
            assertEquals(List.of(), sat.sent);
            assertEquals(1, local.size(), "our own subscribers hear it too");
            for (int i = 1; i < Topics.Limits.defaults().burst(); i++) t.publish("sensors", new byte[1], TrafficOrigin.LOCAL, null);
            SendException limited = assertThrows(SendException.class,
                    () -> t.publish("sensors", new byte[1], TrafficOrigin.LOCAL, null));
            assertEquals(SendException.Reason.RATE_LIMITED, limited.reason());
            assertEquals(SendException.Reason.INVALID, assertThrows(SendException.class,
                    () -> t.publish("bad topic/#", new byte[1], TrafficOrigin.LOCAL, null)).reason());
        }
    }

    @Test
    void othersMessagesAreVerifiedDeliveredOnceAndRelayedOnce() throws Exception {
        try (Parts p = new Parts(2)) {
            RecordingTransport lan = p.add("lan", LAN);
            p.start();
            Topics topics = new Topics();
            topics.subscribe("sensors");
            List<TopicMessage> got = new ArrayList<>();
            topics.addListener(got::add);
            TopicFlood t = topicFlood(p, topics);
            Endpoint from = new Endpoint("lan", "n");
            long now = p.time.millis() / 1000;
            t.receive(p.link("lan"), from, topicFrame(1, now, "unknown"), LinkQuality.UNKNOWN);
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.UNKNOWN_SENDER));
            p.peers.learn(sender.publicIdentity(), "s", now, p.time.millis());
            t.receive(p.link("lan"), from, topicFrame(2, now, "hello"), LinkQuality.UNKNOWN);
            t.receive(p.link("lan"), new Endpoint("lan", "m"), topicFrame(2, now, "hello"), LinkQuality.UNKNOWN);
            t.receive(p.link("lan"), from, topicFrame(3, now - TopicFlood.MAX_AGE_SECONDS - 1, "old"), LinkQuality.UNKNOWN);
            p.time.runFor(1_000);
            assertEquals(List.of("hello"), got.stream().map(m -> new String(m.body())).toList());
            assertEquals(TrafficOrigin.DEVICE, got.get(0).origin(), "the origin travels with the message");
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.DUPLICATE));
            assertEquals(1, p.manager.counters("lan").drops(DecodeError.STALE));
            assertEquals(1, lan.frames().size(), "relayed once");
            assertTrue(lan.sent.get(0).to().isBroadcast());
        }
    }
}
