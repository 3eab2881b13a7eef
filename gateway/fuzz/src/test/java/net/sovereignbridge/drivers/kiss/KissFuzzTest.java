package net.sovereignbridge.drivers.kiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * The serial radio's decoders (docs/serial.md): the KISS stream decoder, whatever a TNC or line noise sends in
 * whatever reads, and the AX.25 UI frame inside a KISS data frame.
 */
class KissFuzzTest {
    /**
     * Fuzzed bytes in fuzzed reads, then one honest frame: no frame ever exceeds the decoder's bound, every frame
     * re-encodes to bytes that decode to itself, and the honest frame comes out whole and last, whatever state the
     * garbage left the decoder in (its opening FEND ends whatever came before). Memory: the decoder's buffer and
     * one copy per frame, nothing that grows with the stream.
     */
    @FuzzTest
    void stream(FuzzedDataProvider data) {
        int max = data.consumeInt(2, 600);
        int type = data.consumeInt(0, 255);
        byte[] honest = data.consumeBytes(data.consumeInt(0, max - 1));
        byte[] garbage = data.consumeBytes(data.consumeInt(0, 4000));
        KissDecoder decoder = new KissDecoder(max);
        List<KissFrame> frames = new ArrayList<>();
        AllocationLimit.check("KissDecoder.feed", 4L * (garbage.length + 64), () -> {
            feedInReads(decoder, garbage, data, frames);
            return null;
        });
        for (KissFrame f : frames) {
            assertTrue(1 + f.data().length <= max, "a frame of " + (1 + f.data().length) + " bytes, bound " + max);
            List<KissFrame> again = new ArrayList<>();
            byte[] wire = f.encode();
            new KissDecoder(max).feed(wire, 0, wire.length, again::add);
            assertEquals(1, again.size(), "a decoded frame re-encodes to one frame");
            assertEquals(f.type(), again.get(0).type());
            assertArrayEquals(f.data(), again.get(0).data());
        }
        int before = frames.size();
        feedInReads(decoder, Kiss.encode(type, honest), data, frames);
        int after = frames.size() - before;
        assertTrue(after == 1 || after == 2, after + " frames from the honest one (at most one more: the garbage it closed)");
        KissFrame last = frames.get(frames.size() - 1);
        assertEquals(type, last.type(), "the honest frame's type");
        assertArrayEquals(honest, last.data(), "the honest frame's data");
        KissDecoder.Counters c = decoder.counters();
        assertEquals(frames.size(), c.frames(), "every frame counted once");
        assertTrue(c.oversize() >= 0 && c.badEscapes() >= 0 && c.skippedBytes() <= garbage.length);
    }

    /**
     * AX.25 UI frames: a typed error with a message, or a frame whose encoding decodes to the same frame (the
     * decoder normalises the command and reserved bits); the information field is the rest of the input.
     */
    @FuzzTest
    void ax25(FuzzedDataProvider data) {
        byte[] in = data.consumeRemainingAsBytes();
        Ax25UiFrame f;
        try {
            f = AllocationLimit.check("Ax25UiFrame.decode", 2L * in.length + 1024, () -> Ax25UiFrame.decode(in));
        } catch (Ax25Exception e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        int header = (2 + f.digipeaters().size()) * Callsign.ENCODED_BYTES + 2;
        assertEquals(in.length - header, f.info().length, "the information field is the rest of the frame");
        byte[] encoded = f.encode();
        assertEquals(in.length, encoded.length, "same length re-encoded");
        Ax25UiFrame g;
        try {
            g = Ax25UiFrame.decode(encoded);
        } catch (Ax25Exception e) {
            throw new AssertionError("our encoding of a decoded frame is refused: " + e.getMessage(), e);
        }
        assertEquals(f.destination(), g.destination());
        assertEquals(f.source(), g.source());
        assertEquals(f.digipeaters(), g.digipeaters());
        assertEquals(f.pid(), g.pid());
        assertArrayEquals(f.info(), g.info());
        assertArrayEquals(encoded, g.encode(), "the normal form is stable");
    }

    private static void feedInReads(KissDecoder d, byte[] bytes, FuzzedDataProvider data, List<KissFrame> out) {
        int off = 0;
        while (off < bytes.length) {
            int n = Math.min(bytes.length - off, data.consumeInt(1, 512));
            d.feed(bytes, off, n, out::add);
            off += n;
        }
    }
}
