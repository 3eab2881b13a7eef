package net.sovereignbridge.app.transport.ble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.sovereignbridge.drivers.bluez.MockBluez;
import net.sovereignbridge.drivers.bluez.PrivateSystemBus;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportState;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Foreign centrals write to the transport's GATT service through the mocked bluetoothd: writes at an offset,
 * oversize, out of sequence, before any subscription, and a central that disappears mid-frame.
 */
class BleTransportHostileTest {
    private static final HexFormat HEX = HexFormat.of();
    private PrivateSystemBus bus;
    private MockBluez bluez;
    private BleTransport ble;
    private final java.util.concurrent.LinkedBlockingQueue<byte[]> frames = new java.util.concurrent.LinkedBlockingQueue<>();

    @BeforeEach
    void up() throws Exception {
        bus = PrivateSystemBus.start();
        bluez = MockBluez.start(bus);
        bluez.addAdapter("hci0", "alpha");
        ble = new BleTransport("ble0", new BleTransport.Options("hci0", "", 1, 2_000, 180_000), bus.address(),
                new byte[16], Clock.systemUTC());
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
        assertEquals(TransportState.ACTIVE, ble.state());
    }

    @AfterEach
    void down() throws Exception {
        ble.stop();
        bluez.close();
        bus.close();
    }

    private String write(String central, String hex) {
        return bluez.injectWrite("hci0", central, HEX.parseHex(hex), Map.of("type", new Variant<>("request")));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(condition.getAsBoolean(), what);
    }

    @Test
    void aWriteBeforeAnySubscriptionIsAFrame() throws Exception {
        assertEquals("", write("AA:BB:CC:DD:EE:01", "0010203040"));
        assertEquals("10203040", HEX.formatHex(frames.poll(5, TimeUnit.SECONDS)));
        assertEquals(1, ble.counters().framesReceived());
    }

    @Test
    void offsetsOversizeAndOutOfSequenceFragmentsAreRefused() {
        assertEquals("org.bluez.Error.InvalidOffset", bluez.injectWrite("hci0", "AA:BB:CC:DD:EE:01",
                HEX.parseHex("0010"), Map.of("offset", new Variant<>(new UInt16(1)))));
        assertEquals("org.bluez.Error.InvalidValueLength",
                bluez.injectWrite("hci0", "AA:BB:CC:DD:EE:01", new byte[513], Map.of()));
        assertEquals("org.bluez.Error.Failed", write("AA:BB:CC:DD:EE:01", "8110"));
        assertEquals("org.bluez.Error.Failed", write("AA:BB:CC:DD:EE:01", "410401aabbcc")); // announces 1025 bytes
        assertEquals(0, ble.counters().framesReceived());
        assertTrue(ble.counters().rejected() >= 2);
    }

    @Test
    void aCentralThatVanishesMidFrameLosesThatFrameAndFreesItsSlot() throws Exception {
        // max-links 1: writes of two centrals at once are reassembled, a third is refused
        assertEquals("", write("AA:BB:CC:DD:EE:01", "410010" + "00".repeat(10)));
        assertEquals("", write("AA:BB:CC:DD:EE:02", "0001"));
        assertEquals("org.bluez.Error.NotPermitted", write("AA:BB:CC:DD:EE:03", "0001"));
        bluez.cutLink("hci0", "AA:BB:CC:DD:EE:01");
        await("the half frame was not counted", () -> Long.valueOf(1).equals(ble.statusFields().get("frames-incomplete")));
        assertEquals("", write("AA:BB:CC:DD:EE:03", "0002"));
        frames.poll(5, TimeUnit.SECONDS);
        assertEquals("02", HEX.formatHex(frames.poll(5, TimeUnit.SECONDS)));
    }
}
