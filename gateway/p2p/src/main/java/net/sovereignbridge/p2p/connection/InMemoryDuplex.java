package net.sovereignbridge.p2p.connection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Two {@link SecureDuplex} ends joined by two in-memory pipes, for in-process links, tests and
 * benchmarks. Each direction holds at most {@code capacity} bytes, so a writer blocks like on a full TCP
 * socket buffer (backpressure is real, as on a network).
 */
public final class InMemoryDuplex implements SecureDuplex {
    private final Pipe in;
    private final Pipe out;

    private InMemoryDuplex(Pipe in, Pipe out) {
        this.in = in;
        this.out = out;
    }

    /** Two connected ends: what one writes, the other reads. */
    public static InMemoryDuplex[] pair(int capacity) {
        Pipe ab = new Pipe(capacity);
        Pipe ba = new Pipe(capacity);
        return new InMemoryDuplex[] {new InMemoryDuplex(ba, ab), new InMemoryDuplex(ab, ba)};
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public byte[] read() throws IOException {
        return in.read();
    }

    /** Closes both directions: the peer reads end of stream, pending writers on either side fail. */
    @Override
    public void close() {
        in.close();
        out.close();
    }

    private static final class Pipe {
        private final int capacity;
        private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        private int buffered;
        private boolean closed;

        Pipe(int capacity) {
            if (capacity < 1) throw new IllegalArgumentException("pipe capacity must be positive");
            this.capacity = capacity;
        }

        synchronized void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                while (!closed && buffered >= capacity) await();
                if (closed) throw new IOException("pipe closed");
                int n = Math.min(len, capacity - buffered);
                chunks.addLast(Arrays.copyOfRange(b, off, off + n));
                buffered += n;
                off += n;
                len -= n;
                notifyAll();
            }
        }

        synchronized byte[] read() throws IOException {
            while (chunks.isEmpty() && !closed) await();
            byte[] chunk = chunks.pollFirst();
            if (chunk == null) return null;
            buffered -= chunk.length;
            notifyAll();
            return chunk;
        }

        synchronized void close() {
            closed = true;
            notifyAll();
        }

        private void await() throws InterruptedIOException {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting on the pipe");
            }
        }
    }
}
