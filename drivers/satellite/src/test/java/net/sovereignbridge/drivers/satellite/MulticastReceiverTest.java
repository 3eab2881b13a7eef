package net.sovereignbridge.drivers.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Blockstream sender peer (real zfec) sends to 239.0.0.2 on loopback; the receiver joins on lo. */
class MulticastReceiverTest {
    @TempDir Path dir;

    @Test void receivesFecMessageOverLoopbackMulticast() throws Exception {
        byte[] payload = new byte[200_000];
        new Random(1).nextBytes(payload);
        byte[] data = new ApiMessage("sky.bin", payload).encapsulate();
        Path f = dir.resolve("in");
        Files.write(f, data);
        ReceiverStats stats = new ReceiverStats();
        Reassembler r = new Reassembler(Reassembler.DEFAULT_EXPIRY_MILLIS, Reassembler.DEFAULT_MAX_PENDING_BYTES, stats);
        LinkedBlockingQueue<ReceivedMessage> got = new LinkedBlockingQueue<>();
        List<String> bad = new CopyOnWriteArrayList<>();
        try (MulticastReceiver rx = new MulticastReceiver("lo", InetAddress.getByName(MulticastReceiver.DEFAULT_GROUP), 0, Set.of(1), r, stats, System::currentTimeMillis)) {
            int port = rx.localPort();
            Thread t = new Thread(() -> { try { rx.run(got::add, bad::add); } catch (Exception e) { bad.add(e.toString()); } });
            t.start();
            try (java.net.MulticastSocket garbage = new java.net.MulticastSocket()) { // a foreign sender on the same group
                garbage.setNetworkInterface(java.net.NetworkInterface.getByName("lo"));
                garbage.send(new java.net.DatagramPacket(new byte[3], 3, InetAddress.getByName(MulticastReceiver.DEFAULT_GROUP), port));
            }
            Path script = RealPeer.script(dir, "blockstream_send.py");
            RealPeer.run(dir, "/usr/bin/python3", script.toString(), f.toString(), dir.resolve("out").toString(), "1", "42", "0.25",
                    MulticastReceiver.DEFAULT_GROUP, Integer.toString(port));
            ReceivedMessage m = got.poll(30, TimeUnit.SECONDS);
            assertTrue(m != null, "no message; " + stats + " bad=" + bad);
            assertEquals(42, m.sequence());
            assertArrayEquals(payload, ApiMessage.decapsulate(m.data()).payload());
        }
        assertEquals(1, stats.messages.sum());
        assertTrue(bad.stream().anyMatch(s -> s.contains("shorter than the 8-byte header")), bad.toString());
    }
}
