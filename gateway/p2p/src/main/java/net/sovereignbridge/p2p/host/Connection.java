package net.sovereignbridge.p2p.host;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.yamux.YamuxSession;

/** An upgraded connection (Noise-secured, yamux-multiplexed) to one verified peer. */
public final class Connection implements Closeable {
    private final Libp2pHost host;
    private final byte[] remoteKey;
    private final String remotePeerId;
    private final Multiaddr remoteAddr;
    private final Multiaddr localAddr;
    private final boolean outbound;
    private final boolean inlineMuxer;
    private final long openedAtNanos = System.nanoTime();
    private final CompletableFuture<IdentifyInfo> identified = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String shareKey;
    private volatile YamuxSession session;
    private volatile String closeReason;

    Connection(Libp2pHost host, byte[] remoteKey, Multiaddr remoteAddr, Multiaddr localAddr, boolean outbound,
            boolean inlineMuxer, String shareKey) {
        this.inlineMuxer = inlineMuxer;
        this.shareKey = shareKey;
        this.host = host;
        this.remoteKey = remoteKey.clone();
        this.remotePeerId = PeerId.encode(remoteKey);
        this.remoteAddr = remoteAddr;
        this.localAddr = localAddr;
        this.outbound = outbound;
    }

    void attach(YamuxSession s) {
        this.session = s;
    }

    /** The remote address whose share of the host's inbound capacity this connection uses. */
    String shareKey() {
        return shareKey;
    }

    YamuxSession session() {
        return session;
    }

    /** Bytes received on this connection's streams and not read yet. */
    public long bufferedBytes() {
        YamuxSession s = session;
        return s == null ? 0 : s.bufferedBytes();
    }

    /** The remote's PeerId, base58 ("12D3KooW..."), verified by the Noise handshake. */
    public String remotePeerId() {
        return remotePeerId;
    }

    /** The remote's Ed25519 identity key (the same key names it in the mesh). */
    public byte[] remoteKey() {
        return remoteKey.clone();
    }

    /** The remote's transport address as we see it (without /p2p): its observed address. */
    public Multiaddr remoteAddr() {
        return remoteAddr;
    }

    public Multiaddr localAddr() {
        return localAddr;
    }

    /** True when we dialled. */
    public boolean outbound() {
        return outbound;
    }

    /** True when yamux was agreed in the Noise handshake (inlined), false when by multistream-select. */
    public boolean inlineMuxer() {
        return inlineMuxer;
    }

    public long openedAtNanos() {
        return openedAtNanos;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Why the connection closed (null while open). */
    public String closeReason() {
        return closeReason;
    }

    public int activeStreams() {
        YamuxSession s = session;
        return s == null ? 0 : s.activeStreams();
    }

    /** Completes when identify with the remote finished; fails when it failed (the connection then closes). */
    public CompletableFuture<IdentifyInfo> identified() {
        return identified;
    }

    /** Called by the host when identify succeeded. */
    void completeIdentify(IdentifyInfo info) {
        identified.complete(info);
    }

    /** For identify: it could not run (the remote does not serve it, or the stream broke). */
    public void failIdentifyQuietly(Throwable t) {
        identified.completeExceptionally(t);
    }

    /** Opens a stream and negotiates the first protocol of {@code protocols} the remote supports. */
    public P2pStream newStream(List<String> protocols) throws IOException {
        return host.openStream(this, protocols);
    }

    @Override
    public void close() {
        close("closed locally");
    }

    /** Closes with a reason that is logged and given to the listeners. Idempotent. */
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) return;
        closeReason = reason;
        YamuxSession s = session;
        try {
            if (s != null) s.close();
        } catch (RuntimeException e) {
            // already gone
        }
        identified.completeExceptionally(new IOException("connection closed: " + reason));
        host.connectionClosed(this, reason);
    }

    @Override
    public String toString() {
        return "Connection[" + (outbound ? "to " : "from ") + remotePeerId + " " + remoteAddr + "]";
    }
}
