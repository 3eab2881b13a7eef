package net.sovereignbridge.drivers.kiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two direwolfs whose audio is cabled together ({@link AudioCable}): a UI frame we give one of them over KISS is
 * modulated by it, demodulated by the other, and handed to us on the other's pty, both ways, with every byte value.
 */
class DirewolfAudioCableTest {
    @TempDir
    Path dir;

    @Test
    void aFrameCrossesFromOneDirewolfToTheOtherBothWays() throws Exception {
        LinkedBlockingQueue<KissFrame> atA = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<KissFrame> atB = new LinkedBlockingQueue<>();
        try (Direwolf a = Direwolf.startWithAudioOut(Files.createDirectories(dir.resolve("a")), "N0CALL-1");
             Direwolf b = Direwolf.startWithAudioOut(Files.createDirectories(dir.resolve("b")), "N0CALL-2");
             AudioCable cable = new AudioCable(a, b);
             KissPort pa = new KissPort(new JSerialCommOpener(), new KissPort.Options(a.pty(), 115200, 4096, 50, 1000),
                     atA::add);
             KissPort pb = new KissPort(new JSerialCommOpener(), new KissPort.Options(b.pty(), 115200, 4096, 50, 1000),
                     atB::add)) {
            pa.open();
            pb.open();
            for (byte[] f : new TncParameters(20, 255, 1, 0, false).commandFrames(0)) {
                pa.write(f);
                pb.write(f);
            }
            byte[] info = new byte[256];
            for (int i = 0; i < info.length; i++) info[i] = (byte) i;
            pa.write(Kiss.data(0, Ax25UiFrame.of(Callsign.parse("SBRDG"), Callsign.parse("N0CALL-1"), info).encode()));
            KissFrame f = atB.poll(30, TimeUnit.SECONDS);
            assertNotNull(f, "b decoded nothing; a said:\n" + a.lines() + "\nb said:\n" + b.lines());
            Ax25UiFrame ui = Ax25UiFrame.decode(f.data());
            assertEquals("N0CALL-1", ui.source().toString());
            assertArrayEquals(info, ui.info());

            pb.write(Kiss.data(0, Ax25UiFrame.of(Callsign.parse("N0CALL-1"), Callsign.parse("N0CALL-2"),
                    new byte[] {0x10, (byte) 0xC0, (byte) 0xDB}).encode()));
            KissFrame back = atA.poll(30, TimeUnit.SECONDS);
            assertNotNull(back, "a decoded nothing; b said:\n" + b.lines());
            assertArrayEquals(new byte[] {0x10, (byte) 0xC0, (byte) 0xDB}, Ax25UiFrame.decode(back.data()).info());
        }
    }
}
