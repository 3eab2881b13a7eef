package net.sovereignbridge.drivers.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * Blockstream Satellite receive (docs/satellite.md): the 8-byte fragment header, reassembly of fragments into
 * messages (plain and FEC-coded), the zfec-compatible decoder, and the 260-byte API header.
 */
class SatelliteFuzzTest {
    /** A datagram: a typed error with a message, or a packet whose encoding is the datagram byte for byte. */
    @FuzzTest
    void packet(FuzzedDataProvider data) {
        byte[] datagram = data.consumeRemainingAsBytes();
        BlockstreamPacket p;
        try {
            p = AllocationLimit.check("BlockstreamPacket.parse", 2L * datagram.length,
                    () -> BlockstreamPacket.parse(datagram, 0, datagram.length));
        } catch (MalformedPacketException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        assertArrayEquals(datagram, p.encode(), "one encoding per packet");
    }

    /**
     * Hostile fragments on channels 0 and 1 (sequence numbers, fragment numbers and the last-fragment flag from
     * the fuzzer, payloads sometimes FEC-shaped), and an honest plain message on channel 9 split into fragments
     * that arrive in a fuzzed order with duplicates. Fed to a reassembler with room for everything and to one
     * with a fuzzed small byte limit. A message assembled without FEC is exactly its fragments 0..last, in order,
     * as they first arrived (the rules of docs/satellite.md, kept here as a model); the honest message comes out
     * whole and once (from the small one, if at all); neither holds more than its limit; everything incomplete
     * expires.
     */
    @FuzzTest
    void reassembly(FuzzedDataProvider data) {
        long smallLimit = data.consumeLong(BlockstreamPacket.MAX_PAYLOAD, 16L * BlockstreamPacket.MAX_PAYLOAD);
        long roomy = 1L << 20;
        Reassembler r = new Reassembler(10_000, roomy, new ReceiverStats());
        Reassembler small = new Reassembler(10_000, smallLimit, new ReceiverStats());
        byte[] honest = data.consumeBytes(data.consumeInt(1, 6000));
        if (honest.length == 0) honest = new byte[] {42}; // the input ran out: a message of one byte
        // At most 32 pieces, none of the FEC packet size: a plain fragment of exactly 1464 bytes whose first
        // bytes look like a FEC header is taken for one (the format carries no flag; docs/satellite.md).
        int piece = data.consumeInt(honest.length / 32 + 1, BlockstreamPacket.MAX_PAYLOAD - 1);
        List<BlockstreamPacket> honestPackets = new ArrayList<>();
        for (int off = 0, n = 0; off < honest.length; off += piece, n++) {
            byte[] chunk = java.util.Arrays.copyOfRange(honest, off, Math.min(honest.length, off + piece));
            honestPackets.add(new BlockstreamPacket(off + piece < honest.length, 9, n, 7, chunk));
        }
        Map<Long, Model> model = new HashMap<>();
        java.util.Set<Long> delivered = new java.util.HashSet<>();
        int honestDone = 0;
        int honestDoneSmall = 0;
        boolean[] honestSent = new boolean[honestPackets.size()];
        for (int step = 0; (step < 200 && data.remainingBytes() > 0) || !allTrue(honestSent); step++) {
            BlockstreamPacket p;
            if (step >= 200 || data.remainingBytes() == 0 || data.consumeBoolean()) {
                int i = step < 200 && data.remainingBytes() > 0 ? data.consumeInt(0, honestPackets.size() - 1)
                        : firstFalse(honestSent);
                honestSent[i] = true;
                p = honestPackets.get(i);
            } else {
                int len = data.consumeBoolean() ? FecAssembly.HEADER_LEN + FecAssembly.CHUNK_SIZE
                        : data.consumeInt(0, BlockstreamPacket.MAX_PAYLOAD);
                byte[] payload = data.consumeBytes(len);
                p = new BlockstreamPacket(data.consumeBoolean(), data.consumeInt(0, 1), data.consumeInt(0, 7),
                        data.consumeInt(0, 3), payload);
            }
            long key = ((long) p.channel() << 32) | p.sequence();
            if (!delivered.contains(key)) {
                Model m = model.computeIfAbsent(key, k -> new Model());
                if (m.accept(p)) model.remove(key); // a second, different last fragment: the message is dropped
            }
            Optional<ReceivedMessage> got = AllocationLimit.check("Reassembler.accept", 4L * roomy, () -> r.accept(p, 0));
            if (got.isPresent()) {
                ReceivedMessage msg = got.get();
                if (msg.channel() == 9) {
                    honestDone++;
                    assertArrayEquals(honest, msg.data(), "the honest message");
                } else if (!msg.fecDecoded()) {
                    Model m = model.get(key);
                    assertTrue(m != null && m.complete(), "a plain message from fragments " + (m == null ? "none" : m.fragments.keySet())
                            + ", last " + (m == null ? "?" : m.last));
                    assertArrayEquals(m.concatenation(), msg.data(), "a plain message is its fragments 0..last in order");
                }
                model.remove(key);
                delivered.add(key);
            }
            Optional<ReceivedMessage> fromSmall = small.accept(p, 0);
            if (fromSmall.isPresent() && fromSmall.get().channel() == 9) {
                honestDoneSmall++;
                assertArrayEquals(honest, fromSmall.get().data(), "the honest message, from the small reassembler");
            }
            assertTrue(r.pendingBytes() >= 0 && r.pendingBytes() <= roomy, "pending bytes " + r.pendingBytes());
            assertTrue(small.pendingBytes() >= 0 && small.pendingBytes() <= smallLimit, "pending bytes " + small.pendingBytes());
        }
        assertEquals(1, honestDone, "the honest message comes out once");
        assertTrue(honestDoneSmall <= 1, "the honest message came out " + honestDoneSmall + " times");
        r.expire(10_001);
        small.expire(10_001);
        assertEquals(0, r.pendingBytes() + small.pendingBytes(), "everything incomplete expired");
        assertEquals(0, r.pendingMessages() + small.pendingMessages());
    }

    /** What the reassembler must hold for one (channel, sequence): the first payload per fragment, and the last one. */
    private static final class Model {
        final TreeMap<Integer, byte[]> fragments = new TreeMap<>();
        int last = -1;

        /** Returns true when the message is dropped (a second last fragment with another number). */
        boolean accept(BlockstreamPacket p) {
            if (fragments.containsKey(p.fragment())) return false;
            if (!p.moreFragments()) {
                if (last >= 0 && last != p.fragment()) return true;
                last = p.fragment();
                fragments.tailMap(last, false).clear(); // those beyond the last are no part of the message
            }
            if (last >= 0 && p.fragment() > last) return false;
            fragments.put(p.fragment(), p.payload());
            return false;
        }

        boolean complete() {
            if (last < 0 || fragments.size() != last + 1) return false;
            return fragments.firstKey() == 0 && fragments.lastKey() == last;
        }

        byte[] concatenation() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fragments.values().forEach(out::writeBytes);
            return out.toByteArray();
        }
    }

