package net.sovereignbridge.app.transport.rnode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.drivers.kiss.JSerialCommOpener;
import net.sovereignbridge.drivers.kiss.PtyPair;
import net.sovereignbridge.drivers.rnode.RNodeSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code rnode} section's keys: values read, defaults from the region and preset, the region's rules checked
 * when the file is read, bad values refused with file, line and key; bring-up refusals (no device, no RNode).
 */
class RNodeTransportFactoryTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String transport) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, "lan:\n  enabled: false\ntransports:\n  - " + transport + "\n");
        return GatewayConfig.load(f, null, null);
    }

    private RNodeTransportFactory.Settings settings(GatewayConfig c, String id) {
        return (RNodeTransportFactory.Settings) c.transport(id).orElseThrow();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        var s = settings(load("{type: rnode, id: rnode1, device: /dev/ttyACM0, speed: 57600, region: EU868, "
                + "frequency: 869500000, spreading-factor: 9, bandwidth: 125000, coding-rate: 7, tx-power: 10, "
                + "antenna-gain: 3, internet-share: 0.5}"), "rnode1");
        assertEquals("/dev/ttyACM0", s.device());
        assertEquals(57600, s.speed());
        assertEquals(new RNodeSettings(869_500_000L, 125_000L, 9, 7, 10), s.radio());
        assertEquals("EU868 g3", s.subBand().name());
        assertEquals(0.5, s.internetShare());
    }

    @Test
    void defaultsComeFromTheRegionAndTheLongFastPreset() throws Exception {
        var eu = settings(load("{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU868}"), "rnode0");
        // the region's last channel (869.525 MHz, the 10 % sub-band), SF11 250 kHz 4/5, the SX1276's 17 dBm
        assertEquals(new RNodeSettings(869_525_000L, 250_000L, 11, 5, 17), eu.radio());
        assertEquals(115_200, eu.speed());
        var eu433 = settings(load("{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU433, channel: 0, "
                + "preset: long-slow}"), "rnode0");
        // 12 dBm EIRP in EU433 bounds the default power
        assertEquals(new RNodeSettings(433_175_000L, 125_000L, 12, 8, 12), eu433.radio());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{type: rnode, id: rnode0, region: EU868}|transports[0].device: missing",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0}|transports[0].region: missing",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: MARS}|transports[0].region: 'MARS' is not one of",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU868, channel: 4}|transports[0].channel",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU868, frequency: 869650000}|transports[0].frequency: 869.650 MHz with 250.0 kHz is outside EU868",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU868, bandwidth: 200000}|transports[0].bandwidth: 200000 Hz is no LoRa bandwidth",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU868, spreading-factor: 6}|transports[0].spreading-factor",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU868, coding-rate: 9}|transports[0].coding-rate",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU433, tx-power: 14}|transports[0].tx-power: 14 dBm + 0 dBi antenna is above the limit of EU433 (12 dBm EIRP)",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU868, channel: 0, bandwidth: 125000, antenna-gain: 6, tx-power: 14}|transports[0].tx-power",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU868, preset: fastest}|transports[0].preset",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU868, internet-share: 2}|transports[0].internet-share",
        "{type: rnode, id: rnode0, device: /dev/ttyACM0, region: EU868, sf: 7}|sf",
    })
    void badValuesAreRefusedWithFileLineAndKey(String section, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(section));
        assertTrue(e.getMessage().startsWith(dir.resolve("sbridge.yaml").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aMissingDeviceIsDownWithWhatToDo() throws Exception {
        var s = settings(load("{type: rnode, id: rnode0, device: " + dir.resolve("ttyACM9") + ", region: EU868}"),
                "rnode0");
        var down = assertInstanceOf(TransportFactory.Down.class, s.bringUp(new TransportContext(null)));
        assertTrue(down.reason().contains("ttyACM9") && down.reason().contains("sbridge transport start rnode0"),
                down.reason());
    }

    @Test
    void aSerialDeviceThatIsNoRNodeIsDownWithWhatToDo() throws Exception {
        try (PtyPair pair = new PtyPair(dir); var silent = new JSerialCommOpener().open(pair.b(), 115200)) {
            var s = settings(load("{type: rnode, id: rnode0, device: " + pair.a() + ", region: EU868}"), "rnode0");
            var down = assertInstanceOf(TransportFactory.Down.class, s.bringUp(new TransportContext(null)));
            assertTrue(down.reason().startsWith("rnode0: no RNode answered the detect request on " + pair.a()),
                    down.reason());
        }
    }
}
