package net.sovereignbridge.p2p.connection;

import java.io.Closeable;
import java.io.IOException;

/**
 * A reliable, ordered, already secured byte channel (Noise over TCP, later WebSocket) that a stream
 * multiplexer runs on. Chunk boundaries carry no meaning: a reader must reassemble its own frames.
 */
public interface SecureDuplex extends Closeable {
    /** Writes all {@code len} bytes; may be called from several threads, each call must stay whole. */
    void write(byte[] b, int off, int len) throws IOException;

    /** One chunk of at least one byte, or null at end of stream. */
    byte[] read() throws IOException;
}
