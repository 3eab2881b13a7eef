package net.sovereignbridge.p2p.identify;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.Deadline;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.HostListener;
import net.sovereignbridge.p2p.host.HostService;
import net.sovereignbridge.p2p.host.IdentifyInfo;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.record.PeerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identify {@code /ipfs/id/1.0.0}: the side that opens the stream reads one uvarint-length-prefixed
 * {@link IdentifyMessage}, which the other side writes before closing. {@code /ipfs/id/push/1.0.0} is
 * the reverse: the opener writes. Input over {@link IdentifyMessage#MAX_LENGTH}, a public key that is
 * not the connection's peer, or a signed peer record that does not verify closes the connection.
 *
 * <p>A {@link HostService}: attached to the host by its builder, it runs identify on every new connection,
 * reports the result with {@link Host#peerIdentified}, and pushes to the peers that list push when the
 * host's listen addresses or protocols change (its events).
 */
public final class IdentifyService implements HostService, HostListener {
    public static final String ID = "/ipfs/id/1.0.0";
    public static final String PUSH = "/ipfs/id/push/1.0.0";
    private static final Logger log = LoggerFactory.getLogger(IdentifyService.class);
    /** Lines a remote peer (or a stranger) can trigger at will: rate-limited per key. */
    private static final net.sovereignbridge.mesh.log.RateLimitedLog peerLog = net.sovereignbridge.mesh.log.RateLimitedLog.of(IdentifyService.class);

    private Host host;
    private HostConfig config;
    private long recordSeq;
    private byte[] signedRecord;

    @Override
    public void attach(Host h) {
        if (host != null) throw new IllegalStateException("identify is already attached to a host");
        this.host = h;
        this.config = h.config();
        h.setHandler(ID, this::serve);
        h.setHandler(PUSH, this::servePush);
        h.addListener(this);
    }

    @Override
    public void connected(Connection c) {
        try {
            host.execute(() -> identify(c));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            c.close("host closed");
        }
    }

    @Override
    public void addressesChanged(List<Multiaddr> addresses) {
        synchronized (this) {
            signedRecord = null;
        }
        pushToAll();
    }

    @Override
    public void protocolsChanged(List<String> protocols) {
        pushToAll();
    }

    /** The message we send on {@code c}: observedAddr is the remote's address as we see it. */
    public IdentifyMessage messageFor(Connection c) {
        return new IdentifyMessage(HostConfig.PROTOCOL_VERSION, config.agentVersion(),
                PeerId.publicKeyProtobuf(host.identity().publicIdentity().publicKey()), host.listenAddrs(),
                c == null ? null : c.remoteAddr(), host.protocols(), signedRecord());
    }

    /** Our signed peer record for the current listen addresses (re-signed with a higher seq when they change). */
    public synchronized byte[] signedRecord() {
        if (signedRecord == null) {
            // seq: milliseconds, as js-libp2p does, so a restarted node's record still supersedes the old one
            recordSeq = Math.max(recordSeq + 1, System.currentTimeMillis());
            signedRecord = PeerRecord.seal(host.identity(), recordSeq, host.listenAddrs()).encode();
        }
        return signedRecord;
    }

    /** Inbound identify request: write our message and close. */
    public void serve(P2pStream s) throws IOException {
        writeFramed(s.output(), messageFor(s.connection()).encode());
        s.closeWrite();
    }

    /** Inbound push: the remote tells us its new state; fields it sets replace what we had. */
    public void servePush(P2pStream s) throws IOException {
        Connection c = s.connection();
        try {
            IdentifyMessage m = readMessage(s.input());
            IdentifyInfo before = host.peerInfo(c.remotePeerId()).orElse(null);
            host.peerIdentified(c, verified(c, m, before));
        } catch (ProtoException e) {
            c.close("identify push: " + e.getMessage());
            peerLog.warn("identify.rejected", "identify push from {} rejected, connection closed: {}", c.remotePeerId(), e.getMessage());
        }
    }

    /** Runs identify on a new connection; closes it when the remote's answer is invalid. */
    public void identify(Connection c) {
        P2pStream s;
        try {
            s = c.newStream(List.of(ID));
        } catch (IOException e) {
            log.debug("identify with {}: no stream: {}", c.remotePeerId(), e.getMessage());
            c.failIdentifyQuietly(e);
            return;
        }
        Deadline deadline = host.deadline(s::reset, config.identifyTimeout());
        try (s) {
            IdentifyMessage m = readMessage(s.input());
            deadline.cancel();
            host.peerIdentified(c, verified(c, m, null));
        } catch (ProtoException e) {
            deadline.cancel();
            peerLog.warn("identify.rejected", "identify from {} rejected, connection closed: {}", c.remotePeerId(), e.getMessage());
            c.close("identify: " + e.getMessage());
        } catch (IOException e) {
            deadline.cancel();
            log.debug("identify with {} failed: {}", c.remotePeerId(), e.getMessage());
            c.failIdentifyQuietly(e);
        }
    }

    private IdentifyInfo verified(Connection c, IdentifyMessage m, IdentifyInfo before) throws ProtoException {
        if (m.publicKey() != null && !Arrays.equals(m.publicKey(), PeerId.publicKeyProtobuf(c.remoteKey()))) {
            throw new ProtoException("identify: public key is not the connection's peer");
        }
        PeerRecord record = m.signedPeerRecord() == null ? null : PeerRecord.open(m.signedPeerRecord(), c.remoteKey());
        if (before == null) {
            return new IdentifyInfo(c.remotePeerId(), m.protocolVersion(), m.agentVersion(), m.protocols(), m.listenAddrs(),
                    m.observedAddr(), record, System.currentTimeMillis());
        }
        return new IdentifyInfo(c.remotePeerId(),
                m.protocolVersion() != null ? m.protocolVersion() : before.protocolVersion(),
                m.agentVersion() != null ? m.agentVersion() : before.agentVersion(),
                m.protocols().isEmpty() ? before.protocols() : m.protocols(),
                m.listenAddrs().isEmpty() ? before.listenAddrs() : m.listenAddrs(),
                m.observedAddr() != null ? m.observedAddr() : before.observedAddr(),
                record != null ? record : before.signedRecord(), System.currentTimeMillis());
    }

    private void pushToAll() {
        for (Connection c : host.connections()) {
            IdentifyInfo info = host.peerInfo(c.remotePeerId()).orElse(null);
            if (info == null || !info.supports(PUSH) || !c.isOpen()) continue;
            try {
                host.execute(() -> push(c));
            } catch (RuntimeException e) {
                return; // host closing
            }
        }
    }

    private void push(Connection c) {
        try (P2pStream s = c.newStream(List.of(PUSH))) {
            writeFramed(s.output(), messageFor(c).encode());
            s.closeWrite();
        } catch (IOException e) {
            log.debug("identify push to {} failed: {}", c.remotePeerId(), e.getMessage());
        }
    }

    static void writeFramed(OutputStream out, byte[] body) throws IOException {
        out.write(UnsignedVarint.encode(body.length));
        out.write(body);
        out.flush();
    }

    /** Reads one length-prefixed message; a length over the limit fails before anything is allocated. */
    static IdentifyMessage readMessage(InputStream in) throws IOException {
        long length = 0;
        for (int i = 0; ; i++) {
            int b = in.read();
            if (b < 0) throw new EOFException("identify stream ended before a message");
            if (i == 4) throw new ProtoException("identify: length prefix over 4 bytes");
            length |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) break;
        }
        if (length > IdentifyMessage.MAX_LENGTH) {
            throw new ProtoException("identify: message of " + length + " bytes over the " + IdentifyMessage.MAX_LENGTH + "-byte limit");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) throw new EOFException("identify stream ended inside the message");
        return IdentifyMessage.decode(body);
    }

    /** For tests and the CLI: our listen addresses as identify sends them. */
    public List<Multiaddr> advertisedAddrs() {
        return host.listenAddrs();
    }
}
