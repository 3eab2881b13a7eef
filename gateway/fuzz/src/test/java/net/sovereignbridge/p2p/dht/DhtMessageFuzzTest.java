package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import net.sovereignbridge.fuzz.AllocationLimit;

/** Kademlia DHT messages (the kad protobuf) and their uvarint-framed stream form. */
class DhtMessageFuzzTest {
    private static final DhtMessageCodec.Limits LIMITS = DhtMessageCodec.Limits.DEFAULT;

    @FuzzTest
    void message(byte[] input) {
        DhtMessageCodec.Result r = AllocationLimit.check("DhtMessageCodec.decode", 4L * input.length,
                () -> DhtMessageCodec.decode(input, LIMITS));
        if (r instanceof DhtMessageCodec.Failed f) {
            AllocationLimit.assertExplained(f.error().name(), f.detail());
            return;
        }
        DhtMessage m = ((DhtMessageCodec.Ok) r).message();
        assertTrue(m.closerPeers().size() <= LIMITS.maxPeers() && m.providerPeers().size() <= LIMITS.maxPeers());
        byte[] encoded = DhtMessageCodec.encode(m);
        DhtMessageCodec.Result again = DhtMessageCodec.decode(encoded, LIMITS);
        if (!(again instanceof DhtMessageCodec.Ok ok)) throw new AssertionError("our encoding of " + m + " fails: " + again);
        assertEquals(m, ok.message(), "decode(encode(m)) == m");
        assertEquals(0, ok.dropped());
    }

    @FuzzTest
    void stream(byte[] input) {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        for (int i = 0; i < 4; i++) {
            try {
                DhtMessage m = AllocationLimit.check("KadStreams.read", 4L * LIMITS.maxMessageBytes(), () -> KadStreams.read(in, LIMITS));
                if (m == null) return;
            } catch (IOException e) {
                AllocationLimit.assertExplained(e);
                return;
            }
        }
    }
}
