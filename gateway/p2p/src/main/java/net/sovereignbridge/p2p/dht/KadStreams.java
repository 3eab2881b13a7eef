package net.sovereignbridge.p2p.dht;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kad-dht protocol on a libp2p stream (after multistream-select agreed on {@link #SBRIDGE} or
 * {@link #IPFS}): a sequence of uvarint-length-prefixed {@link DhtMessage}s, request then response. The
 * stream may carry several request/response pairs; either side may close it after any of them.
 */
public final class KadStreams {
    public static final String SBRIDGE = "/sbridge/kad/1.0.0";
    public static final String IPFS = "/ipfs/kad/1.0.0";
    private static final Logger log = LoggerFactory.getLogger(KadStreams.class);

    private KadStreams() {}

    /** Thrown for a frame that is not a valid message; carries the codec's typed error. */
    public static final class BadFrameException extends IOException {
        public final DhtMessageCodec.Error error;

        BadFrameException(DhtMessageCodec.Error error, String detail) {
            super("bad kad message: " + error + " (" + detail + ")");
            this.error = error;
        }
    }

    public static void write(OutputStream out, DhtMessage m) throws IOException {
        out.write(DhtMessageCodec.encodeFramed(m));
        out.flush();
    }

    /**
     * Reads one framed message.
     *
     * @return null on a clean end of stream before a new frame
     * @throws BadFrameException when the length prefix exceeds the limit or the body does not decode
     */
    public static DhtMessage read(InputStream in, DhtMessageCodec.Limits limits) throws IOException {
        long length = 0;
        for (int i = 0; ; i++) {
            int b = in.read();
            if (b < 0) {
                if (i == 0) return null;
                throw new EOFException("stream ended inside a length prefix");
            }
            if (i == 9) throw new BadFrameException(DhtMessageCodec.Error.BAD_VARINT, "length prefix over 9 bytes");
            length |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) break;
        }
        if (length > limits.maxMessageBytes()) {
            throw new BadFrameException(DhtMessageCodec.Error.TOO_LARGE, length + " bytes > " + limits.maxMessageBytes());
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) throw new EOFException("stream ended inside a message");
        DhtMessageCodec.Result r = DhtMessageCodec.decode(body, limits);
        if (r instanceof DhtMessageCodec.Failed f) throw new BadFrameException(f.error(), f.detail());
        DhtMessageCodec.Ok ok = (DhtMessageCodec.Ok) r;
        if (ok.dropped() > 0) log.debug("kad message: dropped {} peers/addresses over the limits", ok.dropped());
        return ok.message();
    }

    /**
     * Serves an inbound stream until the remote closes it: each request is answered by the DHT; a
     * request the DHT does not answer (ADD_PROVIDER, a refused PUT_VALUE) gets nothing back, and a refused
     * PUT_VALUE ends the stream so the remote sees the refusal. A malformed frame ends the stream.
     *
     * @param remoteIsServer from identify: the remote lists the kad protocol, so it is reachable
     */
    public static void serve(KademliaDht dht, DhtPeer remote, boolean remoteIsServer, InputStream in, OutputStream out)
            throws IOException {
        while (true) {
            DhtMessage req;
            try {
                req = read(in, DhtMessageCodec.Limits.DEFAULT);
            } catch (BadFrameException e) {
                log.debug("kad stream from {}: {}", remote, e.getMessage());
                throw e;
            }
            if (req == null) return;
            DhtMessage resp = dht.handle(remote, remoteIsServer, req);
            if (resp != null) {
                write(out, resp);
            } else if (req.type() != DhtMessage.Type.ADD_PROVIDER) {
                return;
            }
        }
    }
}
