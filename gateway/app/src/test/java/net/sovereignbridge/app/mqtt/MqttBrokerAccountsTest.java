package net.sovereignbridge.app.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import net.sovereignbridge.app.services.LocalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MqttBrokerAccountsTest {
    @TempDir
    Path dir;

    @Test
    void theHashIsMosquittoPasswdsOwn() throws Exception {
        Path f = dir.resolve("made-by-mosquitto");
        Files.createFile(f);
        LocalTools.Result r = LocalTools.run(15, null, LocalTools.require("mosquitto_passwd", "mosquitto"), "-b",
                f.toString(), "dev", "a password");
        assertEquals(0, r.exit(), r.toString());
        String line = Files.readString(f).strip();
        String[] parts = line.substring("dev:".length()).split("\\$"); // "", "7", "101", salt, hash
        byte[] salt = Base64.getDecoder().decode(parts[3]);
        assertEquals(line.substring("dev:".length()), BrokerAccounts.hash("a password", salt));
    }

    @Test
    void thePasswordIsMadeOncePrivateAndKept() throws Exception {
        BrokerAccounts first = BrokerAccounts.prepare(dir.resolve("mqtt"), null);
        Path file = dir.resolve("mqtt").resolve(BrokerAccounts.PASSWORD_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.passwordFile())));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        BrokerAccounts again = BrokerAccounts.prepare(dir.resolve("mqtt"), null);
        assertEquals(first.password(), again.password(), "devices configured with it keep working");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "narrowed again");
        assertTrue(Files.readString(again.passwordFile()).startsWith(BrokerAccounts.USER + ":$7$101$"));
        assertTrue(!Files.readString(again.passwordFile()).contains(again.password()), "only the hash is in passwd");
    }

    @Test
    void badDeviceAccountsNameTheFileAndLine() throws Exception {
        Path accounts = dir.resolve("devices");
        Files.writeString(accounts, "# devices\n\nthermostat:$7$101$c2FsdA==$aGFzaA==\nplain:secret\n");
        String e = assertThrows(java.io.IOException.class, () -> BrokerAccounts.prepare(dir.resolve("m"), accounts))
                .getMessage();
        assertTrue(e.contains(accounts + ":4:") && e.contains("mosquitto_passwd"), e);
        Files.writeString(accounts, "sbridge:$7$101$c2FsdA==$aGFzaA==\n");
        e = assertThrows(java.io.IOException.class, () -> BrokerAccounts.prepare(dir.resolve("m"), accounts)).getMessage();
        assertTrue(e.contains(":1:") && e.contains("gateway's own account"), e);
        Files.writeString(accounts, "thermostat:$7$101$c2FsdA==$aGFzaA==\n");
        BrokerAccounts ok = BrokerAccounts.prepare(dir.resolve("m"), accounts);
        assertTrue(Files.readString(ok.passwordFile()).contains("\nthermostat:$7$101$c2FsdA==$aGFzaA==\n"));
    }
}
