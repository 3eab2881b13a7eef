package net.sovereignbridge.p2p.noise;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import net.sovereignbridge.p2p.connection.SecureDuplex;

/**
 * A finished {@link NoiseSecureChannel} as the {@link SecureDuplex} a stream muxer runs on.
 *
 * <p>Before the muxer starts, multistream-select negotiates it over the channel through the
 * {@link #input()} / {@link #output()} views (every flush is one Noise message). Bytes the remote sent
 * right behind its multistream answer (js-libp2p pipelines its first yamux frames) stay buffered and
 * are the first thing {@link #read()} returns, so nothing is lost at the hand-over.
 */
public final class NoiseDuplex implements SecureDuplex {
    private final NoiseSecureChannel channel;
    private final Closeable transport;
    private byte[] pending = new byte[0];
    private int pendingPos;

    public NoiseDuplex(NoiseSecureChannel channel, Closeable transport) {
        this.channel = channel;
        this.transport = transport;
    }

    public NoiseSecureChannel channel() {
        return channel;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            channel.write(b, off, len);
        } catch (NoiseException e) {
            throw new IOException("Noise: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read() throws IOException {
        synchronized (this) {
            if (pendingPos < pending.length) {
                byte[] rest = Arrays.copyOfRange(pending, pendingPos, pending.length);
                pending = new byte[0];
                pendingPos = 0;
                return rest;
            }
        }
        return readMessage();
    }

    private byte[] readMessage() throws IOException {
        try {
            byte[] m;
            do {
                m = channel.readOrEnd();
            } while (m != null && m.length == 0); // an empty transport message carries nothing
            return m;
        } catch (NoiseException e) {
            throw new IOException("Noise: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }

    /** Byte view of the decrypted input, for the negotiation before the muxer takes over. */
    public InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                synchronized (NoiseDuplex.this) {
                    if (pendingPos >= pending.length) {
                        byte[] m = readMessage();
                        if (m == null) return -1;
                        pending = m;
                        pendingPos = 0;
                    }
                    int n = Math.min(len, pending.length - pendingPos);
                    System.arraycopy(pending, pendingPos, b, off, n);
                    pendingPos += n;
                    return n;
                }
            }
        };
    }

    /** Byte view of the output: bytes collect until flush, which sends them as one Noise message. */
    public OutputStream output() {
        return new OutputStream() {
            private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                buffer.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buffer.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                if (buffer.size() == 0) return;
                byte[] data = buffer.toByteArray();
                buffer.reset();
                NoiseDuplex.this.write(data, 0, data.length);
            }
        };
    }
}
