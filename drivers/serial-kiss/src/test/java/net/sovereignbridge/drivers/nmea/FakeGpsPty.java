package net.sovereignbridge.drivers.nmea;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * python3-gps's {@code gps.fake.FakePTY} (what gpsd's tests and gpsfake use) replaying an NMEA log on a pty, round
 * after round, until closed: a GPS receiver on a serial port for tests of whole daemons.
 */
public final class FakeGpsPty implements AutoCloseable {
    private final Process process;
    private final String device;

    public FakeGpsPty(Path dir, List<String> sentences) throws IOException {
        Path log = dir.resolve("gps.log");
        Files.writeString(log, String.join("\r\n", sentences) + "\r\n");
        Path script = dir.resolve("fake-gps.py");
        Files.writeString(script, String.join("\n",
                "import sys, time, gps.fake",
                "pty = gps.fake.FakePTY(gps.fake.TestLoad(sys.argv[1]), speed=4800)",
                "print(pty.byname, flush=True)",
                "while True:",
                "    pty.feed()",
                "    time.sleep(0.05)", ""));
        process = new ProcessBuilder("/usr/bin/python3", script.toString(), log.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (line == null) throw new IOException("python3-gps's fake pty did not start (apt-get install python3-gps)");
        device = line.trim();
    }

    /** The pty the GPS "is" on. */
    public String device() {
        return device;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
