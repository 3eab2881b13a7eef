package net.sovereignbridge.p2p.mesh;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Framing of {@code /sbridge/mesh/1.0.0} (docs/p2p.md): every mesh frame is {@code uvarint(length)} then
 * {@code length} bytes, 1 &lt;= length &lt;= {@link MeshOverlayTransport#MTU}. The length is checked before
 * any of the body is read, so a peer can make us allocate at most one MTU per stream.
 */
public final class MeshStreamCodec {
    /** A uvarint of a value up to the MTU takes at most 3 bytes. */
    static final int MAX_PREFIX = 3;

    /** A malformed length prefix or a frame over the limit; the stream is reset. */
    public static final class FrameException extends IOException {
        FrameException(String message) {
            super(message);
        }
    }

    private MeshStreamCodec() {}

    /** The bytes of one frame on the stream: prefix and body in one array (one write, one yamux frame). */
    public static byte[] encode(byte[] frame, int maxFrame) {
        if (frame.length == 0 || frame.length > maxFrame) {
            throw new IllegalArgumentException("mesh frame of " + frame.length + " bytes; 1.." + maxFrame + " allowed");
        }
        int n = frame.length;
        int prefix = n < 0x80 ? 1 : n < 0x4000 ? 2 : 3;
        byte[] out = new byte[prefix + n];
        int i = 0;
        while (n >= 0x80) {
            out[i++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        out[i] = (byte) n;
        System.arraycopy(frame, 0, out, prefix, frame.length);
        return out;
    }

    public static void write(OutputStream out, byte[] frame, int maxFrame) throws IOException {
        out.write(encode(frame, maxFrame));
        out.flush();
    }

    /**
     * Reads one frame; null at a clean end of stream (between frames).
     *
     * @throws FrameException zero length, non-minimal or over-long prefix, length over {@code maxFrame}
     * @throws EOFException the stream ended inside a frame
     */
    public static byte[] read(InputStream in, int maxFrame) throws IOException {
        int length = 0;
        for (int i = 0; ; i++) {
            int b = in.read();
            if (b < 0) {
                if (i == 0) return null;
                throw new EOFException("stream ended inside a length prefix");
            }
            if (i == MAX_PREFIX) throw new FrameException("length prefix longer than " + MAX_PREFIX + " bytes");
            length |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) throw new FrameException("non-minimal length prefix");
                break;
            }
        }
        if (length == 0) throw new FrameException("zero-length frame");
        if (length > maxFrame) throw new FrameException("frame of " + length + " bytes over the limit of " + maxFrame);
        byte[] frame = new byte[length];
        int off = 0;
        while (off < length) {
            int r = in.read(frame, off, length - off);
            if (r < 0) throw new EOFException("stream ended after " + off + " of " + length + " frame bytes");
            off += r;
        }
        return frame;
    }
}
