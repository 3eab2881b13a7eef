package net.sovereignbridge.drivers.kiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The port over a socat pty pair and jSerialComm: frames both ways, errors that say why, a device that comes back. */
class KissPortTest {
    @TempDir
    Path dir;

    private static KissPort.Options options(String device) {
        return new KissPort.Options(device, 115200, 1024, 20, 200);
    }

    @Test
    void framesCrossThePairBothWays() throws Exception {
        try (PtyPair pair = new PtyPair(dir)) {
            LinkedBlockingQueue<KissFrame> atA = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<KissFrame> atB = new LinkedBlockingQueue<>();
            try (KissPort a = new KissPort(new JSerialCommOpener(), options(pair.a()), atA::add);
                 KissPort b = new KissPort(new JSerialCommOpener(), options(pair.b()), atB::add)) {
                a.open();
                b.open();
                byte[] big = new byte[1000];
                for (int i = 0; i < big.length; i++) big[i] = (byte) i; // holds FEND and FESC bytes
                a.write(Kiss.data(0, big));
                b.write(Kiss.data(3, new byte[] {(byte) 0xC0}));
                KissFrame atBFrame = atB.poll(10, TimeUnit.SECONDS);
                KissFrame atAFrame = atA.poll(10, TimeUnit.SECONDS);
                assertArrayEquals(big, atBFrame.data());
                assertEquals(3, atAFrame.port());
                assertArrayEquals(new byte[] {(byte) 0xC0}, atAFrame.data());
            }
        }
    }

    @Test
    void aMissingDeviceIsNamedWithWhatToDo() {
        SerialPortException e = assertThrows(SerialPortException.class,
                () -> new JSerialCommOpener().open(dir.resolve("ttyUSB9").toString(), 115200));
        assertEquals(SerialPortException.Reason.MISSING, e.reason());
        assertTrue(e.getMessage().contains("ttyUSB9") && e.getMessage().contains("/dev/serial/by-id/"), e.getMessage());
    }

    @Test
    void aDeviceThatIsNotASerialPortIsRefused() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("notatty"), "x");
        SerialPortException e = assertThrows(SerialPortException.class,
                () -> new JSerialCommOpener().open(file.toString(), 115200));
        assertTrue(e.getMessage().contains("notatty"), e.getMessage());
    }

    @Test
    void aDeviceThatVanishesMidFrameIsReopenedAndTheHalfFrameIsDropped() throws Exception {
        try (PtyPair pair = new PtyPair(dir)) {
            LinkedBlockingQueue<KissFrame> atB = new LinkedBlockingQueue<>();
            AtomicInteger connects = new AtomicInteger();
            LinkedBlockingQueue<String> gone = new LinkedBlockingQueue<>();
            KissPort.Listener listener = new KissPort.Listener() {
                @Override
                public void onFrame(KissFrame frame) {
                    atB.add(frame);
                }

                @Override
                public void onConnected() {
                    connects.incrementAndGet();
                }

                @Override
                public void onDisconnected(String reason) {
                    gone.add(reason);
                }
            };
            try (KissPort b = new KissPort(new JSerialCommOpener(), options(pair.b()), listener)) {
                b.open();
                try (KissPort a = new KissPort(new JSerialCommOpener(), options(pair.a()), f -> { })) {
                    a.open();
                    a.write(new byte[] {(byte) Kiss.FEND, 0, 1, 2, 3}); // a frame without its end
                    Thread.sleep(200); // let B read the half frame before the device goes (not an assertion)
                }
                pair.unplug();
                assertTrue(gone.poll(10, TimeUnit.SECONDS) != null, "B never noticed the device went away");
                assertTrue(!b.connected() && !b.problem().isEmpty());
                pair.restart();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!b.connected() && System.nanoTime() < deadline) Thread.sleep(20);
                assertTrue(b.connected(), "B did not reopen: " + b.problem());
                assertEquals(2, connects.get());
                assertEquals(1, b.reconnects());
                try (KissPort a = new KissPort(new JSerialCommOpener(), options(pair.a()), f -> { })) {
                    a.open();
                    a.write(new byte[] {4, 5, (byte) Kiss.FEND}); // would end the half frame had it been kept
                    a.write(Kiss.data(0, new byte[] {9}));
                    KissFrame f = atB.poll(10, TimeUnit.SECONDS);
                    assertArrayEquals(new byte[] {9}, f.data());
                    assertEquals(0, atB.size());
                }
            }
        }
    }
}
