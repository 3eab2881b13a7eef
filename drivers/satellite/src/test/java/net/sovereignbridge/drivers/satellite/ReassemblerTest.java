package net.sovereignbridge.drivers.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packets framed by the Blockstream sender peer (real zfec), damaged on the way, reassembled. */
class ReassemblerTest {
    @TempDir Path dir;
    final ReceiverStats stats = new ReceiverStats();
    final Reassembler reassembler = new Reassembler(Reassembler.DEFAULT_EXPIRY_MILLIS, Reassembler.DEFAULT_MAX_PENDING_BYTES, stats);

    private byte[] encapsulated(String name, int size, long seed) throws Exception {
        byte[] payload = new byte[size];
        new Random(seed).nextBytes(payload);
        return new ApiMessage(name, payload).encapsulate();
    }

    private List<byte[]> frame(byte[] data, long seq, double overhead) throws Exception {
        Path f = dir.resolve("msg-" + seq);
        Files.write(f, data);
        return RealPeer.frame(dir, f, 1, seq, overhead);
    }

    private List<ReceivedMessage> feed(List<byte[]> grams, long now) throws Exception {
        List<ReceivedMessage> out = new ArrayList<>();
        for (byte[] g : grams) {
            Optional<ReceivedMessage> m = reassembler.accept(BlockstreamPacket.parse(g, 0, g.length), now);
            m.ifPresent(out::add);
        }
        return out;
    }

    @Test void fecMessageSurvivesTenPercentLossReorderAndDuplicates() throws Exception {
        byte[] data = encapsulated("hello.bin", 700_000, 1); // 3 FEC objects at 25 % overhead
        List<byte[]> grams = new ArrayList<>(frame(data, 7, 0.25));
        Random r = new Random(2);
        List<byte[]> damaged = new ArrayList<>();
        for (byte[] g : grams) {
            if (r.nextDouble() < 0.10) continue;
            damaged.add(g);
            if (r.nextDouble() < 0.05) damaged.add(g);
        }
        Collections.shuffle(damaged, r);
        List<ReceivedMessage> got = feed(damaged, 1000);
        assertEquals(1, got.size(), "delivered exactly once; " + stats);
        assertTrue(got.get(0).fecDecoded());
        assertArrayEquals(data, got.get(0).data());
        ApiMessage m = ApiMessage.decapsulate(got.get(0).data());
        assertEquals("hello.bin", m.fileName());
        assertEquals(0, reassembler.pendingMessages());
        assertEquals(0, reassembler.pendingBytes());
    }

    @Test void fecDecodesBeforeTheLastFragment() throws Exception {
        byte[] data = encapsulated("early", 50_000, 3);
        List<byte[]> grams = frame(data, 8, 0.25);
        List<ReceivedMessage> got = feed(grams.subList(0, grams.size() - 1), 0); // the last fragment never comes
        assertEquals(1, got.size());
        assertArrayEquals(data, got.get(0).data());
    }

    @Test void plainMessageReorderedAndDuplicated() throws Exception {
        byte[] data = encapsulated("plain.txt", 20_000, 4);
        List<byte[]> grams = new ArrayList<>(frame(data, 9, 0));
        grams.addAll(grams.subList(0, 3));
        Collections.shuffle(grams, new Random(5));
        List<ReceivedMessage> got = feed(grams, 0);
        assertEquals(1, got.size());
        assertTrue(!got.get(0).fecDecoded());
        assertArrayEquals(data, got.get(0).data());
        assertEquals(3, stats.duplicateFragments.sum());
        assertEquals(1, feed(frame(data, 10, 0), 0).size(), "a repeated broadcast with a new sequence is a new message; the layer above deduplicates");
    }

