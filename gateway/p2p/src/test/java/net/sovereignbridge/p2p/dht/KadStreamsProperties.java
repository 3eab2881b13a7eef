package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;

/**
 * Kad stream framing (unsigned-varint length, then a message): random bytes give an IOException naming
 * the problem or a valid message, nothing else; a length over the limit is refused before allocating.
 */
class KadStreamsProperties {
    @Property(tries = 500)
    void randomBytesGiveTypedErrorsOnly(@ForAll @Size(max = 400) byte[] bytes) {
        try {
            DhtMessage m = KadStreams.read(new ByteArrayInputStream(bytes), DhtMessageCodec.Limits.DEFAULT);
            assertTrue(m != null || bytes.length == 0, "null only at a clean end of stream");
        } catch (IOException expected) {
            assertTrue(expected.getMessage() != null);
        }
    }

    @Property(tries = 200)
    void announcedLengthOverTheLimitIsRefusedBeforeReading(@ForAll @Size(max = 50) byte[] tail,
                                                           @ForAll @net.jqwik.api.constraints.LongRange(min = 64 * 1024 + 1,
                                                                   max = 1L << 40) long length) {
        byte[] prefix = UnsignedVarint.encode(length);
        byte[] in = new byte[prefix.length + tail.length];
        System.arraycopy(prefix, 0, in, 0, prefix.length);
        System.arraycopy(tail, 0, in, prefix.length, tail.length);
        try {
            KadStreams.read(new ByteArrayInputStream(in), DhtMessageCodec.Limits.DEFAULT);
            throw new AssertionError("a " + length + "-byte message was accepted");
        } catch (KadStreams.BadFrameException e) {
            assertTrue(e.error == DhtMessageCodec.Error.TOO_LARGE || e.error == DhtMessageCodec.Error.BAD_VARINT, e.getMessage());
        } catch (IOException e) {
            throw new AssertionError("expected a frame error, got " + e, e);
        }
    }
}
