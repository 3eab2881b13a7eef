package net.sovereignbridge.drivers.kiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ax25UiFrameTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesTheDocumentedVector() {
        // docs/serial.md, vector A1: N0CALL-1 to APZSB1, info "hi"
        Ax25UiFrame f = Ax25UiFrame.of(Callsign.parse("APZSB1"), Callsign.parse("n0call-1"), "hi".getBytes());
        assertEquals("82a0b4a68462e0" + "9c608682989863" + "03f0" + "6869", HEX.formatHex(f.encode()));
    }

    @Test
    void decodesWhatItEncodesWithDigipeaters() throws Ax25Exception {
        Ax25UiFrame f = new Ax25UiFrame(Callsign.parse("CQ"), Callsign.parse("DL1ABC-15"),
                List.of(Callsign.parse("WIDE1-1"), Callsign.parse("WIDE2-2")), 0xF0, new byte[] {0, (byte) 0xC0, 1});
        Ax25UiFrame back = Ax25UiFrame.decode(f.encode());
        assertEquals("CQ", back.destination().toString());
        assertEquals("DL1ABC-15", back.source().toString());
        assertEquals(List.of(Callsign.parse("WIDE1-1"), Callsign.parse("WIDE2-2")), back.digipeaters());
        assertArrayEquals(f.info(), back.info());
    }

    @Test
    void refusesWhatIsNotAUiFrameAndSaysWhere() {
        byte[] ok = Ax25UiFrame.of(Callsign.parse("CQ"), Callsign.parse("N0CALL"), new byte[] {1}).encode();
        Ax25Exception shortOne = assertThrows(Ax25Exception.class, () -> Ax25UiFrame.decode(new byte[10]));
        assertTrue(shortOne.getMessage().contains("10 bytes"), shortOne.getMessage());
        byte[] iFrame = ok.clone();
        iFrame[14] = 0x00;
        Ax25Exception c = assertThrows(Ax25Exception.class, () -> Ax25UiFrame.decode(iFrame));
        assertTrue(c.getMessage().contains("control byte 14"), c.getMessage());
        byte[] badChar = ok.clone();
        badChar[0] = (byte) ('a' << 1);
        Ax25Exception a = assertThrows(Ax25Exception.class, () -> Ax25UiFrame.decode(badChar));
        assertTrue(a.getMessage().contains("address byte 0"), a.getMessage());
        byte[] noEnd = ok.clone();
        noEnd[13] &= (byte) 0xFE; // source not marked last: digipeaters would follow, but the frame ends
        assertThrows(Ax25Exception.class, () -> Ax25UiFrame.decode(noEnd));
    }

    @Test
    void refusesBadCallsigns() {
        assertThrows(IllegalArgumentException.class, () -> Callsign.parse("TOOLONG7"));
        assertThrows(IllegalArgumentException.class, () -> Callsign.parse("N0CALL-16"));
        assertThrows(IllegalArgumentException.class, () -> Callsign.parse("N0-CALL"));
        assertThrows(IllegalArgumentException.class, () -> Callsign.parse(""));
    }
}