    /**
     * A fragment numbered beyond the last one, sent before the last one: it is no part of the message. Found by
     * SatelliteFuzzTest#reassembly: fragments 0 and 5, then 2 as the last, made a "message" of 0, 2 and 5.
     */
    @Test void aFragmentBeyondTheLastIsNoPartOfTheMessage() {
        ReceiverStats s = new ReceiverStats();
        Reassembler r = new Reassembler(10_000, 1 << 20, s);
        byte[][] part = {{10}, {11}, {12}, {13}, {14}, {15}};
        assertTrue(r.accept(new BlockstreamPacket(true, 1, 0, 3, part[0]), 0).isEmpty());
        assertTrue(r.accept(new BlockstreamPacket(true, 1, 5, 3, part[5]), 0).isEmpty());
        assertTrue(r.accept(new BlockstreamPacket(false, 1, 2, 3, part[2]), 0).isEmpty(), "fragment 1 is missing");
        assertEquals(2, r.pendingBytes(), "fragment 5 was dropped when 2 turned out to be the last");
        assertEquals(1, s.malformed.sum());
        ReceivedMessage m = r.accept(new BlockstreamPacket(true, 1, 1, 3, part[1]), 0).orElseThrow();
        assertArrayEquals(new byte[] {10, 11, 12}, m.data());
        assertEquals(0, r.pendingBytes());
    }

    @Test void truncatedMessageExpiresAndFreesItsMemory() throws Exception {
        List<byte[]> grams = frame(encapsulated("cut", 30_000, 6), 11, 0);
        assertTrue(feed(grams.subList(0, grams.size() - 2), 0).isEmpty());
        assertTrue(reassembler.pendingBytes() > 0);
        reassembler.expire(Reassembler.DEFAULT_EXPIRY_MILLIS + 1);
        assertEquals(0, reassembler.pendingBytes());
        assertEquals(1, stats.expired.sum());
    }

    @Test void badCrcIsReported() throws Exception {
        byte[] data = encapsulated("bad", 5_000, 7);
        data[1000] ^= 1;
        ReceivedMessage got = feed(frame(data, 12, 0), 0).get(0);
        MalformedPacketException e = assertThrows(ApiMessage.BadCrcException.class, () -> ApiMessage.decapsulate(got.data()));
        assertTrue(e.getMessage().contains("offset 256") && e.getMessage().contains("'bad'"), e.getMessage());
    }

    @Test void floodOfNeverCompletingMessagesStaysWithinTheBound() throws Exception {
        ReceiverStats s = new ReceiverStats();
        long bound = 1L << 20;
        Reassembler small = new Reassembler(Reassembler.DEFAULT_EXPIRY_MILLIS, bound, s);
        byte[] junk = new byte[BlockstreamPacket.MAX_PAYLOAD];
        for (int i = 0; i < 20_000; i++) {
            small.accept(new BlockstreamPacket(true, 1, i % 60_000, i / 7, junk), i);
            assertTrue(small.pendingBytes() <= bound, "pending " + small.pendingBytes());
        }
        assertTrue(s.evicted.sum() > 2000, s.toString());
        byte[] data = encapsulated("after-flood", 100_000, 8);
        List<ReceivedMessage> got = new ArrayList<>();
        for (byte[] g : frame(data, 1_000_000, 0.1)) small.accept(BlockstreamPacket.parse(g, 0, g.length), 30_000).ifPresent(got::add);
        assertEquals(1, got.size(), "a valid message still gets through after the flood");
        assertArrayEquals(data, got.get(0).data());
    }

    @Test void garbageDatagramsAreRejectedWithTheReason() {
        MalformedPacketException shortOne = assertThrows(MalformedPacketException.class, () -> BlockstreamPacket.parse(new byte[5], 0, 5));
        assertTrue(shortOne.getMessage().contains("shorter than the 8-byte header"));
        byte[] notApi = new byte[20];
        notApi[0] = (byte) 0x80;
        assertTrue(assertThrows(MalformedPacketException.class, () -> BlockstreamPacket.parse(notApi, 0, 20)).getMessage().contains("offset 0"));
        assertThrows(MalformedPacketException.class, () -> BlockstreamPacket.parse(new byte[1500], 0, 1500));
        Random r = new Random(9);
        for (int i = 0; i < 10_000; i++) { // random bytes never throw anything but MalformedPacketException
            byte[] g = new byte[r.nextInt(1480)];
            r.nextBytes(g);
            try { reassembler.accept(BlockstreamPacket.parse(g, 0, g.length), i); } catch (MalformedPacketException expected) { }
        }
        assertTrue(reassembler.pendingBytes() <= Reassembler.DEFAULT_MAX_PENDING_BYTES);
    }
}