    /**
     * A message FEC-coded as Blockstream's sender does, its packets shuffled and cut down to a fuzzed subset:
     * whenever every object kept k distinct chunks the message comes out whole, else nothing does.
     */
    @FuzzTest
    void fec(FuzzedDataProvider data) {
        double overhead = data.pickValue(new double[] {0.1, 0.25, 0.5, 1.0});
        byte[] message = data.consumeBytes(data.consumeInt(1, 40_000));
        if (message.length == 0) message = new byte[] {42}; // the input ran out: a message of one byte
        List<byte[]> packets = FecEncoder.encode(message, overhead, new Random(data.consumeLong()));
        Reassembler r = new Reassembler(10_000, 100L << 20, new ReceiverStats());
        int maxK = (int) Math.floor(ZfecCode.MAX_CHUNKS / (1 + overhead));
        Map<Integer, java.util.Set<Integer>> chunksPerObject = new HashMap<>();
        Optional<ReceivedMessage> out = Optional.empty();
        for (int i = 0; i < packets.size() && out.isEmpty(); i++) {
            if (data.remainingBytes() > 0 && data.consumeInt(0, 3) == 0) continue; // lost
            byte[] pk = packets.get(i);
            chunksPerObject.computeIfAbsent(pk[0] & 0xFF, o -> new java.util.HashSet<>()).add(pk[2] & 0xFF);
            out = r.accept(new BlockstreamPacket(true, 1, i, 5, pk), 0);
        }
        int objects = packets.isEmpty() ? 0 : packets.get(0)[1] & 0xFF;
        boolean decodable = chunksPerObject.size() == objects;
        for (int o = 0; o < objects && decodable; o++) {
            long objectLength = Math.min((long) maxK * FecAssembly.CHUNK_SIZE, message.length - (long) o * maxK * FecAssembly.CHUNK_SIZE);
            long k = (objectLength + FecAssembly.CHUNK_SIZE - 1) / FecAssembly.CHUNK_SIZE;
            decodable = chunksPerObject.get(o).size() >= k;
        }
        assertEquals(decodable, out.isPresent(), "decoded exactly when every object has k chunks");
        if (out.isPresent()) {
            assertTrue(out.get().fecDecoded());
            assertArrayEquals(message, out.get().data(), "the FEC-decoded message");
        }
    }

    /**
     * The 260-byte API header, whole and streamed in fuzzed writes: both agree (same name, or both refuse with
     * a message); an accepted message re-encapsulates to one that decapsulates to the same name and payload.
     */
    @FuzzTest
    void apiHeader(FuzzedDataProvider data) throws Exception {
        boolean streamed = data.consumeBoolean();
        int write = data.consumeInt(1, 600);
        byte[] in = data.consumeRemainingAsBytes();
        ApiMessage whole = null;
        String refused = null;
        try {
            whole = AllocationLimit.check("ApiMessage.decapsulate", 2L * in.length, () -> ApiMessage.decapsulate(in));
        } catch (MalformedPacketException e) {
            AllocationLimit.assertExplained(e);
            refused = e.getMessage();
        }
        if (streamed) {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            ApiMessage.Unwrapper u = new ApiMessage.Unwrapper(payload);
            for (int off = 0; off < in.length; off += write) u.write(in, off, Math.min(write, in.length - off));
            try {
                String name = u.finish();
                assertTrue(whole != null, "the stream accepted what the whole refused: " + refused);
                assertEquals(whole.fileName(), name);
                assertArrayEquals(whole.payload(), payload.toByteArray());
            } catch (MalformedPacketException e) {
                AllocationLimit.assertExplained(e);
                assertTrue(whole == null, "the stream refused what the whole accepted: " + e.getMessage());
            }
        }
        if (whole == null) return;
        ApiMessage again = ApiMessage.decapsulate(whole.encapsulate());
        assertEquals(whole.fileName(), again.fileName());
        assertArrayEquals(whole.payload(), again.payload());
    }

    private static boolean allTrue(boolean[] b) {
        for (boolean x : b) if (!x) return false;
        return true;
    }

    private static int firstFalse(boolean[] b) {
        for (int i = 0; i < b.length; i++) if (!b[i]) return i;
        return 0;
    }
}
