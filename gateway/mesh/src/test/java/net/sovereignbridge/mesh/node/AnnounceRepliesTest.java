package net.sovereignbridge.mesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.sovereignbridge.mesh.transport.Endpoint;
import org.junit.jupiter.api.Test;

/** The announce reply limit on its own, on a clock the test moves. */
class AnnounceRepliesTest {
    @Test
    void oneReplyPerEndpointPerGapAndTheTotalRate() {
        AnnounceReplies r = new AnnounceReplies();
        Endpoint e = new Endpoint("lan", "10.0.0.1:4242");
        assertTrue(r.tryTake(e, 0));
        assertFalse(r.tryTake(e, AnnounceReplies.GAP_MS - 1), "within the gap");
        assertTrue(r.tryTake(e, AnnounceReplies.GAP_MS), "after the gap");
        assertEquals(new AnnounceReplies.Counters(2, 1), r.counters());
    }

    @Test
    void aHundredThousandEndpointsOverSeventeenMinutesGetTheRateAndAreForgotten() {
        AnnounceReplies r = new AnnounceReplies();
        long now = 0;
        int allowed = 0;
        int maxRemembered = 0;
        for (int i = 0; i < 100_000; i++) {
            if (r.tryTake(new Endpoint("lan", "stranger-" + i), now)) allowed++;
            maxRemembered = Math.max(maxRemembered, r.remembered());
            now += 10;
        }
        long seconds = now / 1000;
        assertTrue(allowed <= AnnounceReplies.BURST + AnnounceReplies.PER_SECOND * seconds, allowed + " replies");
        assertTrue(allowed >= AnnounceReplies.PER_SECOND * (seconds - 1), allowed + " replies: the rate is used");
        int bound = 2 * (AnnounceReplies.BURST + (int) (AnnounceReplies.PER_SECOND * AnnounceReplies.GAP_MS / 1000));
        assertTrue(maxRemembered <= bound, maxRemembered + " endpoints remembered, bound " + bound);
    }

    @Test
    void aClockThatGoesBackRefillsNothing() {
        AnnounceReplies r = new AnnounceReplies();
        for (int i = 0; i < AnnounceReplies.BURST; i++) assertTrue(r.tryTake(new Endpoint("lan", "e" + i), 1_000_000));
        assertFalse(r.tryTake(new Endpoint("lan", "x"), 1_000_000), "burst used");
        assertFalse(r.tryTake(new Endpoint("lan", "y"), 0), "the clock went back");
        assertTrue(r.tryTake(new Endpoint("lan", "z"), 1_000_125), "one token after 125 ms");
    }
}
