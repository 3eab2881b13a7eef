package net.sovereignbridge.app.transport.ble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.bluez.MockBluez;
import net.sovereignbridge.drivers.bluez.PrivateSystemBus;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A central nobody here wrote, Debian's python3-bleak, finds the transport's service through the mocked
 * bluetoothd, reads its identity (the node's mesh address) and writes a frame to it.
 */
class BleakCentralTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    @Test
    void bleakDiscoversTheServiceReadsTheIdentityAndWrites() throws Exception {
        byte[] identity = HEX.parseHex("00112233445566778899aabbccddeeff");
        LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        try (PrivateSystemBus bus = PrivateSystemBus.start(); MockBluez bluez = MockBluez.start(bus)) {
            bluez.addAdapter("hci0", "alpha");
            bluez.addAdapter("hci1", "phone");
            BleTransport ble = new BleTransport("ble0", new BleTransport.Options("hci0", "sbridge", 4, 5_000, 180_000),
                    bus.address(), identity, Clock.systemUTC());
            ble.start(new TransportListener() {
                @Override
                public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality q) {
                    frames.add(frame);
                }

                @Override
                public void onStateChanged(Transport t, TransportState s, String reason) {
                }

                @Override
                public void onNeighbour(Transport t, Neighbour n, boolean up) {
                }
            });
            try {
                Path script = dir.resolve("bleak_central.py");
                try (InputStream in = BleakCentralTest.class.getResourceAsStream("bleak_central.py")) {
                    Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
                }
                ProcessBuilder pb = new ProcessBuilder(MockBluez.PYTHON, script.toString(), "hci1",
                        BleTransport.LAYOUT.serviceUuid(), BleTransport.LAYOUT.writeUuid(),
                        BleTransport.LAYOUT.identityUuid(), "00" + "1068656c6c6f").redirectErrorStream(true);
                pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
                Process bleak = pb.start();
                assertTrue(bleak.waitFor(60, TimeUnit.SECONDS), "bleak did not finish");
                String out = new String(bleak.getInputStream().readAllBytes());
                assertEquals(0, bleak.exitValue(), out + bluez.log());
                assertTrue(out.contains("IDENTITY " + HEX.formatHex(identity)), out);
                assertTrue(out.contains("WROTE"), out);
                assertEquals("1068656c6c6f", HEX.formatHex(frames.poll(5, TimeUnit.SECONDS)));
            } finally {
                ble.stop();
            }
        }
    }
}
