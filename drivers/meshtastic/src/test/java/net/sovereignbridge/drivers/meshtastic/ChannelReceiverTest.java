package net.sovereignbridge.drivers.meshtastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Receiving on LongFast: hostile input, replays, hop limits, relaying by our policy. */
class ChannelReceiverTest {
    private static final int US = 0x0BAD1DEA;
    private static final int THEM = 0xDEADBEEF;
    private static final Channel LONG_FAST = Channel.defaultChannel();
    private final AtomicLong now = new AtomicLong();

    private ChannelReceiver receiver(int maxRelayHopLimit) {
        return new ChannelReceiver(US, List.of(LONG_FAST), new PacketHistory(1000, now::get), maxRelayHopLimit);
    }

    private static byte[] text(int to, int from, int id, int hopLimit, int hopStart, String text) {
        PacketHeader h = new PacketHeader(to, from, id, hopLimit, false, false, hopStart, LONG_FAST.hash(), 0, 0);
        return MeshtasticCodec.seal(h, Data.text(text).withBitfield(Data.OK_TO_MQTT), LONG_FAST);
    }

    @Test
    void aTextBroadcastIsAcceptedOnceAndItsReplayIsADuplicate() {
        ChannelReceiver r = receiver(0);
        byte[] frame = text(PacketHeader.BROADCAST, THEM, 0x1234, 3, 3, "hello mesh");
        var a = assertInstanceOf(ChannelReceiver.Accepted.class, r.receive(frame));
        assertEquals("hello mesh", a.opened().data().text());
        assertTrue(a.opened().data().okToMqtt());
        assertFalse(a.forUs());
        assertTrue(a.relay().isEmpty(), "relaying is off by default");
        assertEquals(new ChannelReceiver.Duplicate(THEM, 0x1234), r.receive(frame));
        // a relayed copy (hop limit lowered, relay byte set) is the same packet
        byte[] copy = frame.clone();
        copy[12] = (byte) ((copy[12] & ~7) | 2);
        copy[15] = 0x42;
        assertEquals(new ChannelReceiver.Duplicate(THEM, 0x1234), r.receive(copy));
    }

    @Test
    void aDirectMessageToOurNodeIsForUsAndNeverRelayed() {
        var a = assertInstanceOf(ChannelReceiver.Accepted.class, receiver(3).receive(text(US, THEM, 7, 3, 3, "hi")));
        assertTrue(a.forUs());
        assertTrue(a.relay().isEmpty());
    }

    @Test
    void hostileFramesAreRejectedWithTheReasonAndDoNotPoisonTheHistory() {
        ChannelReceiver r = receiver(0);
        byte[] genuine = text(PacketHeader.BROADCAST, THEM, 99, 3, 3, "genuine");
        byte[] wrongHash = genuine.clone();
        wrongHash[13] = (byte) (LONG_FAST.hash() ^ 0x01);
        var rej = assertInstanceOf(ChannelReceiver.Rejected.class, r.receive(wrongHash));
        assertInstanceOf(MeshtasticException.WrongChannel.class, rej.problem());
        assertTrue(rej.problem().getMessage().contains("hash 0x09"), rej.problem().getMessage());
        assertInstanceOf(MeshtasticException.Truncated.class,
                ((ChannelReceiver.Rejected) r.receive(Arrays.copyOf(genuine, 10))).problem());
        // the header intact, the protobuf cut inside the payload field (portnum, then the tag of a field whose
        // length is missing). Cut at a field boundary it would be a valid shorter Data: AES-CTR has no MAC.
        var cut = assertInstanceOf(ChannelReceiver.Rejected.class, r.receive(Arrays.copyOf(genuine, 19)));
        assertTrue(cut.problem().getMessage().contains("Data"), cut.problem().getMessage());
        // garbage under the genuine (from, id) first: rejected, and the genuine packet is still accepted after it
        byte[] forged = genuine.clone();
        for (int i = 16; i < forged.length; i++) forged[i] ^= 0x5A;
        assertInstanceOf(ChannelReceiver.Rejected.class, r.receive(forged));
        assertInstanceOf(ChannelReceiver.Accepted.class, r.receive(genuine));
        byte[] hops9 = genuine.clone();
        hops9[12] = (byte) 0xFF; // hop limit 7, want-ack, via MQTT, hop start 7: legal bits, same (from, id)
        assertInstanceOf(ChannelReceiver.Duplicate.class, r.receive(hops9), "same (from, id) whatever the flags");
    }

    @Test
    void relayingLowersTheHopLimitCapsHopSevenFloodsAndStopsAtZero() throws Exception {
        ChannelReceiver r = receiver(3);
        var a = assertInstanceOf(ChannelReceiver.Accepted.class,
                r.receive(text(PacketHeader.BROADCAST, THEM, 1, 3, 3, "three hops")));
        PacketHeader relayed = RadioFrame.decode(a.relay().orElseThrow()).header();
        assertEquals(2, relayed.hopLimit());
        assertEquals(3, relayed.hopStart(), "hop start is the originator's");
        assertEquals(US & 0xFF, relayed.relayNode());
        assertEquals("three hops", MeshtasticCodec.open(a.relay().get(), List.of(LONG_FAST)).data().text(),
                "the payload travels on as it came");

        var flood = assertInstanceOf(ChannelReceiver.Accepted.class,
                r.receive(text(PacketHeader.BROADCAST, THEM, 2, 7, 7, "seven hops")));
        assertEquals(3, RadioFrame.decode(flood.relay().orElseThrow()).header().hopLimit(),
                "a hop-limit-7 packet leaves us with our cap, not 6");

        var last = assertInstanceOf(ChannelReceiver.Accepted.class,
                r.receive(text(PacketHeader.BROADCAST, THEM, 3, 0, 3, "no hops left")));
        assertTrue(last.relay().isEmpty());
        // a hop-limit-7 flood of copies of one packet: accepted and relayed once, every other copy a duplicate
        byte[] f = text(PacketHeader.BROADCAST, 0x77777777, 4, 7, 7, "flood");
        assertTrue(((ChannelReceiver.Accepted) r.receive(f)).relay().isPresent());
        for (int i = 0; i < 50; i++) assertInstanceOf(ChannelReceiver.Duplicate.class, r.receive(f));
    }

    @Test
    void ourOwnPacketComingBackIsIgnored() {
        ChannelReceiver r = receiver(3);
        assertInstanceOf(ChannelReceiver.Ignored.class, r.receive(text(PacketHeader.BROADCAST, US, 5, 2, 3, "mine")));
    }
}
