package net.sovereignbridge.mesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.link.RecordingTransport;
import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportProfile;
import org.junit.jupiter.api.Test;

/** The announcer's capability rules, in virtual time: where announces go, how often, within which airtime. */
class AnnouncerTest {
    static final TransportProfile LAN = TransportProfile.of(TransportKind.DUPLEX, 1200, PreferenceClass.LOCAL_FAST);
    static final long HOUR = 3_600_000;

    static Announcer announcer(Parts p) {
        return new Announcer(p.identity, p.links, p.router, p.rt, Announcer.Options.defaults(), 8, 400, 100);
    }

    static long announces(RecordingTransport t) {
        return t.frames().stream().filter(f -> f.type() == FrameType.ANNOUNCE).count();
    }

    @Test
    void periodicAnnouncesFollowEachLinksCapabilities() throws Exception {
        try (Parts p = new Parts(1)) {
            RecordingTransport lan = p.add("lan", LAN);
            RecordingTransport lora = p.add("lora", TransportProfile.of(TransportKind.BROADCAST, 255,
                    PreferenceClass.LOCAL_RADIO).withBitrate(50_000).withAirtime(AirtimeBudget.ofBitrate(50_000, 0.01)));
            RecordingTransport sat = p.add("sat", TransportProfile.of(TransportKind.RECEIVE_ONLY, 255,
                    PreferenceClass.GLOBAL));
            p.start();
            announcer(p).start();
            p.time.runFor(HOUR + 1_500);
            assertEquals(121, announces(lan), "at 1 s, then every 30 s until 3601 s");
            assertEquals(5, announces(lora), "at 1 s, then every 15 minutes on an airtime-governed link, until 3601 s");
            assertEquals(List.of(), sat.sent, "never on a receive-only medium");
            assertTrue(lan.sent.stream().allMatch(s -> s.to().isBroadcast()));
        }
    }

    @Test
    void aGreetingGoesToANewNeighbourOnADuplexLinkWithoutAnAirtimeBudgetOnly() throws Exception {
        try (Parts p = new Parts(2)) {
            RecordingTransport lan = p.add("lan", LAN);
            RecordingTransport lora = p.add("lora", TransportProfile.of(TransportKind.BROADCAST, 255,
                    PreferenceClass.LOCAL_RADIO));
            RecordingTransport metered = p.add("metered", LAN.withAirtime(AirtimeBudget.ofBitrate(1_000_000, 0.5)));
            p.start();
            Announcer a = announcer(p);
            Endpoint peer = new Endpoint("lan", "peer");
            a.greet(p.link("lan"), peer);
            a.greet(p.link("lan"), peer); // a reconnect loop: no second greeting within 10 s
            a.greet(p.link("lora"), new Endpoint("lora", "peer"));
            a.greet(p.link("metered"), new Endpoint("metered", "peer"));
            p.time.runFor(100);
            assertEquals(1, lan.sent.size());
            assertEquals(peer, lan.sent.get(0).to(), "unicast to the newcomer");
            assertEquals(FrameType.ANNOUNCE, lan.frames().get(0).type());
            assertEquals(List.of(), lora.sent, "a broadcast medium hears the periodic announce");
            assertEquals(List.of(), metered.sent, "an airtime budget gets no greeting");
            p.time.runFor(AnnounceReplies.GAP_MS);
            a.greet(p.link("lan"), peer);
            p.time.runFor(100);
            assertEquals(2, lan.sent.size());
        }
    }

    /**
     * Strangers from 1000 new endpoints, each greeted and then answering with an announce: one limit for both
     * replies. An endpoint gets one reply, never two; at most the burst leaves at once, then the rate per second
     * in virtual time, however many endpoints ask; the memory of endpoints stays bounded.
     */
    @Test
    void repliesToNewEndpointsStayWithinOneLimitPerEndpointAndInTotal() throws Exception {
        try (Parts p = new Parts(4)) {
            RecordingTransport lan = p.add("lan", LAN);
            p.start();
            Announcer a = announcer(p);
            for (int i = 0; i < 500; i++) {
                Endpoint e = new Endpoint("lan", "stranger-" + i);
                a.greet(p.link("lan"), e);
                a.answer(p.link("lan"), e);
            }
            p.time.runFor(100);
            assertEquals(AnnounceReplies.BURST, lan.sent.size(), "the burst, at once");
            assertEquals(AnnounceReplies.BURST, lan.sent.stream().map(s -> s.to()).distinct().count(),
                    "one reply per endpoint");
            // 500 more over 10 s of virtual time: the rate refills, nothing more.
            for (int i = 0; i < 500; i++) {
                Endpoint e = new Endpoint("lan", "later-" + i);
                a.greet(p.link("lan"), e);
                a.answer(p.link("lan"), e);
                p.time.runFor(20);
            }
            p.time.runFor(100);
            long later = lan.sent.size() - AnnounceReplies.BURST;
            long allowed = AnnounceReplies.PER_SECOND * 10 + 2;
            assertTrue(later <= allowed && later >= allowed - 4, later + " replies in 10 s, about " + allowed);
            assertEquals(2000, a.replies().sent() + a.replies().refused(), "every request counted");
            assertEquals(lan.sent.size(), a.replies().sent());
        }
    }

    /**
     * An acoustic link: 100 bit/s, broadcast only, a budget of the whole hour (a shared channel, no duty cycle).
     * Its announces, periodic and forced every minute for three hours, stay within 2 % of every hour and use
     * at least half of it.
     */
    @Test
    void aSlowBroadcastMediumGetsAnAnnounceBudgetFromItsAirtimeBudget() throws Exception {
        try (Parts p = new Parts(3)) {
            long bitrate = 100;
            RecordingTransport audio = p.add("audio", TransportProfile.of(TransportKind.BROADCAST, 64,
                    PreferenceClass.LOCAL_SLOW).withBitrate(bitrate).withUnicast(false).withHopAcks(false)
                    .withAirtime(AirtimeBudget.ofBitrate(bitrate, 1.0)));
            p.start();
            Announcer a = announcer(p);
            a.start();
            a.greet(p.link("audio"), new Endpoint("audio", "someone"));
            long[] bytesAt = new long[4];
            for (int hour = 0; hour < 3; hour++) {
                bytesAt[hour] = bytes(audio);
                for (int minute = 0; minute < 60; minute++) {
                    a.announce();
                    p.time.runFor(60_000);
                }
            }
            bytesAt[3] = bytes(audio);
            double allowed = 3600 * Announcer.Options.defaults().airtimeShare();
            for (int hour = 0; hour < 3; hour++) {
                double seconds = (bytesAt[hour + 1] - bytesAt[hour]) * 8.0 / bitrate;
                assertTrue(seconds <= allowed, "hour " + hour + ": " + seconds + " s of announces, allowed " + allowed);
                assertTrue(seconds >= allowed / 2, "hour " + hour + ": only " + seconds + " s");
            }
            assertTrue(audio.sent.stream().allMatch(s -> s.to().isBroadcast()), "no unicast on a broadcast-only medium");
            assertTrue(a.airtime().refused("audio") > 100, "most forced announces were held back");
        }
    }

    private static long bytes(RecordingTransport t) {
        return t.sent.stream().mapToLong(s -> s.frame().length).sum();
    }
}
