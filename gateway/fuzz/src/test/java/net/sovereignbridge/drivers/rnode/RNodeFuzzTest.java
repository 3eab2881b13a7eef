package net.sovereignbridge.drivers.rnode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.kiss.Kiss;
import net.sovereignbridge.drivers.kiss.KissDecoder;
import net.sovereignbridge.drivers.kiss.KissFrame;
import net.sovereignbridge.drivers.kiss.SerialLink;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * The RNode driver (docs/rnode.md) on whatever bytes come up its serial port: the device side is emulated here (an
 * RNode answering its KISS command set the way its firmware does), and the fuzzer supplies what an RNode, a broken
 * one or some other device on the port sends.
 */
class RNodeFuzzTest {
    private static final RNodeSettings SETTINGS = new RNodeSettings(869_525_000L, 125_000L, 9, 5, 14);

    /**
     * An honest RNode is opened and configured; then the fuzzer's bytes arrive in fuzzed reads (unasked frames,
     * packets, statistics, errors, half frames): every packet handed up is 1..MTU bytes with an RSSI and SNR in the
     * ranges an RNode can report, every error has a description, and afterwards the driver still hears the RNode: a
     * radio-off command is answered (the reader thread survived the garbage and replies still match their commands).
     */
    @FuzzTest
    void unasked(FuzzedDataProvider data) throws Exception {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < 32 && data.remainingBytes() > 0; i++) chunks.add(data.consumeBytes(data.consumeInt(1, 700)));
        EmulatedPort port = new EmulatedPort(null);
        Recorder heard = new Recorder();
        try (RNode rnode = new RNode((device, speed) -> port, "fuzz-rnode", 115200, heard, 5_000)) {
            RNodeInfo info = rnode.open();
            assertEquals(1, info.firmwareMajor());
            rnode.configure(SETTINGS);
            port.serveAndWaitUntilFed(chunks);
            for (Recorder.Packet p : heard.packets) {
                assertTrue(p.length >= 0 && p.length <= RNodeCommand.MTU, "a packet of " + p.length + " bytes");
                assertTrue(p.rssi == Integer.MIN_VALUE || p.rssi >= -RNodeCommand.RSSI_OFFSET && p.rssi <= 255 - RNodeCommand.RSSI_OFFSET,
                        "RSSI " + p.rssi);
                assertTrue(Double.isNaN(p.snr) || p.snr >= -32 && p.snr <= 31.75, "SNR " + p.snr);
            }
            for (String e : heard.errors) AllocationLimit.assertExplained("RNode error", e);
            rnode.radioOff(); // throws RNodeException (a finding) when the answer is no longer heard
            rnode.counters().forEach((name, v) -> assertTrue(name.endsWith("Dbm") || v >= 0, name + " " + v));
        }
    }

    /**
     * The answers to detection are the fuzzer's: {@link RNode#open} either detects an RNode with firmware new enough
     * or fails with an {@link RNodeException} that says why; nothing else escapes, and closing always works.
     */
    @FuzzTest
    void detect(FuzzedDataProvider data) {
        byte[] answer = data.consumeRemainingAsBytes();
        EmulatedPort port = new EmulatedPort(answer);
        RNode rnode = new RNode((device, speed) -> port, "fuzz-rnode", 115200, new Recorder(), 100);
        try {
            RNodeInfo info = rnode.open();
            assertTrue(info.compareFirmware(RNode.MIN_FIRMWARE_MAJOR, RNode.MIN_FIRMWARE_MINOR) >= 0, "firmware " + info);
        } catch (RNodeException e) {
            AllocationLimit.assertExplained(e);
        } catch (net.sovereignbridge.drivers.kiss.SerialPortException e) {
            throw new AssertionError("the emulated port always opens", e);
        } finally {
            rnode.close();
        }
    }

    /** What the driver tells its owner. */
    private static final class Recorder implements RNode.Listener {
        record Packet(int length, int rssi, double snr) {}

        final List<Packet> packets = Collections.synchronizedList(new ArrayList<>());
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onPacket(byte[] data, int rssiDbm, double snrDb) {
            packets.add(new Packet(data.length, rssiDbm, snrDb));
        }

        @Override
        public void onError(int code, String description) {
            errors.add(description);
        }
    }

    /**
     * The device end of the serial port: an RNode (firmware 1.82 on an ESP32) that answers each command as its
     * firmware does, or, for detection, with fixed bytes from the fuzzer; and a way to push unasked bytes and wait
     * until the driver's reader has taken them all.
     */
    private static final class EmulatedPort implements SerialLink {
        private final byte[] detectAnswer;
        private final KissDecoder commands = new KissDecoder(64);
        private final Deque<byte[]> toHost = new ArrayDeque<>();
        private long frequency;
        private long bandwidth;
        private int txPower = 0xFF;
        private int sf = 0xFF;
        private int cr = 0xFF;
        private int radio;
        private int pendingUnasked;
        private boolean readerIdle;

        EmulatedPort(byte[] detectAnswer) {
            this.detectAnswer = detectAnswer;
        }

        @Override
        public synchronized int read(byte[] buffer) {
            if (toHost.isEmpty()) {
                readerIdle = pendingUnasked == 0;
                notifyAll();
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
                if (toHost.isEmpty()) return 0;
            }
            readerIdle = false;
            byte[] next = toHost.peekFirst();
            int n = Math.min(buffer.length, next.length);
            System.arraycopy(next, 0, buffer, 0, n);
            toHost.removeFirst();
            if (n < next.length) {
                byte[] rest = new byte[next.length - n];
                System.arraycopy(next, n, rest, 0, rest.length);
                toHost.addFirst(rest);
            } else if (pendingUnasked > 0) {
                pendingUnasked--;
            }
            return n;
        }

        @Override
        public synchronized void write(byte[] bytes) {
            commands.feed(bytes, 0, bytes.length, this::answer);
            notifyAll();
        }

        /** Queues the chunks as separate reads and returns once the reader asked for more after the last one. */
        synchronized void serveAndWaitUntilFed(List<byte[]> chunks) throws InterruptedException {
            for (byte[] c : chunks) {
                toHost.addLast(c);
                pendingUnasked++;
            }
            readerIdle = false;
            notifyAll();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(readerIdle && toHost.isEmpty())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("the driver's reader stopped reading the port");
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        private void answer(KissFrame f) {
            byte[] d = f.data();
            switch (f.type()) {
                case RNodeCommand.DETECT -> {
                    if (detectAnswer != null) toHost.addLast(detectAnswer);
                    else reply(RNodeCommand.DETECT, RNodeCommand.DETECT_RESPONSE);
                }
                case RNodeCommand.FW_VERSION -> {
                    if (detectAnswer == null) toHost.addLast(Kiss.encode(RNodeCommand.FW_VERSION, new byte[] {1, 82}));
                }
                case RNodeCommand.PLATFORM -> {
                    if (detectAnswer == null) reply(RNodeCommand.PLATFORM, RNodeCommand.PLATFORM_ESP32);
                }
                case RNodeCommand.MCU -> {
                    if (detectAnswer == null) reply(RNodeCommand.MCU, 0x81);
                }
                case RNodeCommand.FREQUENCY -> {
                    long v = u32(d);
                    if (v != 0) frequency = v;
                    toHost.addLast(RNode.frame4(RNodeCommand.FREQUENCY, frequency));
                }
                case RNodeCommand.BANDWIDTH -> {
                    long v = u32(d);
                    if (v != 0) bandwidth = v;
                    toHost.addLast(RNode.frame4(RNodeCommand.BANDWIDTH, bandwidth));
                }
                case RNodeCommand.TXPOWER -> reply(RNodeCommand.TXPOWER, txPower = set(d, txPower));
                case RNodeCommand.SPREADING_FACTOR -> reply(RNodeCommand.SPREADING_FACTOR, sf = set(d, sf));
                case RNodeCommand.CODING_RATE -> reply(RNodeCommand.CODING_RATE, cr = set(d, cr));
                case RNodeCommand.RADIO_STATE -> reply(RNodeCommand.RADIO_STATE, radio = set(d, radio));
                default -> { } // LEAVE and anything else: no answer, as the firmware
            }
        }

        private void reply(int command, int value) {
            toHost.addLast(RNode.frame(command, value));
        }

        private static int set(byte[] d, int current) {
            return d.length == 1 && (d[0] & 0xFF) != 0xFF ? d[0] & 0xFF : current;
        }

        private static long u32(byte[] d) {
            return d.length < 4 ? 0 : ((long) (d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
        }

        @Override
        public void close() {}
    }
}
