package net.sovereignbridge.p2p.protobuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * The hand-written protobuf reader under identify, peer records and envelopes, walked generically: every
 * field read as its wire type says (varints and length-delimited fields re-written with ProtoWriter), so
 * a message made only of those re-encodes to the same bytes.
 */
class ProtoReaderFuzzTest {
    @FuzzTest
    void walk(byte[] input) {
        ProtoReader r = new ProtoReader("fuzz", input);
        ProtoWriter w = new ProtoWriter();
        boolean rewritable = true;
        try {
            while (r.next()) {
                switch (r.wireType()) {
                    case 0 -> {
                        if (r.field() % 2 == 0) w.varint(r.field(), r.varint());
                        else { r.skip(); rewritable = false; }
                    }
                    case 2 -> {
                        byte[] v = AllocationLimit.check("ProtoReader.bytes", 2L * input.length, () -> r.bytes(input.length));
                        w.bytes(r.field(), v);
                    }
                    default -> { r.skip(); rewritable = false; }
                }
            }
        } catch (ProtoException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        // Non-minimal varints are legal protobuf and read fine, but re-encode shorter: compare only minimal input.
        if (rewritable && minimal(input)) assertArrayEquals(input, w.toByteArray());
    }

    /** True when every varint in the (already validated) message is minimally encoded. */
    private static boolean minimal(byte[] input) {
        int p = 0;
        while (p < input.length) {
            int start = p;
            long tag = 0;
            for (int i = 0; ; i++) {
                int b = input[p++] & 0xFF;
                tag |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    if (b == 0 && i > 0) return false;
                    break;
                }
            }
            if (p - start > 5) return false;
            long value = 0;
            int vs = p;
            for (int i = 0; ; i++) {
                int b = input[p++] & 0xFF;
                value |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    if (b == 0 && i > 0) return false;
                    break;
                }
            }
            if ((tag & 7) == 2) p = vs + (p - vs) + (int) value;
        }
        return true;
    }
}
