package net.sovereignbridge.drivers.rnode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.kiss.JSerialCommOpener;
import net.sovereignbridge.drivers.kiss.PtyPair;
import net.sovereignbridge.drivers.kiss.SerialLink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RNode driver over socat pty pairs: against the documented byte transcript (docs/rnode.md, the test playing
 * the device), and against emulated RNodes that answer as the firmware does and carry packets between them.
 */
class RNodeTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final RNodeSettings EU = new RNodeSettings(869_525_000L, 250_000L, 7, 5, 14);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private record Heard(byte[] data, int rssi, double snr) {}

    private static final class Recorder implements RNode.Listener {
        final LinkedBlockingQueue<Heard> packets = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Integer> errors = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> states = new LinkedBlockingQueue<>();

        @Override
        public void onPacket(byte[] data, int rssiDbm, double snrDb) {
            packets.add(new Heard(data, rssiDbm, snrDb));
        }

        @Override
        public void onError(int code, String description) {
            errors.add(code);
        }

        @Override
        public void onStateChanged(boolean usable, String problem) {
            states.add(usable ? "" : problem);
        }
    }

    /** A pty pair with an emulated RNode on one end; returns the host's device path. */
    private PtyPair pair(String name) throws Exception {
        Path d = java.nio.file.Files.createDirectories(dir.resolve(name));
        return keep(new PtyPair(d));
    }

    private EmulatedRNode emulate(PtyPair p, RNodeAir air, EmulatedRNode.Model model) throws Exception {
        SerialLink deviceSide = new JSerialCommOpener().open(p.b(), 115200);
        return keep(new EmulatedRNode(deviceSide, air, model));
    }

    private RNode host(PtyPair p, Recorder r) {
        return keep(new RNode(new JSerialCommOpener(), p.a(), 115200, r, 2_000));
    }

    // ---------------------------------------------------------------------------------------------- transcript

    /** Reads from the device side until {@code expected} hex has come, and checks it byte for byte. */
    private static void expect(SerialLink device, String expected) throws Exception {
        byte[] want = HEX.parseHex(expected.replace(" ", ""));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.size() < want.length && System.nanoTime() < deadline) {
            int n = device.read(buf);
            got.write(buf, 0, n);
        }
        assertEquals(expected.replace(" ", ""), HEX.formatHex(got.toByteArray()));
    }

    private static void reply(SerialLink device, String hex) throws Exception {
        device.write(HEX.parseHex(hex.replace(" ", "")));
    }

    @Test
    void detectAndConfigureFollowTheDocumentedTranscript() throws Exception {
        PtyPair p = pair("t");
        SerialLink device = new JSerialCommOpener().open(p.b(), 115200);
        keep(device::close);
        Recorder r = new Recorder();
        RNode rnode = host(p, r);
        CompletableFuture<RNodeInfo> opened = CompletableFuture.supplyAsync(() -> {
            try {
                return rnode.open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        // T1: detect, firmware version, platform, MCU
        expect(device, "c00873c0 c05000c0 c04800c0 c04900c0");
        reply(device, "c00846c0 c0500156c0 c04880c0 c04981c0");
        RNodeInfo info = opened.get(5, TimeUnit.SECONDS);
        assertEquals("1.86", info.firmwareVersion());
        assertEquals("RNode firmware 1.86 on ESP32 (MCU 0x81)", info.toString());

        CompletableFuture<Void> configured = CompletableFuture.runAsync(() -> {
            try {
                rnode.configure(EU);
            } catch (RNodeException e) {
                throw new RuntimeException(e);
            }
        });
        // T2: 869.525 MHz, 250 kHz, 14 dBm, SF7, CR 4/5, radio on; the RNode echoes each value
        expect(device, "c00133d3e608c0 c002" + "0003d090c0 c0030ec0 c00407c0 c00505c0 c00601c0");
        reply(device, "c00133d3e608c0 c0020003d090c0 c0030ec0 c00407c0 c00505c0 c00601c0 c00601c0");
        // T3: read-back; the SX1276 holds 869.524963 MHz (its 61 Hz step), within the tolerance
        expect(device, "c00100000000c0 c00200000000c0 c003ffc0 c004ffc0 c005ffc0");
        reply(device, "c00133d3e5e3c0 c0020003d090c0 c0030ec0 c00407c0 c00505c0");
        configured.get(5, TimeUnit.SECONDS);

        // T4: a packet from the air: RSSI -80 dBm (77 = -80 + 157), SNR 9.5 dB (26 = 38 quarter dB), then DATA
        reply(device, "c0234dc0 c02426c0 c000 10dbdc68 69c0");
        Heard h = r.packets.poll(5, TimeUnit.SECONDS);
        assertNotNull(h);
        assertEquals("10c06869", HEX.formatHex(h.data()));
        assertEquals(-80, h.rssi());
        assertEquals(9.5, h.snr());

        // T5: a packet to send, and the error the RNode reports when its radio could not send it
        rnode.send(HEX.parseHex("10c0db"));
        expect(device, "c00010dbdcdbddc0");
        reply(device, "c09002c0");
        assertEquals(RNodeCommand.ERROR_TX_FAILED, r.errors.poll(5, TimeUnit.SECONDS));
        assertEquals(1L, rnode.counters().get("txFailures"));

        // T6: leaving: radio off, then LEAVE
        rnode.close();
        expect(device, "c00600c0 c00affc0");
    }

    // ---------------------------------------------------------------------------------------------- emulator

    @Test
    void twoRNodesCarryPacketsOverTheEmulatedAirWithRssiAndSnr() throws Exception {
        RNodeAir air = new RNodeAir(-92, -3.25);
        PtyPair pa = pair("a");
        PtyPair pb = pair("b");
        EmulatedRNode ea = emulate(pa, air, EmulatedRNode.Model.sx1276Esp32());
        EmulatedRNode eb = emulate(pb, air, EmulatedRNode.Model.sx1276Esp32());
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RNode a = host(pa, ra);
        RNode b = host(pb, rb);
        assertEquals("1.86", a.open().firmwareVersion());
        b.open();
        a.configure(EU);
        b.configure(EU);
        assertTrue(ea.radioOnline() && eb.radioOnline());

        byte[] small = "hello over LoRa".getBytes();
        a.send(small);
        Heard h = rb.packets.poll(10, TimeUnit.SECONDS);
        assertNotNull(h, "b heard nothing");
        assertArrayEquals(small, h.data());
        assertEquals(-92, h.rssi());
        assertEquals(-3.25, h.snr());
        assertEquals(1, ea.loraFramesSent());

        byte[] big = new byte[RNodeCommand.MTU]; // two LoRa frames on air, FEND and FESC bytes inside
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 13);
        b.send(big);
        Heard back = ra.packets.poll(10, TimeUnit.SECONDS);
        assertNotNull(back, "a heard nothing");
        assertArrayEquals(big, back.data());
        assertEquals(2, eb.loraFramesSent());
        assertThrows(IllegalArgumentException.class, () -> a.send(new byte[RNodeCommand.MTU + 1]));
        assertThrows(IllegalArgumentException.class, () -> a.send(new byte[0]));
        // ESP32 firmware sends channel statistics after transmitting; the driver keeps them
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!a.counters().containsKey("rnodeNoiseFloorDbm") && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(-110L, a.counters().get("rnodeNoiseFloorDbm"));
    }

    @Test
    void valuesTheRNodeRoundsOrClampsAreRefusedByName() throws Exception {
        RNodeAir air = new RNodeAir(-80, 5);
        PtyPair p = pair("c");
        emulate(p, air, EmulatedRNode.Model.sx1276Esp32());
        RNode rnode = host(p, new Recorder());
        rnode.open();
        RNodeException bw = assertThrows(RNodeException.class,
                () -> rnode.configure(new RNodeSettings(869_525_000L, 200_000L, 7, 5, 14)));
        assertTrue(bw.getMessage().contains("bandwidth 250000 Hz") && bw.getMessage().contains("200000 Hz"),
                bw.getMessage());
        RNodeException power = assertThrows(RNodeException.class,
                () -> rnode.configure(new RNodeSettings(869_525_000L, 250_000L, 7, 5, 20)));
        assertTrue(power.getMessage().contains("TX power 17 dBm") && power.getMessage().contains("20 dBm"),
                power.getMessage());
        rnode.configure(EU); // and a good set still works on the same RNode
        assertEquals(EU, rnode.settings());
        assertThrows(IllegalArgumentException.class, () -> new RNodeSettings(100_000_000L, 250_000L, 7, 5, 14));
        assertThrows(IllegalArgumentException.class, () -> new RNodeSettings(869_525_000L, 250_000L, 13, 5, 14));
        assertThrows(IllegalArgumentException.class, () -> new RNodeSettings(869_525_000L, 250_000L, 7, 9, 14));
    }

    @Test
    void oldFirmwareAndSilentDevicesAreRefusedWithWhatToDo() throws Exception {
        PtyPair old = pair("old");
        emulate(old, new RNodeAir(-80, 5), EmulatedRNode.Model.sx1276Esp32().withFirmware(1, 40));
        RNodeException e = assertThrows(RNodeException.class, () -> host(old, new Recorder()).open());
        assertTrue(e.getMessage().contains("1.40 is older than 1.52"), e.getMessage());

        PtyPair silent = pair("silent"); // a serial device that is no RNode: nothing answers
        keep(new JSerialCommOpener().open(silent.b(), 115200)::close);
        RNodeException none = assertThrows(RNodeException.class, () -> host(silent, new Recorder()).open());
        assertTrue(none.getMessage().contains("no RNode answered the detect request on " + silent.a()),
                none.getMessage());
    }

    @Test
    void hostileBytesFromTheDeviceNeitherStopNorCorruptTheDriver() throws Exception {
        RNodeAir air = new RNodeAir(-80, 5);
        PtyPair p = pair("h");
        EmulatedRNode e = emulate(p, air, EmulatedRNode.Model.sx1276Esp32());
        Recorder r = new Recorder();
        RNode rnode = host(p, r);
        rnode.open();
        rnode.configure(EU);
        Random random = new Random(15);
        byte[] noise = new byte[256 * 1024];
        random.nextBytes(noise);
        for (int i = 0; i < noise.length; i++) if ((noise[i] & 0xFF) == 0xC0 && random.nextInt(4) != 0) noise[i] = 1;
        e.writeRaw(noise);
        byte[] endless = new byte[64 * 1024]; // a frame that never ends, far over the decoder's bound
        endless[0] = (byte) 0xC0;
        e.writeRaw(endless);
        e.writeRaw(HEX.parseHex("c02500c0c090c0c077010203c0c02301c0")); // short stats, empty error,
        // an unknown command, a lone RSSI; then a real packet must still arrive whole
        r.packets.clear();
        e.writeRaw(HEX.parseHex("c0234dc0c02426c0c000101112c0"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Heard last = null;
        while (System.nanoTime() < deadline) {
            Heard h = r.packets.poll(100, TimeUnit.MILLISECONDS);
            if (h != null && HEX.formatHex(h.data()).equals("101112")) {
                last = h;
                break;
            }
        }
        assertNotNull(last, "the packet after the noise did not arrive");
        assertEquals(-80, last.rssi());
        assertTrue(rnode.counters().get("kissOversize") >= 1);
        assertTrue(r.packets.stream().allMatch(h -> h.data().length <= RNodeCommand.MTU));
        rnode.configure(EU); // the command path still answers
    }

    @Test
    void aReplugedRNodeIsDetectedAndConfiguredAgain() throws Exception {
        RNodeAir air = new RNodeAir(-80, 5);
        PtyPair p = pair("r");
        EmulatedRNode first = emulate(p, air, EmulatedRNode.Model.sx1276Esp32());
        Recorder r = new Recorder();
        RNode rnode = host(p, r);
        rnode.open();
        rnode.configure(EU);
        assertTrue(first.radioOnline());
        p.unplug();
        first.close();
        String gone = r.states.poll(10, TimeUnit.SECONDS);
        assertNotNull(gone);
        assertTrue(gone.contains(p.a()), gone);
        p.restart();
        EmulatedRNode second = emulate(p, air, EmulatedRNode.Model.sx1276Esp32()); // rebooted: radio off
        assertEquals("", r.states.poll(15, TimeUnit.SECONDS));
        assertTrue(second.radioOnline(), "the driver did not switch the replugged RNode's radio on");
        assertEquals(1L, rnode.counters().get("reconfigurations"));
        assertEquals("", rnode.problem());
    }
}
