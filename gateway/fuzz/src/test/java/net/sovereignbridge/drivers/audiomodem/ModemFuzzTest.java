package net.sovereignbridge.drivers.audiomodem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * The audio modem's decoders (docs/audio-modem.md): WAV files from anyone, the Reed-Solomon decoder, and the
 * streaming ggwave receiver fed whatever a microphone hears.
 */
class ModemFuzzTest {
    private static final long MAX_SAMPLES = 200_000;

    /**
     * A WAV file: a FormatException (or an IOException) with a message, or audio of at most the allowed samples,
     * read with memory proportional to what the file holds (not to what its header claims); what we write back
     * reads again as the same number of samples.
     */
    @FuzzTest
    void wav(FuzzedDataProvider data) throws IOException {
        byte[] in = data.consumeRemainingAsBytes();
        WavFile.Audio audio;
        try {
            audio = AllocationLimit.check("WavFile.read", 8L * in.length + 300_000,
                    () -> WavFile.read(new ByteArrayInputStream(in), MAX_SAMPLES));
        } catch (IOException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        assertTrue(audio.samples().length <= MAX_SAMPLES);
        WavFile.Audio again = WavFile.read(new ByteArrayInputStream(WavFile.pcm16(audio.samples(), audio.sampleRate())),
                MAX_SAMPLES);
        assertEquals(audio.samples().length, again.samples().length);
        assertEquals(audio.sampleRate(), again.sampleRate());
    }

    /**
     * Reed-Solomon: a typed refusal, or a message whose codeword differs from the received word in at most
     * half the parity symbols (a bounded-distance decoder never "corrects" further than that), the count of
     * corrections being that distance.
     */
    @FuzzTest
    void reedSolomon(FuzzedDataProvider data) {
        int k = data.consumeInt(1, 140);
        int n = data.consumeInt(1, Math.min(114, 255 - k));
        byte[] word = data.consumeBytes(k + n);
        if (word.length < k + n) return;
        ReedSolomon rs = new ReedSolomon(k, n);
        ReedSolomon.Decoded d;
        try {
            d = rs.decode(word, 0);
        } catch (ReedSolomon.UncorrectableException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        byte[] parity = rs.parity(d.message(), 0);
        int distance = 0;
        for (int i = 0; i < k; i++) distance += d.message()[i] == word[i] ? 0 : 1;
        for (int i = 0; i < n; i++) distance += parity[i] == word[k + i] ? 0 : 1;
        assertTrue(2 * distance <= n, distance + " symbols changed with " + n + " parity symbols");
        assertEquals(distance, d.correctedSymbols());
    }

    /**
     * The streaming receiver on arbitrary 16-bit samples in arbitrary blocks: never an exception; what it holds
     * stays under the longest transmission plus a block; every frame that passed its checks carries 1-140 bytes
     * and comes out the same when our encoder sends it again.
     */
    @FuzzTest
    void receiver(FuzzedDataProvider data) {
        int block = data.consumeInt(1, 4096);
        byte[] raw = data.consumeRemainingAsBytes();
        float[] samples = new float[raw.length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((raw[2 * i] & 0xff) | (raw[2 * i + 1] << 8)) / 32768f;
        }
        GgwaveReceiver receiver = new GgwaveReceiver();
        List<GgwaveDecoder.Frame> frames = new ArrayList<>();
        int bound = GgwaveProtocol.NORMAL.frames(GgwaveProtocol.MAX_PAYLOAD) * GgwaveProtocol.SAMPLES_PER_FRAME + 5 * 4096 + block;
        for (int at = 0; at < samples.length; at += block) {
            frames.addAll(receiver.feed(samples, at, Math.min(block, samples.length - at)));
            assertTrue(receiver.heldSamples() <= bound, "held " + receiver.heldSamples() + " samples, bound " + bound);
        }
        frames.addAll(receiver.finish());
        for (GgwaveDecoder.Frame f : frames) {
            if (!f.checkPassed()) continue;
            int length = f.payload().length;
            assertTrue(length >= 1 && length <= GgwaveProtocol.MAX_PAYLOAD, length + " bytes");
            float[] again = GgwaveEncoder.encode(f.payload(), f.protocol(), 50);
            float[] padded = new float[again.length + 8192];
            System.arraycopy(again, 0, padded, 4096, again.length);
            List<GgwaveDecoder.Frame> back = GgwaveDecoder.decode(padded);
            assertEquals(1, back.size());
            assertArrayEquals(f.payload(), back.get(0).payload());
        }
    }
}
