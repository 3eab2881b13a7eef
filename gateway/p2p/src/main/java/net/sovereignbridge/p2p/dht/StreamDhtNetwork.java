package net.sovereignbridge.p2p.dht;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@link DhtNetwork} over libp2p streams: one stream per request, opened through whatever the overlay
 * provides ({@link StreamOpener}: dial if needed, negotiate the kad protocol id), closed after the answer.
 * Requests run on the given executor and time out after {@code timeoutMs}.
 */
public final class StreamDhtNetwork implements DhtNetwork {

    /** Opens a stream to a peer speaking the protocol (dialling its addresses if not connected). */
    @FunctionalInterface
    public interface StreamOpener {
        KadStream open(DhtPeer peer, String protocol) throws IOException;
    }

    public interface KadStream extends Closeable {
        InputStream in();

        OutputStream out();
    }

    private final StreamOpener opener;
    private final String protocol;
    private final ExecutorService executor;
    private final long timeoutMs;

    public StreamDhtNetwork(StreamOpener opener, String protocol, ExecutorService executor, long timeoutMs) {
        this.opener = opener;
        this.protocol = protocol;
        this.executor = executor;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<DhtMessage> send(DhtPeer to, DhtMessage request) {
        AtomicReference<KadStream> open = new AtomicReference<>();
        CompletableFuture<DhtMessage> f = CompletableFuture.supplyAsync(() -> {
            try (KadStream s = opener.open(to, protocol)) {
                open.set(s);
                KadStreams.write(s.out(), request);
                if (request.type() == DhtMessage.Type.ADD_PROVIDER) return null;
                DhtMessage resp = KadStreams.read(s.in(), DhtMessageCodec.Limits.DEFAULT);
                if (resp == null) throw new IOException("stream closed without an answer");
                return resp;
            } catch (IOException e) {
                throw new CompletionException(e);
            } finally {
                open.set(null);
            }
        }, executor).orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
        // a peer that never answers: closing the stream unblocks the reading thread
        f.whenComplete((r, e) -> {
            KadStream s = open.getAndSet(null);
            if (e != null && s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already broken
                }
            }
        });
        return f;
    }
}
