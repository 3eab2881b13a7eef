package net.sovereignbridge.mesh.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import org.junit.jupiter.api.Test;

class TopicBodyTest {
    @Test
    void roundTripsEveryOrigin() {
        for (TrafficOrigin o : TrafficOrigin.values()) {
            TopicBody b = new TopicBody(1_790_000_000L, o, "a.b_c-9", new byte[] {1, 2, 3});
            TopicBody back = TopicBody.decode(b.encode()).value();
            assertEquals(o, back.origin());
            assertEquals("a.b_c-9", back.topic());
            assertEquals(1_790_000_000L, back.unixSeconds());
            assertArrayEquals(new byte[] {1, 2, 3}, back.message());
        }
    }

    @Test
    void namesAreCheckedWithAReason() {
        assertNull(TopicBody.nameProblem("weather"));
        assertTrue(TopicBody.nameProblem("").contains("empty"));
        assertTrue(TopicBody.nameProblem("a/b").contains("'/'"));
        assertTrue(TopicBody.nameProblem("x".repeat(65)).contains("at most 64"));
        assertThrows(IllegalArgumentException.class, () -> new TopicBody(0, TrafficOrigin.LOCAL, "#", new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new TopicBody(0, TrafficOrigin.LOCAL, "t", new byte[TopicBody.MAX_MESSAGE + 1]));
    }

    @Test
    void hostileBodiesGiveTypedErrorsNeverExceptions() {
        byte[] good = new TopicBody(5, TrafficOrigin.LOCAL, "t", new byte[] {9}).encode();
        byte[] flags = good.clone();
        flags[4] = 0x04;
        assertEquals(DecodeError.MALFORMED_PAYLOAD, ((Decoded.Error<TopicBody>) TopicBody.decode(flags)).reason());
        byte[] longName = good.clone();
        longName[5] = 40;
        assertEquals(DecodeError.TRUNCATED, ((Decoded.Error<TopicBody>) TopicBody.decode(longName)).reason());
        byte[] badChar = good.clone();
        badChar[6] = '+';
        assertFalse(TopicBody.decode(badChar).isOk());
        assertFalse(TopicBody.decode(new byte[6 + 1 + 1 + TopicBody.MAX_MESSAGE + 1]).isOk());
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[r.nextInt(80)];
            r.nextBytes(junk);
            TopicBody.decode(junk); // must not throw
        }
    }

    @Test
    void aChangedByteBreaksTheSignatureButAHopCountChangeDoesNot() {
        NodeIdentity alice = NodeIdentity.fromSeed(new byte[32]);
        byte[] body = new TopicBody(5, TrafficOrigin.DEVICE, "t", "hi".getBytes()).encode();
        MeshFrame f = SignedFrames.sign(alice, FrameType.BROADCAST, null, 1, 8, body);
        assertTrue(SignedFrames.verify(f.forwarded().forwarded(), alice.publicIdentity()).isOk());
        byte[] p = f.payload().clone();
        p[4] = 0; // origin DEVICE -> LOCAL: a relay may not lower the origin
        MeshFrame lowered = new MeshFrame(f.type(), f.flags(), f.hopLimit(), f.hopCount(), null, f.source(),
                f.messageId(), p);
        assertEquals(DecodeError.BAD_SIGNATURE,
                ((Decoded.Error<byte[]>) SignedFrames.verify(lowered, alice.publicIdentity())).reason());
    }

    @Test
    void rateLimitPerOriginRefills() {
        Topics t = new Topics();
        t.setLimits(new Topics.Limits(60, 3));
        MeshAddress a = NodeIdentity.fromSeed(new byte[32]).address();
        MeshAddress b = NodeIdentity.fromSeed(new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}).address();
        for (int i = 0; i < 3; i++) assertTrue(t.admit(a, 0));
        assertFalse(t.admit(a, 0), "burst used up");
        assertTrue(t.admit(b, 0), "another origin has its own bucket");
        assertEquals(1, t.retryAfterSeconds(a));
        assertTrue(t.admit(a, 1_000), "one token per second at 60 per minute");
        assertFalse(t.admit(a, 1_000));
    }

    @Test
    void recentBufferIsBoundedAndOnlySubscribedTopicsAreKept() {
        Topics t = new Topics();
        MeshAddress a = NodeIdentity.fromSeed(new byte[32]).address();
        assertTrue(t.subscribe("kept"));
        java.util.List<TopicMessage> heard = new java.util.ArrayList<>();
        t.addListener(heard::add);
        for (int i = 0; i < Topics.RECENT + 5; i++) {
            t.deliver(message("kept", a, i), null);
            t.deliver(message("ignored", a, i), null);
        }
        assertEquals(Topics.RECENT, t.recent("kept").size());
        assertEquals(5, t.recent("kept").get(0).messageId(), "oldest dropped first");
        assertTrue(t.recent("ignored").isEmpty());
        assertEquals(Topics.RECENT + 5, heard.size(), "listeners hear subscribed topics only");
        Topics.Listener bridge = m -> {
            throw new AssertionError("the injecting bridge must not hear its own message");
        };
        t.addListener(bridge);
        t.deliver(message("kept", a, 99), bridge);
        for (int i = 0; i < Topics.MAX_TOPICS; i++) t.subscribe("t" + i);
        assertFalse(t.subscribe("one-too-many"), "at most " + Topics.MAX_TOPICS + " subscriptions");
    }

    private static TopicMessage message(String topic, MeshAddress from, int id) {
        return new TopicMessage(topic, from, id, java.time.Instant.EPOCH, java.time.Instant.EPOCH, TrafficOrigin.LOCAL, 0,
                false, "x", new byte[] {(byte) id});
    }
}
