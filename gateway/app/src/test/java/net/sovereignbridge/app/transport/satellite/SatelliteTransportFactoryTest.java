package net.sovereignbridge.app.transport.satellite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Set;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.drivers.satellite.OpenPgpKeys;
import net.sovereignbridge.mesh.transport.TransportKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code satellite} section's keys: values read, bad values refused with file, line and key; each Down reason. */
class SatelliteTransportFactoryTest {
    @TempDir Path dir;

    private GatewayConfig load(String transport) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, "lan:\n  enabled: false\ntransports:\n  - " + transport + "\n");
        return GatewayConfig.load(f, null, null);
    }

    private SatelliteTransportFactory.Settings settings(String transport) throws Exception {
        return (SatelliteTransportFactory.Settings) load(transport).transport("sat0").orElseThrow();
    }

    @Test void everyKeyIsRead() throws Exception {
        var s = settings("{type: satellite, id: sat0, interface: lo, group: 239.1.2.3, port: 5000, channels: [1, 4], key: /k.asc,"
                + " signers: /s.asc, require-signature: true, download-dir: /d, max-download-bytes: 2097152, max-download-files: 7,"
                + " max-message-bytes: 1048576, expiry-seconds: 60}");
        assertEquals("lo", s.listen().interfaceName());
        assertEquals("239.1.2.3", s.listen().group().getHostAddress());
        assertEquals(5000, s.listen().port());
        assertEquals(Set.of(1, 4), s.listen().channels());
        assertEquals(60_000, s.listen().expiryMillis());
        assertEquals(Path.of("/k.asc"), s.keyFile());
        assertEquals(Path.of("/s.asc"), s.signersFile());
        assertTrue(s.requireSignature());
        assertEquals(Path.of("/d"), s.downloadDir());
        assertEquals(2_097_152, s.maxDownloadBytes());
        assertEquals(7, s.maxDownloadFiles());
        assertEquals(1_048_576, s.maxMessageBytes());
    }

    @Test void defaultsAreBlockstreamsAndTheTransportIsReceiveOnly() throws Exception {
        var s = settings("{type: satellite, id: sat0, interface: lo}");
        assertEquals("239.0.0.2", s.listen().group().getHostAddress());
        assertEquals(4433, s.listen().port());
        assertEquals(Set.of(1), s.listen().channels());
        assertEquals(7_200_000, s.listen().expiryMillis());
        var up = assertInstanceOf(TransportFactory.Up.class, s.bringUp(new TransportContext(null, dir.resolve("state"), null)));
        assertEquals(TransportKind.RECEIVE_ONLY, up.transport().profile().kind());
        assertFalse(up.transport().profile().canSend());
        assertFalse(up.transport().profile().unicast());
        assertTrue(Files.isDirectory(dir.resolve("state").resolve("satellite").resolve("sat0")), "default download directory");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state").resolve(SatelliteKeyFile.FILE_NAME))));
        up.resources().close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "interface: ''                       | interface: missing",
            "interface: lo, group: 10.0.0.1      | group: 10.0.0.1 is not an IPv4 multicast group",
            "interface: lo, group: 'ff02::1'     | group: ff02::1 is not an IPv4 multicast group",
            "interface: lo, port: 0              | port: 0 is out of range",
            "interface: lo, channels: [1, 300]   | channels: '300' is not a channel number",
            "interface: lo, channels: []         | channels: empty",
            "interface: lo, require-signature: true | require-signature: needs signers",
            "interface: lo, max-message-bytes: 10 | max-message-bytes: 10 is out of range",
            "interface: lo, expiry-seconds: 1    | expiry-seconds: 1 is out of range",
            "interface: lo, frequency: 12        | frequency: unknown key"})
    void badValuesNameFileLineAndKey(String keys, String message) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load("{type: satellite, id: sat0, " + keys + "}"));
        assertTrue(e.getMessage().contains("sbridge.yaml:"), e.getMessage());
        assertTrue(e.getMessage().contains("transports[0]." + message), e.getMessage());
    }

    @Test void downReasonsSayWhatToDo() throws Exception {
        var noIf = settings("{type: satellite, id: sat0, interface: dvb9_0}").bringUp(new TransportContext(null, dir, null));
        assertTrue(((TransportFactory.Down) noIf).reason().contains("no network interface dvb9_0"), noIf.toString());

        Path key = dir.resolve("exported.asc");
        Files.write(key, OpenPgpKeys.armor(OpenPgpKeys.generate("x", new SecureRandom(), new Date()).getEncoded()));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        var open = settings("{type: satellite, id: sat0, interface: lo, key: " + key + "}").bringUp(new TransportContext(null, dir, null));
        String reason = ((TransportFactory.Down) open).reason();
        assertTrue(reason.contains("chmod 600 " + key), reason);
        assertFalse(reason.contains("PGP"), "the key's content is never in a message");

        Path garbage = dir.resolve("garbage.asc");
        Files.writeString(garbage, "not a key");
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-------"));
        var bad = settings("{type: satellite, id: sat0, interface: lo, key: " + garbage + "}").bringUp(new TransportContext(null, dir, null));
        assertTrue(((TransportFactory.Down) bad).reason().contains("is not an OpenPGP secret key"), bad.toString());

        var signers = settings("{type: satellite, id: sat0, interface: lo, signers: " + garbage + "}").bringUp(new TransportContext(null, dir, null));
        assertTrue(((TransportFactory.Down) signers).reason().contains("signers file"), signers.toString());
    }

    @Test void aSatelliteShorthandIsRefused() throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, "lan:\n  enabled: false\nsatellite:\n  interface: lo\n");
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(f, null, null));
        assertTrue(e.getMessage().contains("type: satellite"), e.getMessage());
    }
}
