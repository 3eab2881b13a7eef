package net.sovereignbridge.drivers.audiomodem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.drivers.audiomodem.emulator.EmulatedRoom;
import org.junit.jupiter.api.Test;

/** Sound cards through javax.sound.sampled, here the emulated ones of EmulatedRoom (a MixerProvider). */
class SoundCardTest {
    @Test
    void oneCardPlaysAnotherRecordsAndTheReceiverDecodes() throws Exception {
        try (EmulatedRoom room = new EmulatedRoom(0.5, 240, 700, 0.2, 0.002, 1)) {
            room.addCard("test-room1 card A");
            room.addCard("test-room1 card B");
            try (SoundCard a = SoundCard.open("room1 card A", 100); SoundCard b = SoundCard.open("room1 card B", 100)) {
                byte[] payload = "through the air".getBytes();
                Thread speaker = new Thread(() -> a.play(GgwaveEncoder.encode(payload, GgwaveProtocol.ULTRASOUND_FASTEST, 50)));
                speaker.start();
                GgwaveReceiver receiver = new GgwaveReceiver();
                List<GgwaveDecoder.Frame> frames = new ArrayList<>();
                float[] block = new float[480];
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (frames.isEmpty() && System.nanoTime() < deadline) {
                    int n = b.record(block);
                    frames.addAll(receiver.feed(block, 0, n));
                }
                speaker.join();
                assertEquals(1, frames.size());
                assertArrayEquals(payload, frames.get(0).payload());
            }
        }
    }

    @Test
    void missingAndBusyCardsAreReportedWithWhatToDo() throws Exception {
        SoundCard.SoundCardException missing = assertThrows(SoundCard.SoundCardException.class, () -> SoundCard.open("no such card", 100));
        assertEquals(SoundCard.SoundCardException.Reason.MISSING, missing.reason());
        assertTrue(missing.getMessage().contains("no sound card named 'no such card'"), missing.getMessage());
        try (EmulatedRoom room = new EmulatedRoom(0.5, 0, 0, 0, 0, 2)) {
            room.addCard("test-room2 card");
            try (SoundCard first = SoundCard.open("room2 card", 100)) {
                SoundCard.SoundCardException busy = assertThrows(SoundCard.SoundCardException.class, () -> SoundCard.open("room2 card", 100));
                assertEquals(SoundCard.SoundCardException.Reason.BUSY, busy.reason());
                assertTrue(busy.getMessage().contains("in use by another program"), busy.getMessage());
            }
            try (SoundCard again = SoundCard.open("room2 card", 100)) {
                assertEquals("test-room2 card", again.name());
            }
        }
    }
}
