package net.sovereignbridge.p2p.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.RawConnection;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * A relayed circuit as the host sees it: the hop (dialler) or stop (target) stream after STATUS OK, which
 * the host upgrades like a TCP connection (Noise and yamux run inside the stream). Closing it closes the
 * stream, which unblocks a reader and tells the relay to end the circuit.
 */
final class StreamRawConnection implements RawConnection {
    private final P2pStream stream;
    private final Multiaddr remote;
    private final Multiaddr local;
    private final CountDownLatch closed = new CountDownLatch(1);

    StreamRawConnection(P2pStream stream, Multiaddr remote, Multiaddr local) {
        this.stream = stream;
        this.remote = remote;
        this.local = local;
    }

    @Override
    public InputStream input() {
        return stream.input();
    }

    @Override
    public OutputStream output() {
        return stream.output();
    }

    @Override
    public Multiaddr remoteAddr() {
        return remote;
    }

    @Override
    public Multiaddr localAddr() {
        return local;
    }

    /** Waits until the connection is closed (the stop handler holds its stream open until then). */
    boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }

    @Override
    public void close() throws IOException {
        try {
            stream.close();
        } finally {
            closed.countDown();
        }
    }
}
