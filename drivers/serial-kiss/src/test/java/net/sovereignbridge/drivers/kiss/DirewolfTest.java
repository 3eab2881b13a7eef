package net.sovereignbridge.drivers.kiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our KISS and AX.25 against direwolf 1.6, a real software TNC, on its pseudo-terminal through jSerialComm. */
class DirewolfTest {
    @TempDir
    Path dir;
    private Direwolf direwolf;
    private KissPort port;
    private final LinkedBlockingQueue<KissFrame> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        direwolf = Direwolf.start(dir, "N0CALL");
        port = new KissPort(new JSerialCommOpener(), new KissPort.Options(direwolf.pty(), 115200, 4096, 50, 1000),
                received::add);
        port.open();
    }

    @AfterEach
    void stop() throws Exception {
        if (port != null) port.close();
        if (direwolf != null) direwolf.close();
    }

    @Test
    void direwolfTransmitsOurUiFrameAndTakesOurParameters() throws Exception {
        for (byte[] f : new TncParameters(30, 63, 10, 0, false).commandFrames(0)) port.write(f);
        byte[] info = "sbridge test frame \u0001\u00c0".getBytes(StandardCharsets.ISO_8859_1);
        port.write(Kiss.data(0, Ax25UiFrame.of(Callsign.parse("APZSB1"), Callsign.parse("N0CALL-1"), info).encode()));
        // direwolf prints each frame it keys up for: channel 0, "L" (low priority), monitor format
        String tx = direwolf.awaitLine(l -> l.startsWith("[0L] N0CALL-1>APZSB1:"), Duration.ofSeconds(20));
        assertTrue(tx.contains("sbridge test frame <0x01>"), tx);
        assertFalse(direwolf.lines().contains("Invalid KISS"), direwolf.lines());
    }

    @Test
    void direwolfRejectsAFrameThatIsNotAx25() throws Exception {
        port.write(Kiss.data(0, new byte[] {0x51, 0x12, 0x34, 1, 2, 3}));
        direwolf.awaitLine(l -> l.contains("Invalid KISS data frame"), Duration.ofSeconds(60)); // slow only on a loaded machine
    }

    @Test
    void aPacketDirewolfDecodesFromAudioReachesUs() throws Exception {
        direwolf.receiveOverAir(dir, "W1AW-5>APZSB1:hello over the air");
        KissFrame f = received.poll(30, TimeUnit.SECONDS);
        assertTrue(f != null, "no frame from direwolf; it said:\n" + direwolf.lines());
        assertTrue(f.isData());
        assertEquals(0, f.port());
        Ax25UiFrame ui = Ax25UiFrame.decode(f.data());
        assertEquals("W1AW-5", ui.source().toString());
        assertEquals("APZSB1", ui.destination().toString());
        // gen_packets ends each information field with the line feed of its text file
        assertArrayEquals("hello over the air\n".getBytes(StandardCharsets.US_ASCII), ui.info());
    }
}
