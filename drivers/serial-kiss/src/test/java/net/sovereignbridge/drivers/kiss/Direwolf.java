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
    /** Where its transmitter's audio goes (ALSA's file plugin), or null when it is discarded. */
    private final Path txAudio;
    private long txAudioRead;
    /** Audio to play into its receiver at real-time pace instead of silence (from another direwolf's transmitter). */
    private final java.io.ByteArrayOutputStream rxAudio = new java.io.ByteArrayOutputStream();

    private Direwolf(Process process) throws IOException, InterruptedException {
        this(process, null);
    }

    private Direwolf(Process process, Path txAudio) throws IOException, InterruptedException {
        this.process = process;
        this.txAudio = txAudio;
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

    /**
     * Starts direwolf whose transmitter's audio is kept: ALSA's file plugin (configured in an {@code .asoundrc} in
     * {@code workDir}, direwolf's HOME) writes the raw 16-bit mono samples it sends to a null device into a file, which
     * {@link AudioCable} plays into another direwolf's receiver.
     */
    public static Direwolf startWithAudioOut(Path workDir, String myCall) throws IOException, InterruptedException {
        Path tx = workDir.resolve("tx.raw");
        Files.deleteIfExists(tx);
        Files.writeString(workDir.resolve(".asoundrc"), String.join("\n", "pcm.sbridgetx {", "  type file",
                "  slave.pcm \"null\"", "  file \"" + tx + "\"", "  format \"raw\"", "}", ""));
        Path conf = workDir.resolve("direwolf.conf");
        Files.writeString(conf, String.join("\n", "ADEVICE stdin sbridgetx", "CHANNEL 0", "MYCALL " + myCall,
                "MODEM 1200", "AGWPORT 0", "KISSPORT 0", ""));
        ProcessBuilder pb = new ProcessBuilder("stdbuf", "-oL", "direwolf", "-c", conf.toString(), "-p", "-t", "0",
                "-d", "k", "-").directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", workDir.toString());
        return new Direwolf(pb.start(), tx);
    }

    /** Audio its transmitter produced since the last call (whole 16-bit samples), empty when none. */
    synchronized byte[] takeTransmittedAudio() throws IOException {
        if (txAudio == null || !Files.exists(txAudio)) return new byte[0];
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(txAudio)) {
            long available = (ch.size() - txAudioRead) & ~1L;
            if (available <= 0) return new byte[0];
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(available, 1 << 20));
            ch.read(buf, txAudioRead);
            txAudioRead += buf.position();
            return java.util.Arrays.copyOf(buf.array(), buf.position());
        }
    }

    /** Queues audio for its receiver; it is played in real time in place of silence. */
    void play(byte[] audio) {
        synchronized (rxAudio) {
            rxAudio.write(audio, 0, audio.length);
        }
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
                byte[] chunk = new byte[tenth.length]; // silence, or queued audio padded with silence
                synchronized (rxAudio) {
                    if (rxAudio.size() > 0) {
                        byte[] all = rxAudio.toByteArray();
                        int n = Math.min(all.length, chunk.length);
                        System.arraycopy(all, 0, chunk, 0, n);
                        rxAudio.reset();
                        rxAudio.write(all, n, all.length - n);
                    }
                }
                synchronized (stdinLock) {
                    in.write(chunk);
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
