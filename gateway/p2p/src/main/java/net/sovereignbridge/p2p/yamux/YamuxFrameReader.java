package net.sovereignbridge.p2p.yamux;

import java.io.EOFException;
import java.io.IOException;
import net.sovereignbridge.p2p.connection.SecureDuplex;

/**
 * Reassembles Yamux frames from the arbitrary chunks of a {@link SecureDuplex}. It never allocates
 * more than the caller allows: a Data header announcing more than {@code maxDataLength} bytes is
 * rejected before any body byte is read, and bodies the session does not want are skipped, not buffered.
 */
final class YamuxFrameReader {
    /** Where chunks come from; {@link SecureDuplex#read()} in the session, a byte array in the fuzz tests. */
    interface ChunkSource {
        byte[] read() throws IOException;
    }

    private final ChunkSource source;
    private final long maxDataLength;
    private final byte[] headerBuf = new byte[YamuxHeader.SIZE];
    private byte[] chunk = new byte[0];
    private int pos;

    YamuxFrameReader(ChunkSource source, long maxDataLength) {
        this.source = source;
        this.maxDataLength = maxDataLength;
    }

    /** The next header, or null on a clean end of stream between frames. */
    YamuxHeader readHeader() throws IOException {
        int got = 0;
        while (got < YamuxHeader.SIZE) {
            if (!fill()) {
                if (got == 0) return null;
                throw new EOFException("end of stream inside a Yamux header (" + got + " of 12 bytes)");
            }
            int n = Math.min(YamuxHeader.SIZE - got, chunk.length - pos);
            System.arraycopy(chunk, pos, headerBuf, got, n);
            pos += n;
            got += n;
        }
        YamuxHeader h = YamuxHeader.decode(headerBuf, 0);
        if (h.type() == YamuxHeader.TYPE_DATA && h.length() > maxDataLength) {
            throw new YamuxProtocolException("oversized Data frame: " + h.length() + " bytes on stream "
                    + h.streamId() + ", limit " + maxDataLength);
        }
        return h;
    }

    /** The body of a Data frame whose header was just read; its length was bounded by readHeader. */
    byte[] readBody(int length) throws IOException {
        if (length > maxDataLength) throw new IllegalArgumentException("body over the reader's limit");
        if (length <= chunk.length - pos && pos == 0 && length == chunk.length) {
            // the body is exactly the chunk (common with one Noise message per frame): no copy
            byte[] whole = chunk;
            pos = length;
            return whole;
        }
        byte[] body = new byte[length];
        int got = 0;
        while (got < length) {
            if (!fill()) throw new EOFException("end of stream inside a Yamux Data body (" + got + " of " + length + " bytes)");
            int n = Math.min(length - got, chunk.length - pos);
            System.arraycopy(chunk, pos, body, got, n);
            pos += n;
            got += n;
        }
        return body;
    }

    /** Discards a body (data for a stream that is gone). */
    void skipBody(long length) throws IOException {
        while (length > 0) {
            if (!fill()) throw new EOFException("end of stream inside a discarded Yamux Data body");
            int n = (int) Math.min(length, chunk.length - pos);
            pos += n;
            length -= n;
        }
    }

    private boolean fill() throws IOException {
        while (pos == chunk.length) {
            byte[] next = source.read();
            if (next == null) return false;
            chunk = next;
            pos = 0;
        }
        return true;
    }
}
