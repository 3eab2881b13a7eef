package net.sovereignbridge.drivers.kiss;

import java.io.IOException;
import java.util.Objects;

/**
 * A KISS TNC on a serial device: one reader thread decodes what the device sends ({@link KissDecoder}) and hands
 * each frame to the listener; {@link #write} puts encoded frames on the line. When the device goes away (a USB
 * adapter unplugged, the far end of a pty closed) the port says so and reopens it with exponential backoff until it
 * is back; each successful (re)open is reported, so that the owner sets the TNC's parameters again.
 */
public final class KissPort implements AutoCloseable {
    /** What the port reports; called on the reader thread. */
    public interface Listener {
        void onFrame(KissFrame frame);

        /** The device is open (first time or again): send the TNC parameters now. */
        default void onConnected() {}

        /** The device went away; the port keeps trying to reopen it. */
        default void onDisconnected(String reason) {}
    }

    /**
     * @param maxFrameBytes the decoder's bound (type byte included)
     * @param minBackoffMillis first wait before reopening a vanished device, doubled on each failure
     * @param maxBackoffMillis longest wait between reopen attempts
     */
    public record Options(String device, int speed, int maxFrameBytes, long minBackoffMillis, long maxBackoffMillis) {
        public Options {
            Objects.requireNonNull(device, "device");
            if (speed <= 0) throw new IllegalArgumentException("speed must be positive");
            if (minBackoffMillis <= 0 || maxBackoffMillis < minBackoffMillis) {
                throw new IllegalArgumentException("backoff must be 0 < min <= max");
            }
        }
    }

    private final SerialPortOpener opener;
    private final Options options;
    private final Listener listener;
    private final KissDecoder decoder;
    private final Object writeLock = new Object();
    private volatile SerialLink link;
    private volatile boolean running;
    private volatile String lastProblem = "";
    private volatile long reconnects;
    private Thread reader;

    public KissPort(SerialPortOpener opener, Options options, Listener listener) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.decoder = new KissDecoder(options.maxFrameBytes());
    }

    /**
     * Opens the device now (so that a missing or busy device is reported to the caller at once), tells the listener
     * it is connected, and starts the reader.
     */
    public synchronized void open() throws SerialPortException {
        if (running) return;
        link = opener.open(options.device(), options.speed());
        running = true;
        listener.onConnected();
        reader = new Thread(this::readLoop, "kiss-" + options.device());
        reader.setDaemon(true);
        reader.start();
    }

    /** Writes one encoded KISS frame (or several concatenated); throws while the device is away. */
    public void write(byte[] encoded) throws IOException {
        SerialLink l = link;
        if (l == null) throw new IOException(options.device() + " is not open (" + lastProblem + ")");
        synchronized (writeLock) {
            l.write(encoded);
        }
    }

    public boolean connected() {
        return link != null;
    }

    /** Why the device is not open, or "" while it is. */
    public String problem() {
        return link != null ? "" : lastProblem;
    }

    /** Times the device came back after going away. */
    public long reconnects() {
        return reconnects;
    }

    public KissDecoder.Counters decoderCounters() {
        synchronized (decoder) {
            return decoder.counters();
        }
    }

    public Options options() {
        return options;
    }

    private void readLoop() {
        byte[] buf = new byte[4096];
        long backoff = options.minBackoffMillis();
        while (running) {
            SerialLink l = link;
            if (l == null) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
                if (!running) return;
                try {
                    SerialLink opened = opener.open(options.device(), options.speed());
                    synchronized (this) {
                        if (!running) {
                            opened.close();
                            return;
                        }
                        link = opened;
                    }
                    backoff = options.minBackoffMillis();
                    reconnects++;
                    lastProblem = "";
                    listener.onConnected();
                } catch (SerialPortException e) {
                    lastProblem = e.getMessage();
                    backoff = Math.min(options.maxBackoffMillis(), backoff * 2);
                }
                continue;
            }
            try {
                int n = l.read(buf);
                if (n > 0) {
                    synchronized (decoder) {
                        decoder.feed(buf, 0, n, listener::onFrame);
                    }
                }
            } catch (IOException e) {
                if (!running) return;
                synchronized (decoder) {
                    decoder.reset(); // the half frame of a vanished device is no frame
                }
                link = null;
                l.close();
                lastProblem = e.getMessage() + "; reopening";
                listener.onDisconnected(e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = reader;
            reader = null;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        SerialLink l = link;
        link = null;
        if (l != null) l.close();
    }
}
