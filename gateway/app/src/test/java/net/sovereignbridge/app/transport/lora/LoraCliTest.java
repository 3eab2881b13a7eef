package net.sovereignbridge.app.transport.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import net.sovereignbridge.app.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI through the real picocli root command, as a user types it. */
class LoraCliTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void airtimeJsonMatchesTheAn1200_13Checks() {
        assertEquals("56.576", jsonMs(run("lora", "airtime", "--sf", "7", "--bw", "125", "--cr", "4/5", "--len", "20", "--json")));
        assertEquals("185.344", jsonMs(run("lora", "airtime", "--sf", "9", "--bw", "125", "--len", "20", "--json")));
        assertEquals("1318.912", jsonMs(run("lora", "airtime", "--sf", "12", "--bw", "125", "--len", "20", "--json")));
        assertEquals("9019.392", jsonMs(run("lora", "airtime", "--sf", "12", "--bw", "125", "--len", "255", "--json")));
    }

    private static String jsonMs(Run r) {
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("{\"ms\":"), r.out());
        return r.out().substring(6, r.out().indexOf(','));
    }

    @Test
    void airtimeOptionsChangeTheResult() {
        Run r = run("lora", "airtime", "--sf", "12", "--bw", "125", "--len", "20", "--ldro", "off", "--json");
        assertTrue(r.out().contains("\"ldro\":false"), r.out());
        assertEquals(String.valueOf((12.25 + 28) * 32.768).substring(0, 7), jsonMs(r).substring(0, 7));
        Run implicit = run("lora", "airtime", "--sf", "6", "--bw", "500", "--len", "10", "--implicit", "--no-crc",
                "--preamble", "6", "--json");
        assertEquals(0, implicit.exit(), implicit.err());
        Run text = run("lora", "airtime", "--sf", "7", "--bw", "125", "--len", "20");
        assertTrue(text.out().startsWith("56.576 ms"), text.out());
    }

    @Test
    void airtimeRejectsBadInputWithAMessage() {
        Run sf6 = run("lora", "airtime", "--sf", "6", "--bw", "125", "--len", "20");
        assertEquals(2, sf6.exit());
        assertTrue(sf6.err().contains("--implicit"), sf6.err());
        Run cr = run("lora", "airtime", "--sf", "7", "--bw", "125", "--cr", "4/9", "--len", "20");
        assertEquals(2, cr.exit());
        Run bw = run("lora", "airtime", "--sf", "7", "--bw", "100", "--len", "20");
        assertTrue(bw.err().contains("no LoRa bandwidth of 100"), bw.err());
    }

    @Test
    void boardListShowsEveryBundledBoard() {
        Run r = run("board", "list");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("dragino-lora-gps-hat") && r.out().contains("GPIO25 (sw)"), r.out());
        assertTrue(r.out().contains("uputronics-lora-ce1"), r.out());
        assertEquals(1 + BoardCatalog.bundledNames().size(), r.out().strip().split("\n").length, r.out());
        assertEquals(18, r.out().strip().split("\n").length, "5 SX127x and 12 SX126x boards: " + r.out());
        assertTrue(r.out().contains("meshadv-pi-e22-900m30s              SX1262  spidev0.0  GPIO21 (sw)  16   20    18"),
                r.out());
    }

    @Test
    void boardValidateReportsFileLineAndKey(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "Lora:\n  Module: RF95\n  IRQ: 22\n  spidev: spidev0.1\n  region: EU868\n  channel: 3\n");
        Run ok = run("board", "validate", good.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("ok") && ok.out().contains("869.525 MHz"), ok.out());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "Lora:\n  Module: RF95\n  IRQ: 22\n  region: EU433\n  channel: 0\n  power: 17\n");
        Run r = run("board", "validate", bad.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(bad + ":6: power: power 17 dBm is above the limit of EU433 (12 dBm EIRP)"), r.err());

        Run bundled = run("board", "validate", "dragino-lora-gps-hat");
        assertEquals(0, bundled.exit(), bundled.err());
        Run missing = run("board", "validate", dir.resolve("nope.yaml").toString());
        assertEquals(1, missing.exit());
    }

    @Test
    void probeSaysWhyTheRadioCannotBeOpened() {
        Run r = run("lora", "probe", "uputronics-lora-ce0");
        if (!Files.exists(Path.of("/dev/spidev0.0"))) {
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("lora0: no /dev/spidev"), r.err());
        }
        Run unknown = run("lora", "probe", "no-such-board");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("no bundled board of that name"), unknown.err());
        Run badRegion = run("lora", "probe", "uputronics-lora-ce0", "--region", "XX");
        assertEquals(2, badRegion.exit());
    }
}
