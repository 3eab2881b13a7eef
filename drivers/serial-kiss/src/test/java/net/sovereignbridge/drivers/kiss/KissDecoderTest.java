package net.sovereignbridge.drivers.kiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KissDecoderTest {
    private static final HexFormat HEX = HexFormat.of();

    private static List<KissFrame> decode(KissDecoder d, byte[] stream) {
        List<KissFrame> out = new ArrayList<>();
        d.feed(stream, 0, stream.length, out::add);
        return out;
    }

    @Test
    void encodesTheDocumentedVector() {
        // docs/serial.md, vector K1: data on port 0 holding C0 DB 01
        assertEquals("c000dbdcdbdd01c0", HEX.formatHex(Kiss.data(0, new byte[] {(byte) 0xC0, (byte) 0xDB, 1})));
        // K2: TXDELAY 50 (500 ms) on port 1, then P 63 and FULLDUPLEX off on port 0
        assertEquals("c01132c0", HEX.formatHex(TncParameters.defaults().commandFrames(1).get(0)));
        assertEquals("c0023fc0", HEX.formatHex(TncParameters.defaults().commandFrames(0).get(1)));
        assertEquals("c00500c0", HEX.formatHex(TncParameters.defaults().commandFrames(0).get(4)));
    }

    @Test
    void decodesWhatItEncodesWhateverTheSplit() {
        Random r = new Random(7);
        List<byte[]> payloads = new ArrayList<>();
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            byte[] p = new byte[1 + r.nextInt(300)];
            r.nextBytes(p);
            payloads.add(p);
            stream.writeBytes(Kiss.data(i % 16, p));
        }
        byte[] all = stream.toByteArray();
        for (int chunk : new int[] {1, 2, 3, 7, 64, 4096}) {
            KissDecoder d = new KissDecoder(512);
            List<KissFrame> got = new ArrayList<>();
            for (int off = 0; off < all.length; off += chunk) d.feed(all, off, Math.min(chunk, all.length - off), got::add);
            assertEquals(payloads.size(), got.size(), "chunk " + chunk);
            for (int i = 0; i < got.size(); i++) {
                assertEquals(i % 16, got.get(i).port());
                assertTrue(got.get(i).isData());
                assertArrayEquals(payloads.get(i), got.get(i).data(), "frame " + i + " at chunk " + chunk);
            }
        }
    }

    @Test
    void skipsGarbageBeforeTheFirstFendAndEmptyFrames() {
        KissDecoder d = new KissDecoder(64);
        byte[] banner = "RNode boot\r\n".getBytes();
        byte[] frame = Kiss.data(0, new byte[] {1, 2, 3});
        byte[] stream = new byte[banner.length + 3 + frame.length];
        System.arraycopy(banner, 0, stream, 0, banner.length);
        stream[banner.length] = (byte) Kiss.FEND; // FEND FEND FEND: empty frames, ignored
        stream[banner.length + 1] = (byte) Kiss.FEND;
        stream[banner.length + 2] = (byte) Kiss.FEND;
        System.arraycopy(frame, 0, stream, banner.length + 3, frame.length);
        List<KissFrame> got = decode(d, stream);
        assertEquals(1, got.size());
        assertArrayEquals(new byte[] {1, 2, 3}, got.get(0).data());
        assertEquals(banner.length, d.counters().skippedBytes());
    }

    @Test
    void anEndlessFrameIsDroppedAndTheNextOneStillArrives() {
        KissDecoder d = new KissDecoder(100);
        List<KissFrame> got = new ArrayList<>();
        byte[] open = {(byte) Kiss.FEND, 0};
        d.feed(open, 0, 2, got::add);
        byte[] chunk = new byte[4096];
        java.util.Arrays.fill(chunk, (byte) 0x41);
        for (int i = 0; i < 2_000; i++) d.feed(chunk, 0, chunk.length, got::add); // 8 MB without an end
        byte[] next = Kiss.data(0, new byte[] {9});
        d.feed(next, 0, next.length, got::add);
        assertEquals(1, got.size());
        assertArrayEquals(new byte[] {9}, got.get(0).data());
        assertEquals(1, d.counters().oversize());
    }

    @Test
    void aFrameOfExactlyTheBoundIsKeptOneMoreIsNot() {
        KissDecoder d = new KissDecoder(11);
        assertEquals(1, decode(d, Kiss.data(0, new byte[10])).size());
        assertEquals(0, decode(d, Kiss.data(0, new byte[11])).size());
        assertEquals(1, d.counters().oversize());
    }

    @Test
    void aBadEscapeDropsOnlyItsFrame() {
        KissDecoder d = new KissDecoder(64);
        byte[] bad = {(byte) 0xC0, 0, 5, (byte) 0xDB, 0x41, 6, (byte) 0xC0};
        byte[] good = Kiss.data(0, new byte[] {7});
        byte[] stream = new byte[bad.length + good.length];
        System.arraycopy(bad, 0, stream, 0, bad.length);
        System.arraycopy(good, 0, stream, bad.length, good.length);
        List<KissFrame> got = decode(d, stream);
        assertEquals(1, got.size());
        assertArrayEquals(new byte[] {7}, got.get(0).data());
        assertEquals(1, d.counters().badEscapes());
    }

    @Test
    void randomBytesNeverThrowAndNeverExceedTheBound() {
        Random r = new Random(42);
        KissDecoder d = new KissDecoder(256);
        byte[] noise = new byte[1 << 20];
        r.nextBytes(noise);
        List<KissFrame> got = decode(d, noise);
        for (KissFrame f : got) assertTrue(f.data().length <= 255);
        // random bytes hold a FEND every 256 bytes on average: frames arrive, the rest is counted
        assertTrue(got.size() > 1000, "frames " + got.size());
        assertTrue(d.counters().oversize() + d.counters().badEscapes() > 0);
        // and the decoder still works afterwards
        assertEquals(1, decode(d, Kiss.data(0, new byte[] {1, 2})).stream().filter(f -> f.data().length == 2
                && f.data()[0] == 1).count());
    }
}
