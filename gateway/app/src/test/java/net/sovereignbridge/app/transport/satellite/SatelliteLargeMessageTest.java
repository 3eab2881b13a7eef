package net.sovereignbridge.app.transport.satellite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.drivers.satellite.BlockstreamPacket;
import net.sovereignbridge.drivers.satellite.RealPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The largest message Blockstream's framing carries with 10 % FEC (80 MiB of payload, about 63 000 fragments),
 * made by gpg and python3-zfec, into a running daemon with 2 % loss: saved intact, with the heap's growth
 * measured. And a flood of fragments of messages that never complete: held within the bound, the oldest dropped,
 * a valid message after it still taken.
 */
class SatelliteLargeMessageTest {
    @TempDir Path dir;
    private Gateway gateway;
    private Uplink uplink;

    @AfterEach void tearDown() throws Exception {
        if (gateway != null) gateway.close();
        if (uplink != null) uplink.close();
    }

    private Gateway start(int port, String extra) throws Exception {
        Path file = dir.resolve("bravo.yaml");
        Files.writeString(file, "node:\n  name: bravo\nlan:\n  enabled: false\np2p:\n  enabled: false\ncoap:\n  enabled: false\n"
                + "mqtt:\n  enabled: false\ntransports:\n  - {type: satellite, id: sat0, interface: lo, port: " + port
                + ", download-dir: " + dir.resolve("downloads") + extra + "}\n");
        return Gateway.start(GatewayConfig.load(file, dir.resolve("bravo"), null, GatewayConfig.Role.GATEWAY, TransportFactories.all()));
    }

    private SatelliteTransport sat() {
        return (SatelliteTransport) gateway.node().transports().get("sat0");
    }

    private static int freePort() throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void await(String what, int seconds, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(done.getAsBoolean(), "timed out waiting for " + what);
    }

    private String recipient() throws Exception {
        uplink.trust(SatelliteKeyFile.publicKeyArmored(SatelliteKeyFile.load(dir.resolve("bravo").resolve(SatelliteKeyFile.FILE_NAME))));
        return "sbridge gateway " + gateway.node().address().toHex();
    }

    private static String sha256(Path f) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) d.update(b, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Sends the sender peer's datagram file as it streams from disk, never ahead of the receiver by more than its socket buffer. */
    private long sendFile(Path grams, int dropEvery) throws Exception {
        long sent = 0, index = 0, base = sat().receiverStats().datagrams.sum();
        byte[] g = new byte[65536]; // one buffer: the sender adds no garbage to the heap being measured
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(grams), 1 << 20))) {
            while (true) {
                int len;
                try {
                    len = in.readUnsignedShort();
                } catch (EOFException end) {
                    return sent;
                }
                in.readFully(g, 0, len);
                if (index++ % dropEvery == dropEvery - 1) continue;
                uplink.send(g, len);
                sent++;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (sent - (sat().receiverStats().datagrams.sum() - base) > 1000 && System.nanoTime() < deadline) Thread.sleep(1);
            }
        }
    }

    @Test void largestMessageWithFecIntoTheDaemonWithBoundedHeap() throws Exception {
        int port = freePort();
        uplink = new Uplink(dir.resolve("sky"), port);
        gateway = start(port, "");
        String to = recipient();
        // the encapsulated file, written to disk in pieces: the test holds none of the 80 MiB in memory
        Path apiMessage = dir.resolve("api-message"), original = dir.resolve("original");
        long size = 80L << 20;
        CRC32 crc = new CRC32();
        Random r = new Random(11);
        byte[] block = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(original)) {
            for (long w = 0; w < size; w += block.length) { r.nextBytes(block); crc.update(block); o.write(block); }
        }
        try (OutputStream o = Files.newOutputStream(apiMessage); InputStream in = Files.newInputStream(original)) {
            byte[] header = new byte[260];
            System.arraycopy("big.bin".getBytes(), 0, header, 0, 7);
            ByteBuffer.wrap(header, 256, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
            o.write(header);
            in.transferTo(o);
        }
        Path cipher = dir.resolve("big.gpg");
        uplink.gpg.run("--trust-model", "always", "--compress-algo", "none", "--recipient", to, "--output", cipher.toString(), "--encrypt", apiMessage.toString());
        Files.delete(apiMessage);
        Path script = RealPeer.script(uplink.dir, "blockstream_send.py"), grams = dir.resolve("big.grams");
        RealPeer.run(uplink.dir, "/usr/bin/python3", script.toString(), cipher.toString(), grams.toString(), "1", "7", "0.1");
        Files.delete(cipher);

        System.gc();
        long before = heapUsed();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
        long t0 = System.nanoTime();
        long sent = sendFile(grams, 50); // 2 % lost, within every object's parity
        DownlinkProcessor.Counters c = sat().outcomes();
        await("the 80 MiB file", 300, () -> c.files.sum() == 1);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM")).findFirst().orElse("?");
        System.out.printf("satellite large message: %d datagrams sent, %d ms, heap before %d MiB, peak %d MiB (growth %d MiB), %s%n",
                sent, millis, before >> 20, peak >> 20, (peak - before) >> 20, hwm);
        assertEquals(sha256(original), sha256(dir.resolve("downloads").resolve("big.bin")));
        assertEquals(0, sat().receiverStats().evicted.sum());
        assertEquals(0, sat().receiverStats().malformed.sum());
        // Live at the peak: the fragments (about 92 MB of payload arrays) and the decoded ciphertext (84 MB) once;
        // the plaintext streams to disk. The peak also counts garbage not yet collected (parsed datagrams, FEC
        // work arrays), so the bound is loose; what it excludes is the old path's four more copies (growing
        // buffer, its copy, the plaintext, the payload).
        assertTrue(peak - before < 4 * size, "heap grew by " + ((peak - before) >> 20) + " MiB for an 80 MiB message");
    }

    @Test void floodOfNeverCompletingMessagesStaysWithinTheBoundAndValidMessagesStillArrive() throws Exception {
        int port = freePort();
        uplink = new Uplink(dir.resolve("sky"), port);
        gateway = start(port, ", max-message-bytes: 4194304");
        String to = recipient();
        byte[] payload = new byte[BlockstreamPacket.MAX_PAYLOAD];
        long sent = 0, base = sat().receiverStats().datagrams.sum();
        for (int i = 0; i < 20_000; i++) { // 29 MB of first fragments of 20000 messages, each more-fragments-follow
            uplink.send(new BlockstreamPacket(true, 1, i % 7, 1_000_000 + i, payload).encode());
            sent++;
            while (sent - (sat().receiverStats().datagrams.sum() - base) > 1000) Thread.sleep(1);
        }
        await("the flood to be read", 60, () -> sat().receiverStats().datagrams.sum() - base >= 20_000);
        assertTrue(sat().receiverStats().evicted.sum() > 10_000, sat().receiverStats().toString());
        byte[] text = "still here".getBytes();
        uplink.send(Uplink.impair(uplink.frame(uplink.encryptFile("after-flood.txt", text, to, false), 0.25), 1));
        DownlinkProcessor.Counters c = sat().outcomes();
        await("the message after the flood", 60, () -> c.files.sum() == 1);
        assertEquals("still here", Files.readString(dir.resolve("downloads").resolve("after-flood.txt")));
    }

    private static long heapUsed() {
        long used = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) used += p.getUsage().getUsed();
        return used;
    }
}
