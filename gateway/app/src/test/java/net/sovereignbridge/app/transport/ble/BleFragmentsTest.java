package net.sovereignbridge.app.transport.ble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fragment header's test vectors (docs/ble.md) and reassembly of good and hostile write sequences. */
class BleFragmentsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) i;
        return b;
    }

    @Test
    void vectorsOfDocsBle() {
        // a frame that fits: one write, kind 0, sequence 5
        List<byte[]> whole = BleFragments.split(HEX.parseHex("11223344"), 5, 20);
        assertEquals(1, whole.size());
        assertEquals("0511223344", HEX.formatHex(whole.get(0)));
        // 40 bytes at MTU 23 (20-byte writes), sequence 63: first 17 bytes, middle 19, last 4
        List<byte[]> parts = BleFragments.split(counting(40), 63, 20);
        assertEquals(3, parts.size());
        assertEquals("7f0028000102030405060708090a0b0c0d0e0f10", HEX.formatHex(parts.get(0)));
        assertEquals("bf1112131415161718191a1b1c1d1e1f20212223", HEX.formatHex(parts.get(1)));
        assertEquals("ff24252627", HEX.formatHex(parts.get(2)));
        // a 19-byte frame is the largest that fits in one 20-byte write
        assertEquals(1, BleFragments.split(counting(19), 0, 20).size());
        assertEquals(2, BleFragments.split(counting(20), 0, 20).size());
    }

    @Test
    void everyFrameSurvivesSplitAndReassemblyAtEveryCommonMtu() {
        Random random = new Random(7);
        for (int mtu : new int[] {23, 185, 247, 517}) {
            int payload = Math.min(mtu - 3, 512);
            BleFragments.Reassembler r = new BleFragments.Reassembler(BleTransport.MTU);
            for (int size : new int[] {1, payload - 1, payload, payload + 1, Math.min(3 * payload, BleTransport.MTU),
                    BleTransport.MTU}) {
                byte[] frame = new byte[size];
                random.nextBytes(frame);
                List<byte[]> writes = BleFragments.split(frame, size, payload);
                for (byte[] w : writes) assertTrue(w.length <= payload, "write of " + w.length + " at MTU " + mtu);
                BleFragments.Reassembler.Result last = null;
                for (int i = 0; i < writes.size(); i++) {
                    last = r.accept(writes.get(i));
                    if (i < writes.size() - 1) assertInstanceOf(BleFragments.Reassembler.Pending.class, last);
                }
                BleFragments.Reassembler.Frame f = assertInstanceOf(BleFragments.Reassembler.Frame.class, last);
                assertArrayEquals(frame, f.frame());
                assertFalse(f.dropped());
            }
        }
    }

    @Test
    void aLostMiddleFragmentDropsTheFrameAndTheNextOneStillArrives() {
        BleFragments.Reassembler r = new BleFragments.Reassembler(BleTransport.MTU);
        List<byte[]> first = BleFragments.split(counting(60), 1, 20);
        r.accept(first.get(0));
        // first.get(1) lost on the air; the rest no longer adds up
        BleFragments.Reassembler.Refused gap = assertInstanceOf(BleFragments.Reassembler.Refused.class,
                r.accept(first.get(3)));
        assertTrue(gap.dropped());
        assertFalse(r.pending());
        byte[] next = counting(30);
        BleFragments.Reassembler.Result out = null;
        for (byte[] w : BleFragments.split(next, 2, 20)) out = r.accept(w);
        assertArrayEquals(next, assertInstanceOf(BleFragments.Reassembler.Frame.class, out).frame());
    }

    @Test
    void hostileWritesAreRefusedAndBounded() {
        BleFragments.Reassembler r = new BleFragments.Reassembler(100);
        assertInstanceOf(BleFragments.Reassembler.Refused.class, r.accept(new byte[0]));
        assertInstanceOf(BleFragments.Reassembler.Refused.class, r.accept(new byte[] {0x00}));
        // a first fragment announcing more than the reassembly bound
        assertInstanceOf(BleFragments.Reassembler.Refused.class, r.accept(HEX.parseHex("4000ff0102")));
        // a first fragment announcing less than it carries
        assertInstanceOf(BleFragments.Reassembler.Refused.class, r.accept(HEX.parseHex("400001aabb")));
        // a middle or last without its first
        assertInstanceOf(BleFragments.Reassembler.Refused.class, r.accept(HEX.parseHex("8001")));
        assertInstanceOf(BleFragments.Reassembler.Refused.class, r.accept(HEX.parseHex("c001")));
        // a last of another frame's sequence number
        assertInstanceOf(BleFragments.Reassembler.Pending.class, r.accept(HEX.parseHex("410004aabb")));
        BleFragments.Reassembler.Refused other = assertInstanceOf(BleFragments.Reassembler.Refused.class,
                r.accept(HEX.parseHex("c2ccdd")));
        assertTrue(other.dropped());
        // fragments that overrun the announced length
        assertInstanceOf(BleFragments.Reassembler.Pending.class, r.accept(HEX.parseHex("410004aabb")));
        assertInstanceOf(BleFragments.Reassembler.Refused.class, r.accept(HEX.parseHex("81ccddee")));
        // a whole frame while one is half assembled: the whole one is delivered, the half one counted as dropped
        r.accept(HEX.parseHex("410004aabb"));
        BleFragments.Reassembler.Frame f = assertInstanceOf(BleFragments.Reassembler.Frame.class,
                r.accept(HEX.parseHex("0301")));
        assertTrue(f.dropped());
        assertArrayEquals(new byte[] {1}, f.frame());
    }

    /**
     * A first fragment while another frame is half assembled (its last never came): the new first is kept and
     * answered as accepted, so the writer goes on with its middles and the new frame arrives; the stale one counts
     * as dropped. It used to be answered as refused although kept, which told an honest writer its write failed.
     */
    @Test
    void aFirstFragmentAfterAStaleHalfFrameIsAcceptedAndCompletes() {
        BleFragments.Reassembler r = new BleFragments.Reassembler(100);
        assertInstanceOf(BleFragments.Reassembler.Pending.class, r.accept(HEX.parseHex("410004aabb")));
        BleFragments.Reassembler.Pending p = assertInstanceOf(BleFragments.Reassembler.Pending.class,
                r.accept(HEX.parseHex("420003cc")));
        assertTrue(p.dropped(), "the stale half frame counts as dropped");
        BleFragments.Reassembler.Frame f = assertInstanceOf(BleFragments.Reassembler.Frame.class,
                r.accept(HEX.parseHex("c2ddee")));
        assertArrayEquals(new byte[] {(byte) 0xcc, (byte) 0xdd, (byte) 0xee}, f.frame());
        assertFalse(f.dropped());
    }
}
