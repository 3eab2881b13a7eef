package net.sovereignbridge.app.transport.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.drivers.satellite.ApiMessage;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole daemon (configuration file, the factories of {@link TransportFactories#all()}, SQLite, node) with a
 * {@code {type: satellite}} transport on loopback multicast, fed by gpg and the python3-zfec Blockstream sender
 * through a lossy, reordering, duplicating air: a signed file lands in the download directory; a sealed bundle
 * from an offline gateway delivers its message once, also when the carousel repeats it and after a restart;
 * messages for another key, bad CRCs, truncated and garbage input are counted and change nothing.
 */
class SatelliteDaemonTest {
    @TempDir Path dir;
    private Gateway gateway;
    private Uplink uplink;

    @AfterEach void tearDown() throws Exception {
        if (gateway != null) gateway.close();
        if (uplink != null) uplink.close();
    }

    private static int freePort() throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Gateway start(String name, String transports) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\nlan:\n  enabled: false\np2p:\n  enabled: false\ncoap:\n  enabled: false\n"
                + "mqtt:\n  enabled: false\n" + transports);
        return Gateway.start(GatewayConfig.load(file, dir.resolve(name), null, GatewayConfig.Role.GATEWAY, TransportFactories.all()));
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(done.getAsBoolean(), "timed out waiting for " + what);
    }

    private SatelliteTransport sat() {
        return (SatelliteTransport) gateway.node().transports().get("sat0");
    }

    @Test void fileAndBundleFromTheSkyWithLossReorderDuplicatesAndHostileInput() throws Exception {
        int port = freePort();
        Path downloads = dir.resolve("downloads");
        String satSection = "transports:\n  - {type: satellite, id: sat0, interface: lo, port: " + port + ", download-dir: " + downloads
                + ", signers: " + dir.resolve("signers.asc") + "}\n";
        uplink = new Uplink(dir.resolve("sky"), port);
        Files.write(dir.resolve("signers.asc"), uplink.senderPublicKey());
        gateway = start("bravo", satSection);
        assertEquals(TransportState.ACTIVE, sat().state(), sat().stateReason());
        Path keyFile = dir.resolve("bravo").resolve(SatelliteKeyFile.FILE_NAME);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        uplink.trust(SatelliteKeyFile.publicKeyArmored(SatelliteKeyFile.load(keyFile)));
        String recipient = "sbridge gateway " + gateway.node().address().toHex();

        // A bundle from an offline gateway that holds a message for bravo (it knows bravo's key from an earlier meeting).
        Gateway alpha = start("alpha", "");
        byte[] bundle;
        try {
            long now = System.currentTimeMillis();
            alpha.node().peers().learn(gateway.node().identity().publicIdentity(), "bravo", now, now);
            alpha.node().send(gateway.node().address(), "news from orbit".getBytes(StandardCharsets.UTF_8), SendOptions.defaults());
            bundle = alpha.node().exportBundle();
        } finally {
            alpha.close();
        }
        LinkedBlockingQueue<Inbox.Message> delivered = new LinkedBlockingQueue<>();
        gateway.node().addDeliveryListener(delivered::add);

        // Hostile input first: garbage datagrams, a message for another key, a bad CRC, a truncated ciphertext.
        uplink.send(new byte[] {1, 2, 3});
        uplink.send(new byte[] {(byte) 0x42, 1, 0, 0, 0, 0, 0, 1, 9});
        uplink.send(Uplink.impair(uplink.frame(uplink.encryptFile("not-ours.txt", new byte[5000], "other@sat.test", true), 0.25), 1));
        byte[] badCrc = new ApiMessage("bad.txt", "payload".getBytes(StandardCharsets.UTF_8)).encapsulate();
        badCrc[257] ^= 0x5a;
        uplink.send(uplink.frame(uplink.encrypt(badCrc, recipient, true), 0));
        byte[] cut = uplink.encryptFile("cut.bin", new byte[20_000], recipient, false);
        uplink.send(uplink.frame(java.util.Arrays.copyOf(cut, cut.length / 2), 0));
        DownlinkProcessor.Counters c = sat().outcomes();
        await("the hostile messages to be counted", () -> c.notForUs.sum() == 1 && c.badCrc.sum() == 1 && c.malformed.sum() == 1);
        assertTrue(sat().receiverStats().malformed.sum() >= 2, sat().receiverStats().toString());

        // A signed file through the lossy FEC air lands in the download directory under its own name.
        byte[] update = new byte[300_000];
        new Random(7).nextBytes(update);
        uplink.send(Uplink.impair(uplink.frame(uplink.encryptFile("update.tar", update, recipient, true), 0.25), 2));
        await("the file", () -> c.files.sum() == 1);
        assertArrayEquals(update, Files.readAllBytes(downloads.resolve("update.tar")));

        // The bundle, then the carousel's repeat of the same ciphertext as a new message: delivered once.
        byte[] bundleCipher = uplink.encryptFile("mesh.sbb", bundle, recipient, true);
        uplink.send(Uplink.impair(uplink.frame(bundleCipher, 0.25), 3));
        Inbox.Message m = delivered.poll(60, TimeUnit.SECONDS);
        assertNotNull(m, "the bundle's message was not delivered; " + sat().statusFields());
        assertEquals("news from orbit", new String(m.body(), StandardCharsets.UTF_8));
        uplink.send(Uplink.impair(uplink.frame(bundleCipher, 0.25), 4));
        await("the repeat to be recognised", () -> c.repeats.sum() == 1);
        assertEquals(1, c.bundles.sum());

        // A path in the file name stays inside the download directory; a clash does not overwrite.
        uplink.send(uplink.frame(uplink.encryptFile("../../etc/update.tar", "second".getBytes(StandardCharsets.UTF_8), recipient, true), 0.1));
        await("the second file", () -> c.files.sum() == 2);
        assertEquals("second", Files.readString(downloads.resolve("update-1.tar")));
        assertArrayEquals(update, Files.readAllBytes(downloads.resolve("update.tar")));

        // Receive-only: the node never sends on it.
        assertThrows(TransportException.class, () -> sat().send(new Endpoint("sat0", "x"), new byte[10]));
        assertEquals(0, sat().counters().framesSent());

        // After a restart the same bundle, freshly encrypted (another ciphertext), is still recognised.
        gateway.close();
        gateway = start("bravo", satSection);
        gateway.node().addDeliveryListener(delivered::add);
        DownlinkProcessor.Counters after = sat().outcomes();
        uplink.send(Uplink.impair(uplink.frame(uplink.encryptFile("mesh.sbb", bundle, recipient, true), 0.25), 5));
        await("the repeat after restart", () -> after.repeats.sum() == 1);
        assertEquals(0, after.bundles.sum());
        assertEquals(1, gateway.node().inbox().list(0, 100).size(), "one message in the inbox");
        assertTrue(delivered.isEmpty());
    }
}
