package net.sovereignbridge.app.transport.kiss;

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
import net.sovereignbridge.drivers.kiss.Callsign;
import net.sovereignbridge.drivers.kiss.TncParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code kiss} section's keys: values read, bad values refused with file, line and key; a missing device. */
class KissTransportFactoryTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String transport) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, "lan:\n  enabled: false\ntransports:\n  - " + transport + "\n");
        return GatewayConfig.load(f, null, null);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        GatewayConfig c = load("{type: kiss, id: kiss1, device: /dev/ttyUSB3, callsign: n0call-7, speed: 57600, "
                + "kiss-port: 2, air-bitrate: 9600, mtu: 200, txdelay: 30, persistence: 255, slottime: 5, "
                + "full-duplex: true, neighbour-timeout-ms: 60000, duty-cycle: 0.01, queue-limit: 16}");
        var s = (KissTransportFactory.Settings) c.transport("kiss1").orElseThrow();
        KissTransport.Options o = s.options();
        assertEquals("/dev/ttyUSB3", o.device());
        assertEquals(57600, o.speed());
        assertEquals(new Callsign("N0CALL", 7), o.callsign());
        assertEquals(2, o.kissPort());
        assertEquals(9600, o.airBitrate());
        assertEquals(200, o.mtu());
        assertEquals(new TncParameters(30, 255, 5, 0, true), o.tnc());
        assertEquals(60000, o.neighbourTimeoutMillis());
        assertEquals(0.01, o.dutyCycle());
        assertEquals(16, o.queueLimit());
    }

    @Test
    void theDefaultsAreTheSpecsAndTheProfileDeclaresTheRate() throws Exception {
        GatewayConfig c = load("{type: kiss, id: kiss0, device: " + dir + ", callsign: N0CALL}");
        var s = (KissTransportFactory.Settings) c.transport("kiss0").orElseThrow();
        assertEquals(TncParameters.defaults(), s.options().tnc());
        assertEquals(9600, s.options().speed());
        var up = assertInstanceOf(TransportFactory.Up.class, s.bringUp(new TransportContext(null)));
        var profile = up.transport().profile();
        assertEquals(256, profile.mtu());
        // 1200 bit/s on air less the 20 bytes of AX.25 and HDLC overhead per 256-byte frame
        assertEquals(1200L * 256 / 276, profile.nominalBitrate());
        assertTrue(profile.nominalLatencyMillis() >= 500, "TXDELAY 50 keys the transmitter 500 ms first");
    }

    @Test
    void aMissingDeviceIsDownWithWhatToDo() throws Exception {
        GatewayConfig c = load("{type: kiss, id: kiss0, device: " + dir.resolve("ttyUSB9") + ", callsign: N0CALL}");
        var down = assertInstanceOf(TransportFactory.Down.class,
                c.transport("kiss0").orElseThrow().bringUp(new TransportContext(null)));
        assertTrue(down.reason().contains("ttyUSB9") && down.reason().contains("sbridge transport start kiss0"),
                down.reason());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{type: kiss, id: kiss0, callsign: N0CALL}|transports[0].device: missing",
        "{type: kiss, id: kiss0, device: /dev/ttyS0}|transports[0].callsign: missing",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: TOOLONGCALL}|transports[0].callsign: callsign must be 1 to 6",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: N0CALL-16}|transports[0].callsign: SSID",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: SBRDG}|transports[0].callsign: SBRDG is the broadcast",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: N0CALL, kiss-port: 16}|transports[0].kiss-port",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: N0CALL, mtu: 257}|transports[0].mtu",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: N0CALL, txdelay: 256}|transports[0].txdelay",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: N0CALL, speed: 0}|transports[0].speed",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: N0CALL, baud: 9600}|baud",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: N0CALL, duty-cycle: 0}|transports[0].duty-cycle",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: N0CALL, duty-cycle: 1.5}|transports[0].duty-cycle",
        "{type: kiss, id: kiss0, device: /dev/ttyS0, callsign: N0CALL, queue-limit: 0}|transports[0].queue-limit",
    })
    void badValuesAreRefusedWithFileLineAndKey(String section, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(section));
        assertTrue(e.getMessage().startsWith(dir.resolve("sbridge.yaml").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
