package net.sovereignbridge.drivers.audiomodem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming receiver as a capture thread drives it: 10 ms blocks, answers soon after each end marker, bounded memory. */
class GgwaveReceiverTest {
    @Test
    void framesArriveSoonAfterTheirEndAndMemoryStaysBounded() {
        byte[][] payloads = {"one".getBytes(), "two, in the fast protocol".getBytes(), new byte[140]};
        GgwaveProtocol[] protocols = {GgwaveProtocol.ULTRASOUND_FASTEST, GgwaveProtocol.ULTRASOUND_FAST, GgwaveProtocol.ULTRASOUND_NORMAL};
        List<float[]> parts = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        long position = 0;
        for (int i = 0; i < payloads.length; i++) {
            float[] gap = new float[48_000 * (5 + i)];
            float[] signal = GgwaveEncoder.encode(payloads[i], protocols[i], 40);
            parts.add(gap);
            parts.add(signal);
            position += gap.length + signal.length;
            ends.add(position);
        }
        parts.add(new float[48_000 * 20]);
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        float[] heard = AcousticChannel.noiseOnly(12, 15_000, 19_500, 9).apply(all);

        GgwaveReceiver receiver = new GgwaveReceiver();
        List<GgwaveDecoder.Frame> frames = new ArrayList<>();
        List<Long> fedWhenReturned = new ArrayList<>();
        int maxHeld = 0;
        for (int fed = 0; fed + 480 <= heard.length; fed += 480) {
            List<GgwaveDecoder.Frame> got = receiver.feed(heard, fed, 480);
            for (GgwaveDecoder.Frame f : got) {
                frames.add(f);
                fedWhenReturned.add((long) fed + 480);
            }
            maxHeld = Math.max(maxHeld, receiver.heldSamples());
        }
        frames.addAll(receiver.finish());
        assertEquals(3, frames.size(), frames.toString());
        for (int i = 0; i < 3; i++) {
            assertTrue(frames.get(i).checkPassed(), "frame " + i);
            assertEquals(protocols[i], frames.get(i).protocol());
            assertArrayEquals(payloads[i], frames.get(i).payload());
            long latency = fedWhenReturned.get(i) - ends.get(i);
            assertTrue(latency < 48_000 / 2, "frame " + i + " returned " + latency + " samples after its end");
            long startError = Math.abs(frames.get(i).startSample() - (ends.get(i) - (long) protocols[i].frames(payloads[i].length) * 1024));
            assertTrue(startError < 1024, "frame " + i + " start off by " + startError);
        }
        // The longest transmission ([U] Normal, 140 bytes: 13.5 s) plus windows: never the whole minute.
        assertTrue(maxHeld < 48_000 * 15, "held at most " + maxHeld + " samples");
    }
}
