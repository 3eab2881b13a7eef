package net.sovereignbridge.app.modem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.Main;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.drivers.audiomodem.GgwaveEncoder;
import net.sovereignbridge.drivers.audiomodem.GgwaveProtocol;
import net.sovereignbridge.drivers.audiomodem.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sbridge modem encode | decode} through the real root command and real WAV files. */
class ModemCliTest {
    record Run(int exit, String out, String err) {}

    @TempDir
    Path dir;

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> frames(Run r) {
        return (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(r.out().strip())).get("frames");
    }

    @Test
    void encodeThenDecodeEveryUltrasoundMode() {
        for (String mode : List.of("ggwave-u-normal", "ggwave-u-fast", "ggwave-u-fastest")) {
            Path wav = dir.resolve(mode + ".wav");
            Run e = run("modem", "encode", "--mode", mode, "hello from the roof", wav.toString());
            assertEquals(0, e.exit(), e.err());
            Run d = run("modem", "decode", wav.toString(), "--json");
            assertEquals(0, d.exit(), d.err());
            List<Map<String, Object>> frames = frames(d);
            assertEquals(1, frames.size(), d.out());
            assertEquals(mode, frames.get(0).get("mode"));
            assertEquals("passed", frames.get(0).get("check"));
            assertEquals("hello from the roof", frames.get(0).get("text"));
        }
    }

    @Test
    void fileInputCarriesBinaryBytes() throws Exception {
        Path in = dir.resolve("payload.bin");
        Files.write(in, new byte[] {0, 1, 2, (byte) 0xff, (byte) 0x80});
        Path wav = dir.resolve("bin.wav");
        Run e = run("modem", "encode", "--mode", "ggwave-u-fastest", "--file", in.toString(), wav.toString());
        assertEquals(0, e.exit(), e.err());
        Run d = run("modem", "decode", wav.toString(), "--json");
        assertEquals("000102ff80", frames(d).get(0).get("hex"));
        assertEquals("(binary)", frames(d).get(0).get("text"));
    }

    @Test
    void badInputGetsAClearErrorAndExitCode() throws Exception {
        Run mode = run("modem", "encode", "--mode", "ggwave-u-turbo", "x", dir.resolve("a.wav").toString());
        assertEquals(2, mode.exit());
        assertTrue(mode.err().contains("unknown ggwave mode 'ggwave-u-turbo'"), mode.err());

        Run tooLong = run("modem", "encode", "x".repeat(141), dir.resolve("b.wav").toString());
        assertEquals(2, tooLong.exit());
        assertTrue(tooLong.err().contains("1-140 bytes"), tooLong.err());

        Run missing = run("modem", "decode", dir.resolve("absent.wav").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());

        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "these are not samples");
        Run notWav = run("modem", "decode", text.toString());
        assertEquals(1, notWav.exit());
        assertTrue(notWav.err().contains("not a WAV file"), notWav.err());

        Path cd = dir.resolve("cd.wav");
        Files.write(cd, WavFile.pcm16(GgwaveEncoder.encode("x".getBytes(), GgwaveProtocol.ULTRASOUND_FAST, 50), 44_100));
        Run rate = run("modem", "decode", cd.toString());
        assertEquals(1, rate.exit());
        assertTrue(rate.err().contains("44100 Hz") && rate.err().contains("sox"), rate.err());

        Path silence = dir.resolve("silence.wav");
        Files.write(silence, WavFile.pcm16(new float[48_000], 48_000));
        Run nothing = run("modem", "decode", silence.toString());
        assertEquals(1, nothing.exit());
        assertTrue(nothing.out().contains("no transmission found"), nothing.out());
    }
}
