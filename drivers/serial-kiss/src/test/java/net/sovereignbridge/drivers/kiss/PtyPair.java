package net.sovereignbridge.drivers.kiss;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A pseudo-terminal pair made by socat: two device paths, and what one side writes the other reads, like a null
 * modem cable between two serial ports. Stopping socat makes both devices vanish (a USB adapter unplugged);
 * {@link #restart()} brings them back under the same names.
 */
public final class PtyPair implements AutoCloseable {
    private final Path a;
    private final Path b;
    private Process socat;

    public PtyPair(Path dir) throws IOException, InterruptedException {
        this.a = dir.resolve("ttyA");
        this.b = dir.resolve("ttyB");
        restart();
    }

    public String a() {
        return a.toString();
    }

    public String b() {
        return b.toString();
    }

    /** Starts socat (again) and waits until both links exist. */
    public synchronized void restart() throws IOException, InterruptedException {
        if (socat != null && socat.isAlive()) return;
        socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(a) && Files.exists(b))) {
            if (!socat.isAlive() || System.nanoTime() > deadline) throw new IOException("socat made no pty pair");
            Thread.sleep(20);
        }
    }

    /** Stops socat: both devices go away. */
    public synchronized void unplug() throws InterruptedException {
        if (socat == null) return;
        socat.destroy();
        if (!socat.waitFor(5, TimeUnit.SECONDS)) socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        socat = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((Files.exists(a) || Files.exists(b)) && System.nanoTime() < deadline) Thread.sleep(20);
    }

    @Override
    public void close() throws InterruptedException {
        unplug();
    }
}
