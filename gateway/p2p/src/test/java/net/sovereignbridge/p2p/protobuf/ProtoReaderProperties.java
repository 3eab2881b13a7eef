package net.sovereignbridge.p2p.protobuf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The protobuf reader under identify, the Noise payload, the peer record envelope and Kad: walking
 * random bytes with any mix of reads gives a ProtoException naming where, never another exception, and
 * no field over the limit asked for.
 */
class ProtoReaderProperties {
    @Property(tries = 1000)
    void randomBytesGiveProtoExceptionsOnly(@ForAll @Size(max = 300) byte[] bytes,
                                            @ForAll @IntRange(min = 0, max = 64) int maxLength) {
        ProtoReader r = new ProtoReader("fuzz", bytes);
        try {
            int fields = 0;
            while (r.next()) {
                assertTrue(++fields <= bytes.length, "each field consumes at least one byte");
                switch (r.wireType()) {
                    case 0 -> r.varint();
                    case 2 -> {
                        if ((r.field() & 1) == 0) {
                            assertTrue(r.bytes(maxLength).length <= maxLength);
                        } else {
                            assertTrue(r.string(maxLength).length() <= maxLength);
                        }
                    }
                    default -> r.skip();
                }
            }
        } catch (ProtoException e) {
            assertTrue(e.getMessage().contains("fuzz"), "the error names what was decoded: " + e.getMessage());
        }
    }
}
