package net.sovereignbridge.p2p.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The frame decoder on hostile input: only typed errors, and no body larger than its limit. */
class YamuxFrameReaderProperties {
    private static final int LIMIT = 512;

    /** Feeds {@code bytes} in chunks of the given sizes (cycled), counting what is handed out. */
    private static final class Chunks implements YamuxFrameReader.ChunkSource {
        private final byte[] bytes;
        private final List<Integer> sizes;
        private int pos;
        private int turn;

        Chunks(byte[] bytes, List<Integer> sizes) {
            this.bytes = bytes;
            this.sizes = sizes;
        }

        @Override
        public byte[] read() {
            if (pos >= bytes.length) return null;
            int n = Math.min(sizes.get(turn++ % sizes.size()), bytes.length - pos);
            byte[] c = Arrays.copyOfRange(bytes, pos, pos + n);
            pos += n;
            return c;
        }
    }

    @Provide
    Arbitrary<byte[]> frameLikeBytes() {
        // mostly well-formed headers with random fields, so bodies and limits are reached, mixed with junk
        Arbitrary<byte[]> header = Arbitraries.bytes().array(byte[].class).ofSize(12).map(h -> {
            h[0] = 0;
            h[1] = (byte) (h[1] & 0x03);
            h[8] = 0;
            h[9] = 0;
            h[10] = (byte) (h[10] & 0x03);
            return h;
        });
        Arbitrary<byte[]> junk = Arbitraries.bytes().array(byte[].class).ofMaxSize(700);
        return Arbitraries.oneOf(header, junk).list().ofMaxSize(12).map(parts -> {
            int n = parts.stream().mapToInt(p -> p.length).sum();
            byte[] all = new byte[n];
            int at = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            return all;
        });
    }

    @Property(tries = 2000)
    void randomBytesGiveFramesOrTypedErrors(@ForAll("frameLikeBytes") byte[] input,
                                            @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 40) Integer> chunking) {
        runDecoder(input, chunking);
    }

    @Property(tries = 2000)
    void uniformRandomBytes(@ForAll @Size(max = 2000) byte[] input,
                            @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 1, max = 2000) Integer> chunking) {
        runDecoder(input, chunking);
    }

    private static void runDecoder(byte[] input, List<Integer> chunking) {
        YamuxFrameReader r = new YamuxFrameReader(new Chunks(input, chunking), LIMIT);
        long consumed = 0;
        try {
            YamuxHeader h;
            while ((h = r.readHeader()) != null) {
                consumed += YamuxHeader.SIZE;
                if (h.type() == YamuxHeader.TYPE_DATA) {
                    assertTrue(h.length() <= LIMIT, "the reader passed a Data header over its limit: " + h);
                    byte[] body = r.readBody((int) h.length());
                    assertEquals(h.length(), body.length);
                    consumed += body.length;
                }
            }
            assertEquals(input.length, consumed, "a clean end of stream only between frames");
        } catch (YamuxProtocolException | EOFException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
        } catch (IOException e) {
            throw new AssertionError("untyped I/O error from the decoder", e);
        }
    }

    @Property(tries = 1000)
    void headersRoundTrip(@ForAll @IntRange(min = 0, max = 3) int type, @ForAll @IntRange(min = 0, max = 0xFFFF) int flags,
                          @ForAll @net.jqwik.api.constraints.LongRange(min = 0, max = 0xFFFF_FFFFL) long id,
                          @ForAll @net.jqwik.api.constraints.LongRange(min = 0, max = 0xFFFF_FFFFL) long length) throws Exception {
        YamuxHeader h = new YamuxHeader(type, flags, id, length);
        assertEquals(h, YamuxHeader.decode(h.encode(), 0));
    }
}
