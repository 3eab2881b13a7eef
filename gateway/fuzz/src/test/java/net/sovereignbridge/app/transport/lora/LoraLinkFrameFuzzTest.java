package net.sovereignbridge.app.transport.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.sovereignbridge.fuzz.AllocationLimit;
import net.sovereignbridge.mesh.frame.Decoded;

/** The LoRa link header: every packet a radio hands us, whatever its length and bytes. */
class LoraLinkFrameFuzzTest {
    @FuzzTest
    void linkHeader(byte[] input) {
        Decoded<LoraLinkFrame> d = AllocationLimit.check("LoraLinkFrame.decode", LoraLinkFrame.MAX_PACKET,
                () -> LoraLinkFrame.decode(input));
        if (d instanceof Decoded.Error<LoraLinkFrame> e) {
            AllocationLimit.assertExplained(e.reason().name(), e.detail());
            return;
        }
        assertArrayEquals(input, d.value().encode(), "a packet that decodes re-encodes to the same bytes");
    }
}
