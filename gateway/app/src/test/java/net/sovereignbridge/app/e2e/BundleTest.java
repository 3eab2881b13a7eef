package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.sovereignbridge.app.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3: bundles round-trip between two daemons that never meet again on a network. */
class BundleTest {
    @TempDir
    Path dir;

    @Test
    void bundleCarriesAHeldMessageOnceAndATamperedBundleIsRejectedWhole() throws Exception {
        int discovery = Daemon.freeUdpPort();
        int portA = Daemon.freeUdpPort();
        int portB = Daemon.freeUdpPort();
        Path cfgA = Daemon.loopbackConfig(dir, "alpha", discovery, true);
        Path cfgB = Daemon.loopbackConfig(dir, "bravo", discovery, true);
        Path usb = dir.resolve("usb-stick.sbb");
        String addressB;
        try (Daemon a = Daemon.start(dir.resolve("a"), portA, cfgA)) {
            try (Daemon b = Daemon.start(dir.resolve("b"), portB, cfgB)) {
                addressB = b.address();
                Daemon.await("A to learn B", 45, () -> Daemon.knowsPeer(addressB).test(a.status()));
                b.terminate();
            }
            assertEquals(ExitCodes.OK, a.cliHere("send", addressB, "carried by hand").exit());
            Daemon.Result export = Daemon.cli("bundle", "export", "--state-dir", a.stateDir.toString(), usb.toString());
            assertEquals(ExitCodes.OK, export.exit(), export.toString());
        }
        // B comes back on a network of its own (another discovery port): only the bundle connects them.
        Path isolated = Daemon.loopbackConfig(dir, "bravo-alone", Daemon.freeUdpPort(), true);
        try (Daemon b = Daemon.start(dir.resolve("b"), portB, isolated)) {
            byte[] good = Files.readAllBytes(usb);
            byte[] bad = good.clone();
            bad[bad.length / 2] ^= 1;
            Path tampered = dir.resolve("tampered.sbb");
            Files.write(tampered, bad);
            Daemon.Result rejected = Daemon.cli("bundle", "import", "--state-dir", b.stateDir.toString(), tampered.toString());
            assertEquals(ExitCodes.FAILED, rejected.exit());
            assertTrue(rejected.err().contains("rejected"), rejected.err());
            assertEquals(0, ((List<?>) b.cliHere("inbox", "--json").json().get("messages")).size());

            assertEquals(ExitCodes.OK, Daemon.cli("bundle", "import", "--state-dir", b.stateDir.toString(), usb.toString()).exit());
            assertEquals(ExitCodes.OK, Daemon.cli("bundle", "import", "--state-dir", b.stateDir.toString(), usb.toString()).exit());
            Daemon.await("the carried message", 30, () -> b.cliHere("inbox", "--json").out().contains("carried by hand"));
            Thread.sleep(500);
            assertEquals(1, ((List<?>) b.cliHere("inbox", "--json").json().get("messages")).size(),
                    "importing twice delivers once");
        }
    }
}
