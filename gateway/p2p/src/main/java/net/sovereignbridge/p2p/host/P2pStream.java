package net.sovereignbridge.p2p.host;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.sovereignbridge.p2p.yamux.YamuxStream;

/** A yamux stream on which multistream-select agreed on {@link #protocol()}. */
public final class P2pStream implements Closeable {
    private final YamuxStream stream;
    private final String protocol;
    private final Connection connection;

    P2pStream(YamuxStream stream, String protocol, Connection connection) {
        this.stream = stream;
        this.protocol = protocol;
        this.connection = connection;
    }

    public String protocol() {
        return protocol;
    }

    public Connection connection() {
        return connection;
    }

    /** PeerId (base58) of the other end. */
    public String remotePeerId() {
        return connection.remotePeerId();
    }

    public InputStream input() {
        return stream.input();
    }

    public OutputStream output() {
        return stream.output();
    }

    /** Half-close: we send no more, the remote may still send (yamux FIN). */
    public void closeWrite() throws IOException {
        stream.closeWrite();
    }

    /** Abort both directions (yamux RST). */
    public void reset() {
        stream.reset();
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }

    @Override
    public String toString() {
        return "P2pStream[" + protocol + " " + stream + " with " + connection.remotePeerId() + "]";
    }
}
