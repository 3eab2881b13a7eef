package net.sovereignbridge.drivers.kiss;

import java.io.IOException;

/** An open serial port: bytes in, bytes out. */
public interface SerialLink extends AutoCloseable {
    /**
     * Reads what has arrived, waiting a short while (a few hundred ms) for the first byte.
     *
     * @return bytes read, 0 when nothing came in the wait
     * @throws IOException the device went away (unplugged, the other side of a pty closed)
     */
    int read(byte[] buffer) throws IOException;

    /** Writes all of {@code bytes}; throws when the device went away. */
    void write(byte[] bytes) throws IOException;

    @Override
    void close();
}
