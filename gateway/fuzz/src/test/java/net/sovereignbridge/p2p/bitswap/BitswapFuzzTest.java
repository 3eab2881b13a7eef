package net.sovereignbridge.p2p.bitswap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.fuzz.AllocationLimit;
import net.sovereignbridge.p2p.protobuf.ProtoException;

/** Bitswap 1.2.0 (docs/content.md, "Bitswap"): the messages any peer with a stream to us sends. */
class BitswapFuzzTest {
    /**
     * One message under fuzzed limits: a {@link ProtoException} with a message, or a message within every limit
     * (entries, presences, block data, CID and prefix sizes) that re-encodes to bytes decoding to the same message
     * (the decoder normalises: unknown fields dropped, a presence type other than 0 is DONT_HAVE). Memory: a small
     * multiple of the input, whatever a length field says.
     */
    @FuzzTest
    void message(FuzzedDataProvider data) {
        BitswapMessage.Limits limits = new BitswapMessage.Limits(1 << 20, data.consumeInt(0, 64), data.consumeInt(0, 4096));
        byte[] in = data.consumeRemainingAsBytes();
        BitswapMessage m;
        try {
            m = AllocationLimit.check("BitswapMessage.decode", 8L * in.length + 1024, () -> BitswapMessage.decode(in, limits));
        } catch (ProtoException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        assertTrue(m.wantlist().size() <= limits.maxEntries(), m.wantlist().size() + " wantlist entries");
        assertTrue(m.presences().size() <= limits.maxEntries(), m.presences().size() + " presences");
        for (BitswapMessage.Entry e : m.wantlist()) assertTrue(e.cid().length <= 128, "a CID of " + e.cid().length + " bytes");
        for (BitswapMessage.Presence p : m.presences()) assertTrue(p.cid().length <= 128, "a CID of " + p.cid().length + " bytes");
        for (BitswapMessage.Block b : m.blocks()) {
            assertTrue(b.prefix().length <= 16, "a CID prefix of " + b.prefix().length + " bytes");
            assertTrue(b.data().length <= limits.maxBlockBytes(), "a block of " + b.data().length + " bytes");
        }
        byte[] encoded = m.encode();
        try {
            assertArrayEquals(encoded, BitswapMessage.decode(encoded, limits).encode(), "decode(encode(m)) == m");
        } catch (ProtoException e) {
            throw new AssertionError("our own encoding of a decoded message is refused: " + e.getMessage(), e);
        }
    }

    /**
     * The stream framing: fuzzed bytes give messages of at most the limit, then an IOException or the end; a
     * length prefix cannot make us allocate more than the limit. Whatever was read is framed again and read back
     * the same.
     */
    @FuzzTest
    void stream(FuzzedDataProvider data) {
        int max = data.consumeInt(0, 8192);
        byte[] in = data.consumeRemainingAsBytes();
        ByteArrayInputStream stream = new ByteArrayInputStream(in);
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        List<byte[]> messages = new ArrayList<>();
        try {
            while (true) {
                byte[] m = AllocationLimit.check("BitswapMessage.read", 2L * max + 1024, () -> BitswapMessage.read(stream, max));
                if (m == null) break;
                assertTrue(m.length <= max, "a message of " + m.length + " bytes, limit " + max);
                BitswapMessage.write(again, m);
                messages.add(m);
            }
        } catch (IOException e) {
            AllocationLimit.assertExplained(e);
        }
        ByteArrayInputStream replay = new ByteArrayInputStream(again.toByteArray());
        try {
            for (byte[] m : messages) assertArrayEquals(m, BitswapMessage.read(replay, max), "a message read back");
            assertNull(BitswapMessage.read(replay, max), "nothing after the messages written");
        } catch (IOException e) {
            throw new AssertionError("our own framing is refused: " + e.getMessage(), e);
        }
    }
}
