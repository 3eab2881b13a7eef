package net.sovereignbridge.drivers.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The 260-byte API header's file name, whole and streamed. */
class ApiMessageTest {
    @Test
    void aUtf8NameRoundTrips() throws Exception {
        byte[] wire = new ApiMessage("grüße.txt", new byte[] {1, 2, 3}).encapsulate();
        ApiMessage m = ApiMessage.decapsulate(wire);
        assertEquals("grüße.txt", m.fileName());
        assertArrayEquals(new byte[] {1, 2, 3}, m.payload());
    }

    /**
     * Found by SatelliteFuzzTest#apiHeader: a name that is not UTF-8 was decoded with replacement characters,
     * so the message carried another name, here one too long to encapsulate again (484 bytes for 255).
     */
    @Test
    void aNameThatIsNotUtf8IsRefusedWholeAndStreamed() throws Exception {
        byte[] wire = new ApiMessage("x", new byte[] {7}).encapsulate();
        for (int i = 0; i < 200; i++) wire[i] = (byte) 0xFF;
        MalformedPacketException whole = assertThrows(MalformedPacketException.class, () -> ApiMessage.decapsulate(wire));
        assertTrue(whole.getMessage().contains("bytes 0..199 of the API header is not UTF-8"), whole.getMessage());
        ApiMessage.Unwrapper u = new ApiMessage.Unwrapper(new ByteArrayOutputStream());
        u.write(wire, 0, wire.length);
        MalformedPacketException streamed = assertThrows(MalformedPacketException.class, u::finish);
        assertEquals(whole.getMessage(), streamed.getMessage());
    }
}
