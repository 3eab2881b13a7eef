package net.sovereignbridge.drivers.kiss;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real direwolf (Debian's 1.6) as a KISS TNC on a pseudo-terminal: audio comes from its stdin (silence, paced
 * in real time, so that its transmitter sees a clear channel; or AFSK from {@code gen_packets}), its audio output is
 * discarded, and what it says (frames it decoded, frames it transmitted, errors) is collected line by line.
 */
public final class Direwolf implements AutoCloseable {
    private static final Pattern PTY = Pattern.compile("Virtual KISS TNC is available on (\\S+)");
    private static final int SAMPLE_RATE = 44_100;

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread outputReader;
    private final Thread silence;
    private final Object stdinLock = new Object();
    private final String pty;

    private Direwolf(Process process) throws IOException, InterruptedException {
        this.process = process;
        outputReader = new Thread(this::collect, "direwolf-out");
        outputReader.setDaemon(true);
        outputReader.start();
        String found = awaitLine(l -> PTY.matcher(l).find(), Duration.ofSeconds(20));
        Matcher m = PTY.matcher(found);
        if (!m.find()) throw new IOException("direwolf did not offer a pty: " + lines());
        pty = m.group(1);
        silence = new Thread(this::feedSilence, "direwolf-silence");
        silence.setDaemon(true);
        silence.start();
    }

    /** Starts direwolf with {@code MYCALL} {@code myCall}; no network ports (other tests may run beside it). */
    public static Direwolf start(Path workDir, String myCall) throws IOException, InterruptedException {
        Path conf = workDir.resolve("direwolf.conf");
        Files.writeString(conf, String.join("\n", "ADEVICE stdin null", "CHANNEL 0", "MYCALL " + myCall,
                "MODEM 1200", "AGWPORT 0", "KISSPORT 0", ""));
        // stdbuf: direwolf's stdout is a pipe here; line buffering lets us read each line as it is printed
        ProcessBuilder pb = new ProcessBuilder("stdbuf", "-oL", "direwolf", "-c", conf.toString(), "-p", "-t", "0",
                "-d", "k", "-").directory(workDir.toFile()).redirectErrorStream(true);
        return new Direwolf(pb.start());
    }

    /** The pseudo-terminal of its virtual KISS TNC. */
    public String pty() {
        return pty;
    }

    /** Plays {@code gen_packets} audio of these packets (monitor format, "SRC>DST:info") into direwolf's receiver. */
    public void receiveOverAir(Path workDir, String... packets) throws IOException, InterruptedException {
        Path text = workDir.resolve("packets.txt");
        Path wav = workDir.resolve("packets.wav");
        Files.writeString(text, String.join("\n", packets) + "\n");
        Process g = new ProcessBuilder("gen_packets", "-r", String.valueOf(SAMPLE_RATE), "-o", wav.toString(),
                text.toString()).redirectErrorStream(true).start();
        g.getInputStream().readAllBytes();
        if (!g.waitFor(30, TimeUnit.SECONDS) || g.exitValue() != 0) throw new IOException("gen_packets failed");
        byte[] audio = Files.readAllBytes(wav);
        synchronized (stdinLock) {
            // skip the 44-byte WAV header: direwolf reads raw samples from stdin
            process.getOutputStream().write(audio, 44, audio.length - 44);
            process.getOutputStream().flush();
        }
    }

    private void feedSilence() {
        byte[] tenth = new byte[SAMPLE_RATE / 10 * 2];
        OutputStream in = process.getOutputStream();
        try {
            while (process.isAlive()) {
                synchronized (stdinLock) {
                    in.write(tenth);
                    in.flush();
                }
                Thread.sleep(100);
            }
        } catch (IOException | InterruptedException e) {
            // direwolf stopped
        }
    }

    private void collect() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Waits for a line of direwolf's output that matches; throws with everything it said when none comes. */
    public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) if (match.test(lines.get(seen))) return lines.get(seen);
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) throw new IOException("direwolf never printed the expected line; it said:\n" + lines());
                lines.wait(left);
            }
        }
    }

    public String lines() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
