package net.sovereignbridge.drivers.audiomodem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ggwave mode through the simulated room (seeded, so every run sees the same noise) and against the
 * inputs a microphone or a file can hand us. Our encoder's waveform is ggwave's sample for sample
 * (GgwaveInteropTest), so these results hold for ggwave senders too.
 */
class GgwaveChannelTest {
    private static final AcousticChannel.Echo[] ROOM = {new AcousticChannel.Echo(240, 0.4), new AcousticChannel.Echo(700, 0.2)};

    private static float[] recording(float[] signal, int lead, int tail) {
        float[] r = new float[lead + signal.length + tail];
        System.arraycopy(signal, 0, r, lead, signal.length);
        return r;
    }

    @Test
    void fastestSurvivesNoiseEchoAndClockDriftAtSixDecibels() {
        for (int trial = 0; trial < 6; trial++) {
            byte[] payload = new byte[16];
            new Random(trial).nextBytes(payload);
            float[] sent = recording(GgwaveEncoder.encode(payload, GgwaveProtocol.ULTRASOUND_FASTEST, 50), 12_000 + 37 * trial, 12_000);
            double ppm = trial % 2 == 0 ? 100 : -100;
            float[] heard = new AcousticChannel(6, 15_000, 19_500, AcousticChannel.Noise.WHITE, ROOM, ppm, 0, trial).apply(sent);
            List<GgwaveDecoder.Frame> frames = GgwaveDecoder.decode(heard);
            assertEquals(1, frames.size(), "trial " + trial + ": one transmission");
            assertTrue(frames.get(0).checkPassed(), "trial " + trial + ": checks pass");
            assertArrayEquals(payload, frames.get(0).payload(), "trial " + trial);
            assertTrue(frames.get(0).toneSnrDb() > 3, "trial " + trial + ": tone SNR " + frames.get(0).toneSnrDb());
        }
    }

    @Test
    void severalTransmissionsInOneRecordingAreAllFound() {
        byte[] a = "first".getBytes();
        byte[] b = "second, a little longer".getBytes();
        float[] one = GgwaveEncoder.encode(a, GgwaveProtocol.ULTRASOUND_NORMAL, 30);
        float[] two = GgwaveEncoder.encode(b, GgwaveProtocol.ULTRASOUND_FAST, 30);
        float[] rec = new float[one.length + two.length + 3 * 24_000];
        System.arraycopy(one, 0, rec, 24_000, one.length);
        System.arraycopy(two, 0, rec, 2 * 24_000 + one.length, two.length);
        List<GgwaveDecoder.Frame> frames = GgwaveDecoder.decode(AcousticChannel.noiseOnly(15, 15_000, 19_500, 3).apply(rec));
        assertEquals(2, frames.size());
        assertArrayEquals(a, frames.get(0).payload());
        assertEquals(GgwaveProtocol.ULTRASOUND_NORMAL, frames.get(0).protocol());
        assertArrayEquals(b, frames.get(1).payload());
        assertEquals(GgwaveProtocol.ULTRASOUND_FAST, frames.get(1).protocol());
    }

    @Test
    void clippedLoudSignalStillDecodes() {
        byte[] payload = "clipped".getBytes();
        float[] s = recording(GgwaveEncoder.encode(payload, GgwaveProtocol.ULTRASOUND_FASTEST, 100), 5_000, 5_000);
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.max(-0.25f, Math.min(0.25f, 4 * s[i]));
        }
        List<GgwaveDecoder.Frame> frames = GgwaveDecoder.decode(s);
        assertEquals(1, frames.size());
        assertArrayEquals(payload, frames.get(0).payload());
    }

    @Test
    void silenceAndRandomSamplesYieldNothing() {
        assertEquals(List.of(), GgwaveDecoder.decode(new float[60 * 48_000]));
        assertEquals(List.of(), GgwaveDecoder.decode(new float[100]), "shorter than one window");
        float[] noise = new float[10 * 48_000];
        Random rnd = new Random(5);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = rnd.nextFloat() * 2 - 1;
        }
        assertTrue(GgwaveDecoder.decode(noise).stream().noneMatch(GgwaveDecoder.Frame::checkPassed));
    }

    @Test
    void truncatedTransmissionIsReportedAsFailedCheckNotAsData() {
        float[] s = GgwaveEncoder.encode(new byte[40], GgwaveProtocol.ULTRASOUND_NORMAL, 50);
        float[] cut = new float[s.length / 2];
        System.arraycopy(s, 0, cut, 0, cut.length);
        List<GgwaveDecoder.Frame> frames = GgwaveDecoder.decode(cut);
        assertEquals(1, frames.size(), "the start marker is seen");
        assertEquals(false, frames.get(0).checkPassed());
        assertEquals(null, frames.get(0).payload());
    }

    @Test
    void wavFilesRoundTripAndBadOnesAreRefusedWithTheReason() throws Exception {
        byte[] payload = "wav".getBytes();
        float[] s = GgwaveEncoder.encode(payload, GgwaveProtocol.ULTRASOUND_FAST, 50);
        WavFile.Audio audio = WavFile.read(new ByteArrayInputStream(WavFile.pcm16(s, 48_000)), 10_000_000);
        assertEquals(48_000, audio.sampleRate());
        assertArrayEquals(payload, GgwaveDecoder.decode(audio).get(0).payload());

        WavFile.Audio other = WavFile.read(new ByteArrayInputStream(WavFile.pcm16(s, 44_100)), 10_000_000);
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class, () -> GgwaveDecoder.decode(other));
        assertTrue(rate.getMessage().contains("44100 Hz"), rate.getMessage());

        // A header announcing 1 GB of audio is refused before anything is allocated for it.
        ByteBuffer huge = ByteBuffer.wrap(WavFile.pcm16(new float[16], 48_000)).order(ByteOrder.LITTLE_ENDIAN);
        huge.putInt(40, 1 << 30);
        WavFile.FormatException big = assertThrows(WavFile.FormatException.class,
                () -> WavFile.read(new ByteArrayInputStream(huge.array()), 10 * 60 * 48_000));
        assertTrue(big.getMessage().contains("more than"), big.getMessage());

        assertThrows(WavFile.FormatException.class, () -> WavFile.read(new ByteArrayInputStream("not a wav file".getBytes()), 100));

        // A header that claims more than the file holds yields what it holds (found by ModemFuzzTest#wav: memory
        // followed the claim); absurd channel counts are refused.
        ByteBuffer claims = ByteBuffer.wrap(WavFile.pcm16(new float[8], 48_000)).order(ByteOrder.LITTLE_ENDIAN);
        claims.putInt(40, 2 * 150_000);
        assertEquals(8, WavFile.read(new ByteArrayInputStream(claims.array()), 10 * 60 * 48_000).samples().length);
        ByteBuffer wide = ByteBuffer.wrap(WavFile.pcm16(new float[8], 48_000)).order(ByteOrder.LITTLE_ENDIAN);
        wide.putShort(22, (short) 1280);
        WavFile.FormatException channels = assertThrows(WavFile.FormatException.class,
                () -> WavFile.read(new ByteArrayInputStream(wide.array()), 100));
        assertTrue(channels.getMessage().contains("1280 channels; at most 8"), channels.getMessage());
        byte[] eightBit = WavFile.pcm16(new float[16], 48_000);
        eightBit[34] = 8;
        WavFile.FormatException format = assertThrows(WavFile.FormatException.class,
                () -> WavFile.read(new ByteArrayInputStream(eightBit), 100));
        assertTrue(format.getMessage().contains("8 bits"), format.getMessage());
    }
}
