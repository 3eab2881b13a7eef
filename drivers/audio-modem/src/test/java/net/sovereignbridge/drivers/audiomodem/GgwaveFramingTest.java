package net.sovereignbridge.drivers.audiomodem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The on-air bytes and durations of docs/audio-modem.md. */
class GgwaveFramingTest {
    @Test
    void documentedVectors() {
        assertEquals("0206046869bebf0000", HexFormat.of().formatHex(GgwaveEncoder.encodedBytes("hi".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("091b12736f7665726569676e705954050000",
                HexFormat.of().formatHex(GgwaveEncoder.encodedBytes("sovereign".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void durationsAndRates() {
        // 140 bytes: 3 + 140 + 56 parity = 199 bytes = 67 chunks.
        assertEquals(67, GgwaveProtocol.chunks(140));
        assertEquals(2 * 16 + 67 * 3, GgwaveProtocol.ULTRASOUND_FASTEST.frames(140));
        assertEquals(225.4, GgwaveProtocol.ULTRASOUND_FASTEST.netBitRate(140), 0.1);
        assertEquals("ggwave-u-fastest", GgwaveProtocol.ULTRASOUND_FASTEST.cliName());
        assertEquals(GgwaveProtocol.FAST, GgwaveProtocol.fromCliName("ggwave-fast"));
    }

    @Test
    void payloadBoundsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> GgwaveEncoder.encodedBytes(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> GgwaveEncoder.encodedBytes(new byte[141]));
        assertThrows(IllegalArgumentException.class, () -> GgwaveEncoder.encode(new byte[1], GgwaveProtocol.FAST, 101));
    }
}
