package net.sovereignbridge.app.transport.ble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * The BLE fragment reassembler (docs/ble.md): the writes a stranger makes to our characteristic, one ATT write
 * at a time, and then one honest frame split as the sender splits it.
 */
class BleFragmentsFuzzTest {
    /**
     * Fuzzed writes: every result is a frame within the bound, pending, or a refusal that says why; no write makes
     * the reassembler allocate more than one frame buffer and one copy of the write. Then an honest frame split by
     * {@link BleFragments#split} comes out whole on its last write, whatever state the garbage left behind (its
     * first or whole write starts afresh), and nothing stays pending after it.
     */
    @FuzzTest
    void reassembly(FuzzedDataProvider data) {
        int maxFrame = data.consumeInt(1, 4096);
        int payload = data.consumeInt(BleFragments.MIN_PAYLOAD, 512);
        int sequence = data.consumeInt(0, 255);
        byte[] honest = data.consumeBytes(data.consumeInt(1, maxFrame));
        int writes = data.consumeInt(0, 64);
        BleFragments.Reassembler r = new BleFragments.Reassembler(maxFrame);
        for (int i = 0; i < writes && data.remainingBytes() > 0; i++) {
            byte[] write = data.consumeBytes(data.consumeInt(0, 600));
            BleFragments.Reassembler.Result result = AllocationLimit.check("BleFragments.Reassembler.accept",
                    2L * maxFrame + 2L * write.length + 64, () -> r.accept(write));
            if (result instanceof BleFragments.Reassembler.Frame f) {
                assertTrue(f.frame().length <= maxFrame, "a frame of " + f.frame().length + " bytes, bound " + maxFrame);
                assertTrue(f.frame().length >= 1, "an empty frame");
                assertFalse(r.pending(), "a completed frame leaves nothing pending");
            } else if (result instanceof BleFragments.Reassembler.Refused refused) {
                AllocationLimit.assertExplained("refusal", refused.reason());
                // a refused write is answered with an error: nothing of it may have been kept
                assertFalse(r.pending(), "a refusal leaves nothing pending: " + refused.reason());
            } else {
                assertTrue(r.pending(), "an accepted fragment is kept");
            }
        }
        if (honest.length == 0) return; // the input ran out before the honest frame
        List<byte[]> split = BleFragments.split(honest, sequence, payload);
        for (int i = 0; i < split.size(); i++) {
            BleFragments.Reassembler.Result result = r.accept(split.get(i));
            if (i < split.size() - 1) {
                BleFragments.Reassembler.Pending p = assertInstanceOf(BleFragments.Reassembler.Pending.class, result,
                        "write " + i + " of " + split.size());
                if (i > 0) assertFalse(p.dropped(), "a middle of the honest frame dropped something");
            } else {
                BleFragments.Reassembler.Frame f = assertInstanceOf(BleFragments.Reassembler.Frame.class, result,
                        "the honest frame's last write");
                assertArrayEquals(honest, f.frame(), "the honest frame");
                if (split.size() > 1) assertFalse(f.dropped(), "the honest last fragment dropped something");
            }
        }
        assertFalse(r.pending(), "nothing pending after the honest frame");
    }

    /**
     * The split side: every write fits the ATT payload, the sequence is in each header, and a fresh reassembler
     * gives the frame back from the writes.
     */
    @FuzzTest
    void split(FuzzedDataProvider data) {
        int payload = data.consumeInt(BleFragments.MIN_PAYLOAD, 512);
        int sequence = data.consumeInt(0, 255);
        byte[] frame = data.consumeRemainingAsBytes();
        if (frame.length == 0) return;
        List<byte[]> writes = BleFragments.split(frame, sequence, payload);
        BleFragments.Reassembler r = new BleFragments.Reassembler(frame.length);
        BleFragments.Reassembler.Result last = null;
        for (byte[] w : writes) {
            assertTrue(w.length <= payload, "a write of " + w.length + " bytes, ATT payload " + payload);
            assertTrue((w[0] & 0x3F) == (sequence & 0x3F), "the sequence number in the header");
            last = r.accept(w);
        }
        BleFragments.Reassembler.Frame f = assertInstanceOf(BleFragments.Reassembler.Frame.class, last);
        assertArrayEquals(frame, f.frame());
        assertFalse(f.dropped());
    }
}
